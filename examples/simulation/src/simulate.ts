/**
 * One simulated run: `members` users form a group on a seeded memory
 * network with `loss`, then for `durationS` virtual seconds the churn
 * schedule makes users join, leave and be removed by vote, and the
 * misbehaving steward (if any) stops sending. Every user is a real
 * `User` (ts-mls, secp256k1): only the packets are simulated.
 */
import { FAST_TIMING, User } from '@demls/session'
import { MemoryNetwork, SeededRandom } from '@demls/transport-memory'
import { createHash } from 'node:crypto'
import type { SimulationInit } from './options.js'
import { STORM_PACKETS_PER_100MS_PER_USER, type Storm, StormGuard } from './storm.js'
import { Recorder, type Recording } from './record.js'

/** The conversation every run uses. */
export const CONVERSATION = 'sim'

/** The recording plus what the run was. */
export interface SimulationResult {
  init: SimulationInit
  recording: Recording
  /** Packets published and deliveries lost, over the whole run. */
  traffic: { published: number; lost: number }
  /** When the run ended (ms from the start). */
  endedAt: number
  /** The packet storm that ended the run early, if one did (`at` in ms from the start). */
  storm: Storm | undefined
  /** When the initial group had formed (ms from the start), or `undefined` if it never did. */
  formedAt: number | undefined
  /** Whether every user holding the conversation ended Working at one epoch with one epoch authenticator. */
  converged: boolean
  /** Users holding the conversation apart from the group at the end (another epoch or branch), e.g. `m0 (epoch 8)`. */
  apart: string[]
  /** The group's members at the end, as the largest set of users in agreement sees them. */
  finalMembers: string[]
}

/** Longest wait for the initial group, in virtual ms. */
const FORM_LIMIT_MS = 300_000

function keyOf(seed: number, name: string): Uint8Array {
  // A deterministic key per name: fine for a simulation, never for anything real.
  return new Uint8Array(createHash('sha256').update(`demls simulation ${seed}: ${name}`).digest())
}

/** Join-time exponential gaps of a Poisson process with `perMin` events per minute, over `durationMs`. */
function churnTimes(random: SeededRandom, perMin: number, durationMs: number): number[] {
  const out: number[] = []
  if (perMin <= 0) return out
  let t = 0
  for (;;) {
    t += (-Math.log(1 - random.next()) * 60_000) / perMin
    if (t >= durationMs) return out
    out.push(Math.round(t))
  }
}

