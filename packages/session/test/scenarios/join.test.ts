import { EthereumSigner, ethereumAddress } from '@demls/consensus'
import type { MemoryTransport } from '@demls/transport-memory'
import {
  AbortError,
  type JoinBeacon,
  type JoinProbe,
  JoinStatusKind,
  type WelcomeChannelMessage,
  decodeWelcomeChannelMessage,
  encodeWelcomeChannelMessage,
  topicFor,
} from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import {
  type JoinPhase,
  type JoinProgress,
  JoinError,
  NoReadyPeersError,
  PluginMismatchError,
  RejectedError,
  WelcomeTimeoutError,
  signJoinBeacon,
  signJoinStatus,
} from '../../src/index.js'
import { type Scenario, bootstrap, bootstrapThreeStewards, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

/** Phases in order, consecutive repeats collapsed. */
const phasesOf = (progress: JoinProgress[]): JoinPhase[] =>
  progress
    .map((p) => p.phase)
    .filter((p): p is JoinPhase => p !== 'welcome-dropped' && p !== 'rejected')
    .filter((p, i, all) => i === 0 || all[i - 1] !== p)

/** A raw transport on the network that sees (and may publish on) one conversation's welcome channel. */
async function tap(s: Scenario, name: string, conversationId: string) {
  const t = s.net.createTransport(name) as MemoryTransport
  await t.start()
  t.subscribe(topicFor(conversationId, 'welcome'))
  const seen: WelcomeChannelMessage[] = []
  const listeners: ((m: WelcomeChannelMessage) => void)[] = []
  t.addEventListener('message', (e) => {
    if (e.detail.envelope.subtopic !== 'welcome') return
    const m = decodeWelcomeChannelMessage(e.detail.envelope.payload)
    seen.push(m)
    for (const l of listeners) l(m)
  })
  const publish = (m: Parameters<typeof encodeWelcomeChannelMessage>[0]) =>
    void t.publish({ conversationId, subtopic: 'welcome', payload: encodeWelcomeChannelMessage(m) }, { allowNoPeers: true })
  return { t, seen, publish, on: (l: (m: WelcomeChannelMessage) => void) => listeners.push(l) }
}

/** Two members of conversation `id` with a beacon budget of `probeAnswersPerSecond`, and an observer on its welcome channel. */
async function probedPair(id: string, probeAnswersPerSecond: number) {
  const s = await scenario(2, { config: { probeAnswersPerSecond } })
  await bootstrap(s, id)
  return { s, obs: await tap(s, 'observer', id) }
}

/** `count` probes at once, each from its own forged id (`tag` keeps the ids and nonces of one test apart); returns their nonces (hex). */
function probesFromForgedIds(obs: { publish(m: Parameters<typeof encodeWelcomeChannelMessage>[0]): void }, count: number, tag: number): Set<string> {
  const nonces = new Set<string>()
  for (let k = 0; k < count; k++) {
    const id = new Uint8Array(20)
    id[0] = k
    id[1] = tag
    const nonce = new Uint8Array(16)
    nonce[0] = k
    nonce[1] = tag
    nonces.add(hex(nonce))
    obs.publish({ joinProbe: { memberId: id, nonce, sentAtMs: k } })
  }
  return nonces
}

const beaconsIn = (seen: WelcomeChannelMessage[]) => seen.filter((m) => m.joinBeacon !== undefined).map((m) => m.joinBeacon!)
const probesIn = (seen: WelcomeChannelMessage[]) => seen.filter((m) => m.joinProbe !== undefined).map((m) => m.joinProbe!)

const ATTACKER_KEY = new Uint8Array(32).fill(0x42)
const attacker = new EthereumSigner(ATTACKER_KEY)

describe('joiner state machine (probe → beacon → announce → acked → admitted → welcomed → synced → ready)', () => {
  it('join before any member is online: probes are retried, and the join succeeds once a member creates the group', async () => {
    const s = await scenario(3)
    const start = s.net.clock.now()
    // Two joiners wait for a group nobody has created yet; each sees the other on the welcome channel, so probes go out.
    const a = joining(s, 1, 'late', { timeoutMs: 60_000 })
    const b = joining(s, 2, 'late', { timeoutMs: 60_000 })
    await s.net.advance(15_000)
    const probesBefore = a.progress.filter((p) => p.phase === 'probing').at(-1)
    expect(probesBefore?.phase === 'probing' && probesBefore.probesSent).toBeGreaterThanOrEqual(3)
    expect(a.out.done).toBe(false)
    await s.members[0]!.user.createConversation('late')
    await s.until(() => a.out.done && b.out.done)
    expect(a.out.error).toBeUndefined()
    expect(b.out.error).toBeUndefined()
    expect(phasesOf(a.progress)).toEqual(['probing', 'beacon', 'announcing', 'acked', 'admitted', 'welcomed', 'synced', 'ready'])
    const beacon = a.progress.find((p) => p.phase === 'beacon')!
    expect(beacon.phase === 'beacon' && hex(beacon.responder)).toBe(hex(memberIdOf(0)))
    expect(beacon.phase === 'beacon' && beacon.epoch).toBe(0n)
    // The beacon came right after the group appeared, not at the next backoff step.
    expect(beacon.elapsedMs).toBeLessThan(15_000 + 1_000)
    expect(a.progress.at(-1)!.elapsedMs).toBeGreaterThanOrEqual(15_000)
    expect(a.progress.at(-1)!.elapsedMs).toBeLessThanOrEqual(s.net.clock.now() - start)
    await s.until(() => converged(s, 'late') && conv(s, 0, 'late').members().length === 3)
    await s.stop()
  })

  it('join with no group: NoReadyPeersError at the deadline, with elapsed time and the probes sent', async () => {
    const s = await scenario(2)
    const a = joining(s, 0, 'ghost', { timeoutMs: 20_000 })
    const b = joining(s, 1, 'ghost', { timeoutMs: 20_000 })
    const start = s.net.clock.now()
    await s.until(() => a.out.done && b.out.done)
    for (const j of [a, b]) {
      expect(j.out.error).toBeInstanceOf(NoReadyPeersError)
      expect(j.out.error).toBeInstanceOf(JoinError)
      const err = j.out.error as NoReadyPeersError
      expect(err.elapsedMs).toBe(20_000)
      expect(err.conversationId).toBe('ghost')
      // Probes at 0, 1.125, 3.375, 7.875, 13.5 and 19.125 s (1 s doubling to 5 s, random = 0.5);
      // the next (24.75 s) is past the deadline.
      expect(err.probesSent).toBe(6)
      expect(phasesOf(j.progress)).toEqual(['probing'])
    }
    expect(s.net.clock.now() - start).toBe(20_000)
    expect(s.members[0]!.user.transport.getTopics()).toEqual([])
    await s.stop()
  })

  it.each([
    ['', true, ['probing', 'beacon', 'announcing', 'acked']],
    [' (probe: false: the REJECTED comes from the acker)', false, ['announcing', 'acked']],
  ] as const)('join rejected by vote: the members vote NO and the joiner gets RejectedError%s', async (_, probe, phases) => {
    const s = await scenario(3)
    await bootstrap(s, 'no', 2)
    for (const i of [0, 1]) {
      s.members[i]!.user.events$.subscribe((e) => {
        if (e.type === 'vote-requested' && e.request?.payload === 'memberInvite') void conv(s, i, 'no').vote(e.proposalId, false)
      })
    }
    const j = joining(s, 2, 'no', { probe })
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(RejectedError)
    expect((j.out.error as JoinError).conversationId).toBe('no')
    const err = j.out.error as RejectedError
    const outcome = eventsOf(s, 0, 'consensus-reached').find(
      (e) => e.request?.memberInvite !== undefined && hex(e.request.memberInvite.memberId) === hex(memberIdOf(2)),
    )!
    expect(outcome.approved).toBe(false)
    expect(err.proposalId).toBe(outcome.proposalId)
    expect([hex(memberIdOf(0)), hex(memberIdOf(1))]).toContain(hex(err.responder))
    expect(err.elapsedMs).toBeGreaterThan(0)
    expect(phasesOf(j.progress)).toEqual(phases)
    expect(s.members[2]!.user.conversation('no')).toBeUndefined()
    expect(s.members[2]!.user.transport.getTopics()).toEqual([])
    expect(conv(s, 0, 'no').members()).toHaveLength(2)
    await s.stop()
  })

  it('abort through the signal: AbortError with elapsed time, no timers left, topics unsubscribed', async () => {
    const s = await scenario(2)
    const ac = new AbortController()
    // A second joiner keeps the welcome channel reachable, so probes and retries are scheduled.
    const other = joining(s, 1, 'nobody', { timeoutMs: 5_000 })
    const j = joining(s, 0, 'nobody', { signal: ac.signal, timeoutMs: 60_000 })
    await s.net.advance(7_000)
    expect(other.out.error).toBeInstanceOf(NoReadyPeersError)
    expect(j.progress.filter((p) => p.phase === 'probing').length).toBeGreaterThan(1)
    ac.abort(new Error('user cancelled'))
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(AbortError)
    const err = j.out.error as AbortError
    expect(err.name).toBe('AbortError')
    expect(err.elapsedMs).toBe(7_000)
    expect(err.cause).toEqual(new Error('user cancelled'))
    await s.net.settle()
    expect(s.net.clock.pendingEvents).toBe(0)
    expect(s.members[0]!.user.transport.getTopics()).toEqual([])
    // A signal that is already aborted fails at once.
    await expect(s.members[0]!.user.join('nobody', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError', elapsedMs: 0 })
    await s.stop()
  })

  it('stopping the user aborts a pending join', async () => {
    const s = await scenario(1)
    const j = joining(s, 0, 'nobody')
    await s.net.advance(1_000)
    await s.members[0]!.user.stop()
    await j.promise
    expect(j.out.error).toBeInstanceOf(AbortError)
    expect(s.net.clock.pendingEvents).toBe(0)
  })

  it('probe: false announces at once and still joins (reference peers never answer probes)', async () => {
    const s = await scenario(2)
    await s.members[0]!.user.createConversation('noprobe')
    const obs = await tap(s, 'observer', 'noprobe')
    const j = joining(s, 1, 'noprobe', { probe: false })
    await s.until(() => j.out.done)
    expect(j.out.error).toBeUndefined()
    expect(phasesOf(j.progress)).toEqual(['announcing', 'acked', 'admitted', 'welcomed', 'synced', 'ready'])
    expect(probesIn(obs.seen)).toHaveLength(0)
    await s.stop()
  })

  it('announce: false (out-of-band key package) waits for the Welcome and recognises the statuses about that key package', async () => {
    const s = await scenario(2)
    const alice = await s.members[0]!.user.createConversation('oob')
    const kp = await s.members[1]!.user.keyPackage()
    const obs = await tap(s, 'observer', 'oob')
    const j = joining(s, 1, 'oob', { announce: false })
    await alice.addMember(kp)
    await s.until(() => j.out.done)
    expect(j.out.error).toBeUndefined()
    expect(phasesOf(j.progress)).toEqual(['acked', 'admitted', 'welcomed', 'synced', 'ready'])
    expect(probesIn(obs.seen)).toHaveLength(0)
    expect(obs.seen.filter((m) => m.keyPackage !== undefined)).toHaveLength(0)
    await s.stop()
  })

  it('progress is also published on user.joinProgress$', async () => {
    const s = await scenario(2)
    await s.members[0]!.user.createConversation('rx')
    const seen: JoinProgress[] = []
    const sub = s.members[1]!.user.joinProgress$.subscribe((p) => seen.push(p))
    const j = joining(s, 1, 'rx')
    await s.until(() => j.out.done)
    sub.unsubscribe()
    expect(seen.map((p) => p.phase)).toEqual(j.progress.map((p) => p.phase))
    expect(seen.every((p) => p.conversationId === 'rx')).toBe(true)
    const elapsed = seen.map((p) => p.elapsedMs)
    expect([...elapsed].sort((x, y) => x - y)).toEqual(elapsed)
    await s.stop()
  })

  it('a missed acknowledgement is re-sent when the joiner republishes', async () => {
    const s = await scenario(2, { config: { votingDelayMs: 20_000, consensusTimeoutMs: 60_000 } })
    await s.members[0]!.user.createConversation('reack')
    const obs = await tap(s, 'observer', 'reack')
    // Drop the first ACKED: mute the steward for a moment right after it opens the proposal.
    let muted = false
    s.members[0]!.user.events$.subscribe((e) => {
      if (e.type === 'vote-requested' && e.request?.payload === 'memberInvite' && !muted) {
        muted = true
        s.net.mute('m0')
        s.net.clock.setTimer(() => s.net.unmute('m0'), 200)
      }
    })
    const j = joining(s, 1, 'reack', { timeoutMs: 120_000 })
    await s.until(() => j.progress.some((p) => p.phase === 'acked'), 30_000)
    const acks = obs.seen.filter((m) => m.joinStatus?.status === JoinStatusKind.JOIN_STATUS_ACKED)
    expect(acks.length).toBeGreaterThanOrEqual(1)
    expect(j.progress.filter((p) => p.phase === 'announcing').length).toBeGreaterThan(1)
    await s.until(() => j.out.done)
    expect(j.out.error).toBeUndefined()
    await s.stop()
  })
})

describe('members answer probes (only when working, staggered, rate-limited)', () => {
  it('one probe to a three-member group gets one beacon: the epoch steward answers, the others stay silent', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'one')
    const obs = await tap(s, 'observer', 'one')
    const nonce = new Uint8Array(16).fill(7)
    obs.publish({ joinProbe: { memberId: new Uint8Array(20).fill(1), nonce, sentAtMs: s.net.clock.now() } })
    await s.net.advance(5_000)
    const beacons = beaconsIn(obs.seen)
    expect(beacons).toHaveLength(1)
    const steward = [0, 1, 2].find((i) => conv(s, i, 'one').conversation.isEpochSteward())!
    expect(hex(beacons[0]!.responder)).toBe(hex(memberIdOf(steward)))
    expect(beacons[0]!.memberCount).toBe(3)
    expect(beacons[0]!.epoch).toBe(conv(s, 0, 'one').epoch())
    expect(hex(beacons[0]!.nonce)).toBe(hex(nonce))
    await s.stop()
  })

  it('40 joiners probing at once are answered within half an answer step by three beacons of the epoch steward, none refused for the budget', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'burst')
    const obs = await tap(s, 'observer', 'burst')
    const sent = s.net.clock.now()
    const nonces = new Set<string>()
    for (let k = 0; k < 40; k++) {
      const nonce = new Uint8Array(16).fill(k + 1)
      nonces.add(hex(nonce))
      obs.publish({ joinProbe: { memberId: new Uint8Array(20).fill(k + 1), nonce, sentAtMs: sent } })
    }
    const answered = () => new Set(beaconsIn(obs.seen).flatMap((b) => [b.nonce, ...b.moreNonces].map(hex)))
    await s.until(() => [...nonces].every((n) => answered().has(n)), 10_000)
    // The first probe at once, the others in the beacons of half a step later (250 ms), 32 at most each.
    expect(s.net.clock.now() - sent).toBeLessThanOrEqual(250 + 100)
    await s.net.advance(5_000)
    const beacons = beaconsIn(obs.seen)
    expect(beacons).toHaveLength(3)
    const steward = [0, 1, 2].find((i) => conv(s, i, 'burst').conversation.isEpochSteward())!
    expect(beacons.every((b) => hex(b.responder) === hex(memberIdOf(steward)))).toBe(true)
    expect([0, 1, 2].flatMap((i) => eventsOf(s, i, 'dropped').filter((e) => e.reason === 'rate-limited'))).toEqual([])
    await s.stop()
  })

  it('when the epoch steward is silent, another member answers after its stagger delay', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'backup')
    const steward = [0, 1, 2].find((i) => conv(s, i, 'backup').conversation.isEpochSteward())!
    s.net.mute(s.members[steward]!.name)
    const obs = await tap(s, 'observer', 'backup')
    obs.publish({ joinProbe: { memberId: new Uint8Array(20).fill(2), nonce: new Uint8Array(16).fill(8), sentAtMs: 1 } })
    const sent = s.net.clock.now()
    await s.until(() => beaconsIn(obs.seen).length > 0, 10_000)
    expect(s.net.clock.now() - sent).toBeGreaterThanOrEqual(100)
    await s.net.advance(5_000)
    const beacons = beaconsIn(obs.seen)
    expect(beacons).toHaveLength(1)
    expect(hex(beacons[0]!.responder)).not.toBe(hex(memberIdOf(steward)))
    await s.stop()
  })

  it('a flood of probes from one joiner yields a bounded number of beacons', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'flood')
    const obs = await tap(s, 'observer', 'flood')
    const prober = new Uint8Array(20).fill(3)
    // 20 probes per second for 10 s, each with a fresh nonce.
    for (let k = 0; k < 200; k++) {
      const nonce = new Uint8Array(16)
      nonce[0] = k
      nonce[1] = k >> 8
      obs.publish({ joinProbe: { memberId: prober, nonce, sentAtMs: k } })
      await s.net.advance(50)
    }
    await s.net.advance(3_000)
    const beacons = beaconsIn(obs.seen)
    // A beacon any member sent counts against the prober on every member: the group answers it
    // about once per probeAnswerIntervalMs (2 s), i.e. ~5 times in 10 s instead of 200.
    expect(beacons.length).toBeGreaterThanOrEqual(4)
    expect(beacons.length).toBeLessThanOrEqual(7)
    // Every refused probe is counted (repeats are not emitted one by one).
    const limited = [0, 1, 2].reduce((n, i) => n + (conv(s, i, 'flood').conversation.dropCounts()['rate-limited'] ?? 0), 0)
    expect(limited).toBeGreaterThan(150)
    expect([0, 1, 2].flatMap((i) => eventsOf(s, i, 'dropped').filter((e) => e.reason === 'rate-limited')).length).toBeLessThan(20)
    await s.stop()
  })

  it('probes from many forged ids are bounded by the global budget', async () => {
    const { s, obs } = await probedPair('budget', 2)
    probesFromForgedIds(obs, 100, 0)
    await s.net.advance(900)
    // Both members answer (the second after its stagger delay, for probes nobody answered), each within
    // budget: at most 2 beacons in each of its one-second windows (so at most 4 in any 900 ms, which
    // can touch two), each answering at most 32 probes.
    const perMember = (bs: JoinBeacon[]) => {
      const counts = new Map<string, number>()
      for (const b of bs) counts.set(hex(b.responder), (counts.get(hex(b.responder)) ?? 0) + 1)
      return [...counts.values()]
    }
    const beacons = beaconsIn(obs.seen)
    for (const n of perMember(beacons)) expect(n).toBeLessThanOrEqual(2 * 2)
    expect(beacons.reduce((n, b) => n + 1 + b.moreNonces.length, 0)).toBeLessThanOrEqual(2 * 2 * 2 * 32)
    expect([0, 1].flatMap((i) => eventsOf(s, i, 'dropped').filter((e) => e.detail?.includes('budget') || e.detail?.includes('too many waiting'))).length).toBeGreaterThan(0)
    // Over longer, the budget still holds per window; the probes it deferred are answered in later windows
    // (every probe a member kept waiting: its cap is what its budget answers in a second, 2 × 32), and the
    // ones past the cap were dropped, to be answered at the prober's next probe.
    await s.net.advance(2_100)
    const later = beaconsIn(obs.seen)
    for (const n of perMember(later)) expect(n).toBeLessThanOrEqual(2 * 4)
    expect(new Set(later.flatMap((b) => [b.nonce, ...b.moreNonces].map(hex))).size).toBeGreaterThanOrEqual(2 * 32)
    expect([0, 1].flatMap((i) => eventsOf(s, i, 'dropped').filter((e) => e.detail?.includes('too many waiting'))).length).toBeGreaterThan(0)
    await s.stop()
  })

  it('a burst of more probes than two beacons hold is answered within the budget, none dropped as too many waiting', async () => {
    // 200 people following one invite link probe within a second: a member keeps as many probes
    // waiting as its budget answers in a second (here 5 beacons of 32), not two beacons' worth
    // (64), so none of them has to wait for its next probe and join in a later, costlier wave.
    const { s, obs } = await probedPair('burst-probes', 5)
    const sent = probesFromForgedIds(obs, 150, 0xb0)
    await s.net.advance(2_000)
    const beacons = beaconsIn(obs.seen)
    const answered = new Set(beacons.flatMap((b) => [b.nonce, ...b.moreNonces].map(hex)).filter((h) => sent.has(h)))
    expect(answered.size).toBe(150)
    expect([0, 1].flatMap((i) => eventsOf(s, i, 'dropped').filter((e) => e.detail?.includes('too many waiting')))).toEqual([])
    // Within the budget: at most 5 beacons a second per member, each answering at most 32 probes.
    expect(beacons.length).toBeLessThanOrEqual(2 * 2 * 5)
    await s.stop()
  })

  it('a flood of probes beyond what the budget answers in a second is bounded: the rest wait for the prober\'s next probe', async () => {
    const { s, obs } = await probedPair('probe-flood', 2)
    probesFromForgedIds(obs, 200, 0xf1)
    await s.net.advance(900)
    for (const i of [0, 1]) expect(conv(s, i, 'probe-flood').conversation.dropCounts()['rate-limited'] ?? 0).toBeGreaterThanOrEqual(200 - 2 * 32 - 2 * 32)
    await s.stop()
  })

  it('members do not answer probes while they are not working', async () => {
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 3 }, freezeDurationMs: 5_000 } })
    await bootstrapThreeStewards(s, 'busy')
    // A muted steward never sends its candidate, so the freeze lasts its whole window.
    const silent = [0, 1, 2].find((i) => !conv(s, i, 'busy').conversation.isEpochSteward())!
    const active = [0, 1, 2].find((i) => i !== silent && conv(s, i, 'busy').conversation.isEpochSteward())!
    s.net.mute(s.members[silent]!.name)
    await conv(s, active, 'busy').removeMember(memberIdOf(3))
    await s.until(() => conv(s, active, 'busy').state() === 'freezing')
    const obs = await tap(s, 'observer', 'busy')
    const probe = (b: number) => ({ joinProbe: { memberId: new Uint8Array(20).fill(b), nonce: new Uint8Array(16).fill(b), sentAtMs: 1 } })
    obs.publish(probe(4))
    await s.net.advance(1_000)
    expect(conv(s, active, 'busy').state()).toBe('freezing')
    expect(beaconsIn(obs.seen)).toHaveLength(0)
    expect(eventsOf(s, active, 'dropped').some((e) => e.reason === 'not-working' && e.detail === 'join probe')).toBe(true)
    // Working again: probes are answered.
    await s.until(() => conv(s, active, 'busy').state() === 'working')
    obs.publish(probe(5))
    await s.until(() => beaconsIn(obs.seen).length === 1, 5_000)
    await s.stop()
  })
})

