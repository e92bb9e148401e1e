/**
 * Four members on one seeded memory network in virtual time. Each is a real
 * `User` (ts-mls, secp256k1 signatures); only the network is simulated, so
 * a run is deterministic and minutes of protocol time take seconds.
 */
import { type ConversationHandle, FAST_TIMING, type PluginOverrides, User } from '@demls/session'
import { MemoryNetwork } from '@demls/transport-memory'
import { createHash } from 'node:crypto'

/** The cast, in order: alice creates the group, the others join it. */
export const NAMES = ['alice', 'bob', 'carol', 'dave'] as const
/** A member's name. */
export type Name = (typeof NAMES)[number]

/** A running cast. */
export interface Cast {
  net: MemoryNetwork
  users: Record<Name, User>
  /** `name`'s handle of the group (throws when it is not in it). */
  group(name: Name): ConversationHandle
  /** The name behind a member id. */
  nameOf(memberId: Uint8Array): Name
  stop(): Promise<void>
}

/** The group every scene uses. */
export const GROUP = 'guild'

/** Start the cast, every member with `plugins`; nobody is in a group yet. */
export async function startCast(plugins: (name: Name) => PluginOverrides): Promise<Cast> {
  const net = new MemoryNetwork({ seed: 11 })
  const users = {} as Record<Name, User>
  for (const name of NAMES) {
    users[name] = await User.create({
      // A deterministic key per name: fine for an example, never for anything real.
      privateKey: new Uint8Array(createHash('sha256').update(`demls example custom-scoring: ${name}`).digest()),
      transport: net.createTransport(name),
      clock: net.clock,
      // Seconds instead of minutes; up to three stewards, so a backup exists.
      config: { ...FAST_TIMING, stewardList: { snMin: 1, snMax: 3 } },
      random: () => 0.5,
      plugins: plugins(name),
    })
  }
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
  return {
    net,
    users,
    group(name) {
      const h = users[name].conversation(GROUP)
      if (!h) throw new Error(`${name} is not in ${GROUP}`)
      return h
    },
    nameOf(memberId) {
      const name = NAMES.find((n) => hex(users[n].memberId) === hex(memberId))
      if (!name) throw new Error(`unknown member ${hex(memberId)}`)
      return name
    },
    async stop() {
      for (const n of NAMES) await users[n].stop()
    },
  }
}

/** Whether `names` are all Working in the group at one epoch with `size` members. */
export function settled(cast: Cast, names: readonly Name[], size: number): boolean {
  const hs = names.map((n) => cast.users[n].conversation(GROUP))
  return hs.every((h) => h !== undefined && h.state() === 'working' && h.epoch() === hs[0]!.epoch() && h.members().length === size)
}

/** `names` join the group one after the other (alice must have created it). */
export async function joinInTurn(cast: Cast, names: readonly Name[]): Promise<void> {
  for (const name of names) {
    const size = cast.group('alice').members().length + 1
    const joining = cast.users[name].join(GROUP)
    await cast.net.runUntil(() => cast.users[name].conversation(GROUP) !== undefined, { maxMs: 120_000 })
    await joining
    await cast.net.runUntil(() => settled(cast, NAMES.slice(0, size), size), { maxMs: 120_000 })
  }
}
