import { ethereumAddress } from '@demls/consensus'
import type { Storage } from '@demls/storage'
import { MemoryNetwork, type FaultsInit, type MemoryTransport } from '@demls/transport-memory'
import {
  type ConversationConfigInit,
  type ConversationPluginsFactory,
  FAST_TIMING,
  type JoinOptions,
  type JoinProgress,
  type PluginOverrides,
  User,
  type UserEvent,
  type UserInit,
} from '../../src/index.js'


/** Hardhat/Anvil public development keys (accounts #0–#9), as the reference tests use. */
export const DEV_KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
  '8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
  '92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e',
  '4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356',
  'dbda1821b80551c9d65939addd1af8dc2e6bf5dba8f9a2c8e1fb10b7f4a7d4e6',
  '2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
].map((h) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16))))

/** A deterministic key for member `i` (dev keys first, then derived ones). */
export function keyFor(i: number): Uint8Array {
  if (i < DEV_KEYS.length) return DEV_KEYS[i]!
  const k = new Uint8Array(32)
  k[0] = 0x11
  k[30] = (i >> 8) & 0xff
  k[31] = i & 0xff
  return k
}

/** The fast timing profile (exported by @demls/session). */
export const FAST: ConversationConfigInit = FAST_TIMING

export interface Member {
  user: User
  name: string
  events: UserEvent[]
}

export interface Scenario {
  net: MemoryNetwork
  members: Member[]
  /** Run virtual time until `predicate` holds (throws after maxMs). */
  until(predicate: () => boolean, maxMs?: number): Promise<number>
  stop(): Promise<void>
}

export async function scenario(
  n: number,
  init: {
    seed?: number
    faults?: FaultsInit
    config?: ConversationConfigInit
    plugins?: (i: number) => PluginOverrides | ConversationPluginsFactory
    /** Called with each member's transport before its user is created (e.g. to lose one chosen packet). */
    transport?: (i: number, transport: MemoryTransport, net: MemoryNetwork) => void
    /** More `User.create` options of member `i` (e.g. a `storage`). */
    userInit?: (i: number) => Partial<UserInit>
  } = {},
): Promise<Scenario> {
  // Virtual time starts at the memory network's default (2023-11-14): every
  // MLS-layer time check uses the injected clock, never the wall clock.
  const net = new MemoryNetwork({ seed: init.seed ?? 1, ...(init.faults ? { faults: init.faults } : {}) })
  const members: Member[] = []
  for (let i = 0; i < n; i++) {
    const name = `m${i}`
    const transport = net.createTransport(name) as MemoryTransport
    init.transport?.(i, transport, net)
    const user = await User.create({
      privateKey: keyFor(i),
      transport,
      clock: net.clock,
      // Admission 'open' (the reference's): these scenarios' joiners are admitted by auto-votes; the
      // invitation flow has its own tests (adversarial/sybil.test.ts, scenarios/invite.test.ts).
      config: { ...FAST, admission: 'open', ...init.config },
      random: () => 0.5,
      ...(init.plugins ? { plugins: init.plugins(i) } : {}),
      ...init.userInit?.(i),
    })
    const m: Member = { user, name, events: [] }
    user.events$.subscribe((e) => m.events.push(e))
    members.push(m)
  }
  return {
    net,
    members,
    until: (predicate, maxMs = 120_000) => net.runUntil(predicate, { maxMs }),
    stop: async () => {
      for (const m of members) await m.user.stop()
    },
  }
}

export const memberIdOf = (i: number) => ethereumAddress(keyFor(i))
export const text = (s: string) => new TextEncoder().encode(s)
export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Conversation handle of member `i` (throws when absent). */
export function conv(s: Scenario, i: number, id: string) {
  const c = s.members[i]!.user.conversation(id)
  if (!c) throw new Error(`${s.members[i]!.name} has no conversation ${id}`)
  return c
}

/** Whether every listed member is Working in `id` at one epoch with one member set and one authenticator. */
export function converged(s: Scenario, id: string, indexes = s.members.map((_, i) => i)): boolean {
  const cs = indexes.map((i) => s.members[i]!.user.conversation(id))
  if (cs.some((c) => c === undefined || c.state() !== 'working')) return false
  const first = cs[0]!
  const members = first.members().map(hex).sort().join()
  const auth = hex(first.epochAuthenticator())
  return cs.every(
    (c) => c!.epoch() === first.epoch() && c!.members().map(hex).sort().join() === members && hex(c!.epochAuthenticator()) === auth,
  )
}

/** Member 0 creates `id`; members 1..n-1 join by announcing key packages; wait until all converge. */
export async function bootstrap(s: Scenario, id: string, count = s.members.length): Promise<void> {
  await s.members[0]!.user.createConversation(id)
  const joins = s.members.slice(1, count).map((m) => m.user.join(id))
  await s.until(() => s.members.slice(1, count).every((m) => m.user.conversation(id) !== undefined))
  await Promise.all(joins)
  await s.until(() => converged(s, id, [...Array(count).keys()]) && conv(s, 0, id).members().length === count)
}

/** Events of member `i` of one type. */
export function eventsOf<T extends UserEvent['type']>(s: Scenario, i: number, type: T): Extract<UserEvent, { type: T }>[] {
  return s.members[i]!.events.filter((e): e is Extract<UserEvent, { type: T }> => e.type === type)
}

/** Whether `promise` settled yet, and its error if it failed (a join, knock or link join a scenario watches). */
export function outcomeOf<T>(promise: Promise<T>): { out: { error?: unknown; done: boolean }; settled: Promise<T | undefined> } {
  const out: { error?: unknown; done: boolean } = { done: false }
  const settled = promise.then(
    (value) => {
      out.done = true
      return value
    },
    (err) => {
      out.error = err
      out.done = true
      return undefined
    },
  )
  return { out, settled }
}