describe('forged handshake messages', () => {
  it('a forged beacon (bad signature, wrong nonce, other conversation) is ignored: the joiner is not fooled', async () => {
    const s = await scenario(1)
    const evil = await tap(s, 'attacker', 'target')
    const forge = (probe: JoinProbe, patch: Partial<JoinBeacon>, conversationId = 'target') => {
      const signed = signJoinBeacon(attacker, { conversationId, epoch: 9n, epochSteward: attacker.identity, memberCount: 5, nonce: probe.nonce, signedAtMs: 1 })
      return { ...signed, ...patch }
    }
    evil.on((m) => {
      if (m.joinProbe === undefined) return
      const probe = m.joinProbe
      // 1. claims to be a member but is signed by the attacker's key
      evil.publish({ joinBeacon: forge(probe, { responder: memberIdOf(0) }) })
      // 2. validly signed, but echoes a nonce the joiner never sent
      const other = { ...probe, nonce: new Uint8Array(16).fill(0xee) }
      evil.publish({ joinBeacon: forge(other, {}) })
      // 3. validly signed for the probe, but for another conversation
      evil.publish({ joinBeacon: forge(probe, {}, 'elsewhere') })
      // 4. a field changed after signing
      evil.publish({ joinBeacon: forge(probe, { epoch: 10n }) })
    })
    const j = joining(s, 0, 'target', { timeoutMs: 10_000 })
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(NoReadyPeersError)
    expect((j.out.error as NoReadyPeersError).probesSent).toBeGreaterThan(0)
    expect(phasesOf(j.progress)).toEqual(['probing'])
    expect(evil.seen.filter((m) => m.keyPackage !== undefined)).toHaveLength(0)
    await s.stop()
  })

  it('a forged REJECTED (not signed by its responder, or from someone who never answered us) is ignored', async () => {
    const s = await scenario(2)
    await s.members[0]!.user.createConversation('guarded')
    const evil = await tap(s, 'attacker', 'guarded')
    let forged = 0
    evil.on((m) => {
      if (m.keyPackage === undefined) return
      forged += 2
      const fields = {
        conversationId: 'guarded',
        joiner: m.keyPackage.memberId,
        status: JoinStatusKind.JOIN_STATUS_REJECTED,
        proposalId: 1,
        epoch: 0n,
        keyPackageHash: sha256(m.keyPackage.keyPackageBytes),
        signedAtMs: 1,
      }
      // Claims the real member as responder, signed by another key.
      evil.publish({ joinStatus: { ...signJoinStatus(attacker, fields), responder: memberIdOf(0) } })
      // Validly signed by the attacker, who never answered a probe.
      evil.publish({ joinStatus: signJoinStatus(attacker, fields) })
    })
    const j = joining(s, 1, 'guarded')
    await s.until(() => j.out.done)
    expect(j.out.error).toBeUndefined()
    expect(s.members[1]!.user.conversation('guarded')).toBeDefined()
    expect(forged).toBeGreaterThan(0)
    await s.stop()
  })

  it('trust limit: a forged beacon naming other plug-ins makes the joiner refuse (as a forged REJECTED would), unless it names the members it trusts', async () => {
    const s = await scenario(2)
    await s.members[0]!.user.createConversation('plugs')
    const evil = await tap(s, 'attacker', 'plugs')
    evil.on((m) => {
      if (m.joinProbe === undefined) return
      evil.publish({
        joinBeacon: signJoinBeacon(attacker, {
          conversationId: 'plugs',
          epoch: 0n,
          memberCount: 1,
          nonce: m.joinProbe.nonce,
          signedAtMs: 1,
          plugins: [{ role: 'consensus', id: 'other', version: '9' }],
        }),
      })
    })
    // The attacker's beacon comes first (the member is out of reach meanwhile): the joiner refuses without announcing.
    s.net.partition([s.members[0]!.name], [s.members[1]!.name])
    const fooled = joining(s, 1, 'plugs')
    await s.until(() => fooled.out.done)
    s.net.heal()
    expect(fooled.out.error).toBeInstanceOf(PluginMismatchError)
    expect(evil.seen.filter((m) => m.keyPackage !== undefined)).toHaveLength(0)
    // With the member named out of band, only its beacon counts, and the join succeeds.
    const careful = joining(s, 1, 'plugs', { trustedMembers: [memberIdOf(0)] })
    await s.until(() => careful.out.done)
    expect(careful.out.error).toBeUndefined()
    expect(s.members[1]!.user.conversation('plugs')).toBeDefined()
    await s.stop()
  })

  it("trust limit: an outsider's own valid beacon is believed, unless the joiner names the members it trusts", async () => {
    const s = await scenario(1)
    const evil = await tap(s, 'attacker', 'lure')
    evil.on((m) => {
      if (m.joinProbe === undefined) return
      evil.publish({
        joinBeacon: signJoinBeacon(attacker, { conversationId: 'lure', epoch: 1n, memberCount: 2, nonce: m.joinProbe.nonce, signedAtMs: 1 }),
      })
    })
    // Without trusted members, the beacon is believed (before its Welcome a joiner cannot know the member list)…
    const fooled = joining(s, 0, 'lure', { timeoutMs: 8_000 })
    await s.until(() => fooled.out.done)
    expect(phasesOf(fooled.progress)).toEqual(['probing', 'beacon', 'announcing'])
    // …but it only costs a timeout: no Welcome can come from an outsider.
    expect(fooled.out.error).toBeInstanceOf(WelcomeTimeoutError)
    expect((fooled.out.error as WelcomeTimeoutError).phase).toBe('announcing')
    // With the sponsor named out of band, the outsider is ignored.
    const careful = joining(s, 0, 'lure', { timeoutMs: 8_000, trustedMembers: [ethereumAddress(new Uint8Array(32).fill(0x43))] })
    await s.until(() => careful.out.done)
    expect(careful.out.error).toBeInstanceOf(NoReadyPeersError)
    expect(phasesOf(careful.progress)).toEqual(['probing'])
    await s.stop()
  })
})