/** Run one simulation. Protocol failures do not throw: they are in the result. */
export async function simulate(init: SimulationInit): Promise<SimulationResult> {
  const spares = Math.max(2, Math.ceil(init.members / 2))
  const names = Array.from({ length: init.members + spares }, (_, i) => `m${i}`)
  const guard = new StormGuard(STORM_PACKETS_PER_100MS_PER_USER * (init.members + spares))
  const net = new MemoryNetwork({ seed: init.seed, faults: { loss: init.loss, jitterMs: 20 }, trace: (e) => guard.onTrace(e) })
  guard.onStorm = (storm) => {
    // Cut every peer off both ways so the exchange ends and the run can report it.
    for (const name of names) net.mute(name, { inbound: true })
    const senders = storm.bySender.map(([who, n]) => `${who} ${n}`).join(', ')
    rec.note(`packet storm: ${senders} packets within 100 ms (most common: ${storm.byKind[0]?.[0] ?? '?'}); every peer is cut off and the run ends here`)
  }
  const users: User[] = []
  for (const name of names) {
    users.push(
      await User.create({
        privateKey: keyOf(init.seed, name),
        transport: net.createTransport(name),
        clock: net.clock,
        config: FAST_TIMING,
        random: () => 0.5,
      }),
    )
  }
  const rec = new Recorder(net, users, names, CONVERSATION)
  const random = new SeededRandom(init.seed).fork('churn')
  const joining = new Set<number>()
  const inGroup = (i: number) => users[i]!.conversation(CONVERSATION) !== undefined
  const join = (i: number) => {
    joining.add(i)
    const done = rec.joinStarted(names[i]!)
    users[i]!.join(CONVERSATION, { timeoutMs: 60_000 }).then(
      () => done(),
      (err: unknown) => done(err),
    ).finally(() => joining.delete(i))
  }

  // Forming: m0 creates the group, the others of the first `members` join at once.
  // Admission 'open' (the reference's rule): churning joiners are admitted by auto-vote, nobody invites them.
  await users[0]!.createConversation(CONVERSATION, { admission: 'open' })
  rec.note('m0 creates the group')
  for (let i = 1; i < init.members; i++) join(i)
  let formedAt: number | undefined
  while (rec.now() < FORM_LIMIT_MS) {
    await net.advance(1_000)
    rec.sample(CONVERSATION)
    if (joining.size === 0 || guard.storm) break
  }
  if ([...Array(init.members).keys()].every(inGroup)) {
    formedAt = rec.now()
    rec.note(`the group of ${init.members} has formed`)
  } else rec.note(`the initial group did not form within ${FORM_LIMIT_MS / 1000} s`)

  // Churn and the misbehaving steward, one virtual second at a time.
  const start = rec.now()
  const due = churnTimes(random, init.churnPerMin, init.durationS * 1000).map((t) => start + t)
  const badAt = init.badSteward === 'none' ? Number.POSITIVE_INFINITY : init.badStewardAtS * 1000
  let bad: number | undefined
  const act = async () => {
    const members = users.map((_, i) => i).filter((i) => inGroup(i) && !joining.has(i) && i !== bad)
    const outsiders = users.map((_, i) => i).filter((i) => !inGroup(i) && !joining.has(i) && i !== bad)
    const roll = random.next()
    if (outsiders.length > 0 && (roll < 0.5 || members.length <= 2)) return join(outsiders[random.int(outsiders.length)]!)
    if (members.length <= 2) return rec.note('churn skipped: the group is at two members')
    const who = members[random.int(members.length)]!
    const handle = users[who]!.conversation(CONVERSATION)!
    try {
      if (roll < 0.75) {
        rec.mark(`−${names[who]}`)
        rec.note(`${names[who]} leaves`)
        await handle.leave()
      } else {
        const others = [...members.filter((i) => i !== who), ...(bad !== undefined && inGroup(bad) ? [bad] : [])]
        const target = others[random.int(others.length)]!
        rec.mark(`−${names[target]}`)
        rec.note(`${names[who]} proposes removing ${names[target]}`)
        await handle.removeMember(users[target]!.memberId)
      }
    } catch (err) {
      rec.note(`${names[who]}'s request was refused: ${(err as { code?: string }).code ?? (err as Error).name}`)
    }
  }
  while (rec.now() < start + init.durationS * 1000 && !guard.storm) {
    await net.advance(1_000)
    rec.sample(CONVERSATION)
    const now = rec.now()
    while (due.length > 0 && due[0]! <= now) {
      due.shift()
      await act()
    }
    if (bad === undefined && now >= badAt) {
      bad = users.findIndex((u, i) => inGroup(i) && u.conversation(CONVERSATION)!.conversation.isEpochSteward())
      if (bad < 0) bad = undefined
      else {
        net.mute(names[bad]!)
        rec.note(`${names[bad]}, the epoch steward, goes ${init.badSteward === 'silent' ? 'silent for good' : 'flaky (5 s silent, 5 s back)'}`)
      }
    } else if (bad !== undefined && init.badSteward === 'flaky') {
      // Silent in even 5 s slots since it started, back in odd ones.
      const silentNow = Math.floor((now - badAt) / 5_000) % 2 === 0
      if (silentNow && !net.isMuted(names[bad]!)) net.mute(names[bad]!)
      else if (!silentNow && net.isMuted(names[bad]!)) net.unmute(names[bad]!)
    }
  }
  rec.note('end of the run')
  rec.finish()

  // The group at the end: the largest set of members at one epoch with one
  // epoch authenticator; anyone else holding the conversation is apart.
  const clusters = new Map<string, number[]>()
  users.forEach((u, i) => {
    const h = u.conversation(CONVERSATION)
    if (h === undefined) return
    const key = `${h.epoch()}/${Buffer.from(h.epochAuthenticator()).toString('hex')}`
    clusters.set(key, [...(clusters.get(key) ?? []), i])
  })
  const main = [...clusters.values()].sort((a, b) => b.length - a.length)[0] ?? []
  const apart = [...clusters.values()].flat().filter((i) => !main.includes(i))
  const head = main.length > 0 ? users[main[0]!]!.conversation(CONVERSATION) : undefined
  const finalMembers = head ? head.members().map((m) => rec.nameOf(m)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))) : []
  const working = main.every((i) => users[i]!.conversation(CONVERSATION)!.state() === 'working')
  const stats = net.stats().total
  for (const u of users) await u.stop()
  return {
    init,
    recording: rec.rec,
    traffic: { published: stats.published, lost: stats.droppedBy.loss },
    endedAt: rec.now(),
    storm: guard.storm === undefined ? undefined : { ...guard.storm, at: guard.storm.at - net.clock.now() + rec.now() },
    formedAt,
    converged: apart.length === 0 && working,
    apart: apart.map((i) => `${names[i]} (epoch ${users[i]!.conversation(CONVERSATION)!.epoch()})`),
    finalMembers,
  }
}
