/**
 * Members of the example on one seeded memory network in virtual time.
 * Every member is a real `User`: real MLS (ts-mls), real secp256k1 vote
 * signatures; only the network is simulated, so a run is deterministic and
 * takes seconds of real time however many virtual seconds it covers.
 */
import { type ConversationHandle, FAST_TIMING, type PluginOverrides, User, type UserEvent } from '@demls/session'
import { MemoryNetwork } from '@demls/transport-memory'
import { createHash } from 'node:crypto'

/** A member of the example. */
export interface Member {
  name: string
  user: User
  events: UserEvent[]
}

/** A deterministic secp256k1 key per name (never use such keys for anything real). */
export function keyOf(name: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`demls example custom-consensus: ${name}`).digest())
}

/** The network and its members, each with the plug-ins `pluginsOf(name)` returns. */
export async function startMembers(names: string[], pluginsOf: (name: string) => PluginOverrides): Promise<{ net: MemoryNetwork; members: Member[] }> {
  const net = new MemoryNetwork({ seed: 7 })
  const members: Member[] = []
  for (const name of names) {
    const user = await User.create({
      privateKey: keyOf(name),
      transport: net.createTransport(name),
      clock: net.clock,
      // Timers of seconds, not minutes: auto-votes after 300 ms, consensus timeout 1.5 s.
      config: FAST_TIMING,
      random: () => 0.5,
      plugins: pluginsOf(name),
    })
    const member: Member = { name, user, events: [] }
    user.events$.subscribe((e) => member.events.push(e))
    members.push(member)
  }
  return { net, members }
}

/** The first member creates `id`, the others join it; resolves once every member sees all of them. */
export async function formGroup(net: MemoryNetwork, members: Member[], id: string): Promise<void> {
  // Admission 'open': the joiners are auto-admitted (this example is about the consensus rule, not invitations).
  await members[0]!.user.createConversation(id, { admission: 'open' })
  const joins = members.slice(1).map((m) => m.user.join(id))
  await net.runUntil(() => members.every((m) => m.user.conversation(id)?.members().length === members.length), { maxMs: 120_000 })
  await Promise.all(joins)
}

/** Member `m`'s handle of `id` (throws when it is not in it). */
export function handleOf(m: Member, id: string): ConversationHandle {
  const h = m.user.conversation(id)
  if (!h) throw new Error(`${m.name} is not in ${id}`)
  return h
}

/** The names of `id`'s members as `viewer` sees them. */
export function memberNames(viewer: Member, all: Member[], id: string): string[] {
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
  const ids = new Set(handleOf(viewer, id).members().map(hex))
  return all.filter((m) => ids.has(hex(m.user.memberId))).map((m) => m.name)
}

/** Stop every member. */
export async function stopAll(members: Member[]): Promise<void> {
  for (const m of members) await m.user.stop()
}
