// End-to-end check of the scale model: the whole protocol (every member a
// `User` on the memory network, all in this process), grown to n members,
// then ONE more membership change (one joiner: one proposal, voted by all n)
// timed in process CPU. Divided by n, that is what the model predicts per
// member, plus everything the model leaves out (session logic, the
// simulated network, timers, steward and joiner extras).
import { signatureBackend } from '@demls/consensus'
import { MemoryNetwork } from '@demls/transport-memory'
import { FAST_TIMING, User } from '../src/index.js'
import { cpuNow } from './scale-cpu.js'
import { voterKey } from './scale-votes.js'

const GROW_BATCH = 5

/** CPU of one single-joiner membership change in a group of `n`, measured end to end. */
export interface EndToEnd {
  n: number
  /** Process CPU ms of the change (all n + 1 participants). */
  cpuMs: number
  /** The same divided by the n members who vote. */
  perMemberMs: number
  /** Packets the network delivered during the change, per member. */
  deliveriesPerMember: number
  /** Virtual time the change took, ms. */
  virtualMs: number
  backend: string
}

/** Grow a conversation to `n` members, then time one join. */
export async function endToEndAt(n: number): Promise<EndToEnd> {
  const net = new MemoryNetwork({ seed: 18, startTime: Math.floor(Date.now() / 1000) * 1000 })
  const users: User[] = []
  for (let i = 0; i <= n; i++) {
    users.push(await User.create({ privateKey: voterKey(10_000 + i), transport: net.createTransport(`u${i}`), clock: net.clock, config: FAST_TIMING, random: () => 0.5 }))
  }
  const id = `scale-${n}`
  await users[0]!.createConversation(id, { admission: 'open' })
  const converged = (count: number) => () =>
    users.slice(0, count).every((u) => u.conversation(id)?.epoch() === users[0]!.conversation(id)!.epoch() && u.conversation(id)!.state() === 'working')
  const admit = async (from: number, to: number) => {
    const joins = users.slice(from, to).map((u) => u.join(id))
    await net.runUntil(() => users.slice(from, to).every((u) => u.conversation(id) !== undefined), { maxMs: 3_600_000 })
    await Promise.all(joins)
    await net.runUntil(converged(to), { maxMs: 3_600_000 })
  }
  for (let from = 1; from < n; from += GROW_BATCH) await admit(from, Math.min(n, from + GROW_BATCH))
  const epoch = users[0]!.conversation(id)!.epoch()
  const d0 = net.stats().total.delivered
  const t0 = net.clock.now()
  const c0 = cpuNow()
  await admit(n, n + 1)
  const cpuMs = cpuNow() - c0
  const deliveriesPerMember = (net.stats().total.delivered - d0) / n
  const virtualMs = net.clock.now() - t0
  if (users[0]!.conversation(id)!.epoch() !== epoch + 1n) throw new Error(`expected one change, got ${users[0]!.conversation(id)!.epoch() - epoch}`)
  for (const u of users) await u.stop()
  return { n, cpuMs, perMemberMs: cpuMs / n, deliveriesPerMember, virtualMs, backend: signatureBackend() }
}