/** Run a join, capturing its progress and outcome. */
export function joining(s: Scenario, i: number, id: string, options: JoinOptions = {}) {
  const progress: JoinProgress[] = []
  const { out, settled: promise } = outcomeOf(s.members[i]!.user.join(id, { ...options, onProgress: (p) => progress.push(p) }))
  return { progress, out, promise }
}

/** Member `i` joins with `link` (announcements retried once a minute), capturing the outcome. */
export function joiningByLink(s: Scenario, i: number, link: string, timeoutMs = 30_000) {
  return outcomeOf(s.members[i]!.user.joinByLink(link, { timeoutMs, retry: { initialMs: 60_000, maxMs: 60_000 } })).out
}

/**
 * Member 0 creates `id`, members 1–2 join, then member 3 joins: one more
 * commit, after which the three settled members are the steward list
 * (the scenario needs `stewardList.snMax` ≥ 3). Waits until those four
 * converge (members 4 and up, if any, stay out).
 */
export async function bootstrapThreeStewards(s: Scenario, id: string): Promise<void> {
  await bootstrapElected(s, id, 3)
}

/**
 * Member 0 creates `id`, members 1–2 join, then member 3 joins; waits until
 * those four converge and the election after that commit listed `stewards`
 * of them (`stewardList.snMax` must allow it).
 */
export async function bootstrapElected(s: Scenario, id: string, stewards: number): Promise<void> {
  await bootstrap(s, id, 3)
  const joiner = s.members[3]!.user.join(id)
  await s.until(() => s.members[3]!.user.conversation(id) !== undefined)
  await joiner
  await s.until(() => converged(s, id, [0, 1, 2, 3]) && conv(s, 0, id).conversation.stewards().length === stewards)
}

/** Which of members 0–3 holds each role after {@link bootstrapThreeStewards}, as member 0 sees it. */
export function stewardRoles(s: Scenario, id: string): { epochSteward: number; backup: number; steward: number; member: number } {
  const roles = Object.fromEntries(conv(s, 0, id).memberRoles().map((e) => [hex(e.memberId), e.role]))
  const idx = (role: string) => [0, 1, 2, 3].find((i) => roles[hex(memberIdOf(i))] === role)!
  return { epochSteward: idx('epoch-steward'), backup: idx('backup-steward'), steward: idx('steward'), member: idx('member') }
}

/** The scenario config of {@link forkByPartition}: three stewards, and a batching window long enough to cut one off. */
export const PARTITION_FORK_CONFIG = { stewardList: { snMin: 1, snMax: 3 }, commitInactivityMs: 5_000, commitBatchWindowMs: 3_000 }

/**
 * A fork by partition, in a scenario of 4 members under
 * {@link PARTITION_FORK_CONFIG}: after {@link bootstrapThreeStewards}, the
 * epoch steward proposes removing the plain member; once every member
 * approved it, the other steward is cut off from the rest, and both sides
 * commit the removal on their own. Returns the roles and the epoch the
 * fork left, once the steward, the epoch steward and the backup reached
 * the next one (the partition is still in place).
 */
export async function forkByPartition(s: Scenario, id: string): Promise<ReturnType<typeof stewardRoles> & { epoch: bigint }> {
  await bootstrapThreeStewards(s, id)
  const roles = stewardRoles(s, id)
  const { epochSteward, backup, steward, member } = roles
  const epoch = conv(s, 0, id).epoch()
  await conv(s, epochSteward, id).removeMember(memberIdOf(member))
  await s.until(() => [0, 1, 2, 3].every((i) => conv(s, i, id).approvedProposals().length === 1))
  s.net.partition([s.members[steward]!.name], [epochSteward, backup, member].map((i) => s.members[i]!.name))
  await s.until(() => [steward, epochSteward, backup].every((i) => conv(s, i, id).epoch() === epoch + 1n))
  return { ...roles, epoch }
}

/**
 * Like {@link bootstrap} under admission by invitation: member 0 creates
 * `id` with `admission: 'invite'` and invites members 1..count-1 before
 * they join (the group admits them by its automatic votes).
 */
export async function bootstrapInvited(s: Scenario, id: string, count = s.members.length, admission: 'invite' | 'open' = 'invite'): Promise<void> {
  const owner = await s.members[0]!.user.createConversation(id, { admission })
  for (let i = 1; i < count; i++) await owner.invite(memberIdOf(i))
  await s.net.advance(50)
  const joins = s.members.slice(1, count).map((m) => m.user.join(id))
  await s.until(() => s.members.slice(1, count).every((m) => m.user.conversation(id) !== undefined))
  await Promise.all(joins)
  await s.until(() => converged(s, id, [...Array(count).keys()]) && conv(s, 0, id).members().length === count)
}

/**
 * Start member `i` again, with its key and the fast timing, over `storage`
 * on a new transport named `label`: the restarted user replaces
 * `s.members[i]` (its events are collected from now on).
 */
export async function restartMember(s: Scenario, i: number, storage: Storage, label = `m${i}-restarted-${s.net.clock.now()}`): Promise<Member> {
  const user = await User.create({ privateKey: keyFor(i), transport: s.net.createTransport(label), clock: s.net.clock, config: FAST, random: () => 0.5, storage })
  const member: Member = { user, name: label, events: [] }
  user.events$.subscribe((e) => member.events.push(e))
  s.members[i] = member
  return member
}
