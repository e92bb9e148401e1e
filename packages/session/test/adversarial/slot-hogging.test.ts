import { describe, expect, it } from 'vitest'
import { brokenCommit } from '@demls/scoring'
import { type ConversationConfigInit, PROPOSAL_BYTE_LIMITS } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { MaliciousMember } from './member.js'
import { scoresSeenBy } from './outsider.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
/** The reference's timing: members auto-vote after 10 s, proposals time out after 30 s. */
const CONFIG: ConversationConfigInit = { admission: 'open', votingDelayMs: 10_000, electionVotingDelayMs: 10_000, consensusTimeoutMs: 30_000 }
const honest = [0, 1, 2, 3]
const ATTACKER = 4

/** Members 0–3 honest, 4 the attacker, 5 a joiner waiting outside. */
async function group(id: string): Promise<Bed> {
  const bed = await Bed.create(id, 6, CONFIG)
  for (const i of [1, 2, 3, 4]) await bed.add(i)
  return bed
}

/** No honest member lost a point on an honest member's books since `before` (one score map per honest member). */
function expectNoHonestPenalty(bed: Bed, before: Map<string, bigint>[]): void {
  for (const [k, i] of honest.entries()) {
    const after = scoresSeenBy(bed, i)
    for (const j of honest) {
      if (j !== i) expect(after.get(hex(memberIdOf(j)))!).toBeGreaterThanOrEqual(before[k]!.get(hex(memberIdOf(j)))!)
    }
  }
}

const requested = (bed: Bed, i: number, id: number | undefined) => bed.eventsOf(i, 'vote-requested').some((e) => e.proposalId === id)

describe('a member keeping every consensus slot busy (issue 16)', () => {
  it('two proposals a second from a member: the others still admit, remove it, and chat; nobody honest is penalised', async () => {
    const bed = await group('hog')
    const attacker = new MaliciousMember(bed, ATTACKER)
    const before = honest.map((i) => scoresSeenBy(bed, i))
    // Two proposals a second (the one every 3 s held every session with nobody voting within
    // the 30 s timeout; here members auto-vote after 10 s, so the attacker has to be faster):
    // without quotas they take every session.
    const tick = async () => {
      for (let k = 0; k < 2; k++) {
        if (bed.conv(0).members().some((m) => hex(m) === hex(memberIdOf(ATTACKER)))) await attacker.propose(honest)
        await bed.run(500, 100)
      }
    }
    for (let k = 0; k < 10; k++) await tick()
    // During the flood (the attacker first takes any session that freed up): member 0 admits the joiner,
    // member 1 proposes removing the attacker.
    for (let k = 0; k < 3; k++) await attacker.propose(honest)
    const kp = await bed.peers[5]!.plugins.generateKeyPackage(bed.now)
    const add = await bed.conv(0).addMember(kp, bed.now)
    const removal = await bed.conv(1).removeMember(memberIdOf(ATTACKER), bed.now)
    await bed.flush()
    for (const i of honest) {
      expect(requested(bed, i, add) || i === 0).toBe(true)
      expect(requested(bed, i, removal) || i === 1).toBe(true)
    }
    const end = bed.now + 120_000
    const done = () =>
      bed.peers[5]!.conversation !== undefined &&
      honest.every((i) => !bed.conv(i).members().some((m) => hex(m) === hex(memberIdOf(ATTACKER))) && bed.conv(i).members().length === 5)
    while (!done()) {
      if (bed.now >= end) throw new Error('the admission and the removal did not both land')
      await tick()
    }
    // The attacker's extra proposals were refused with a typed reason.
    for (const i of honest) expect(bed.conv(i).dropCounts().quota ?? 0).toBeGreaterThan(0)
    // One epoch, one membership; the joiner chats with the others.
    await bed.until(() => [...honest, 5].every((i) => bed.conv(i).epoch() === bed.conv(0).epoch() && bed.conv(i).state() === 'working'))
    await bed.conv(5).sendMessage(new TextEncoder().encode('hello after the flood'), bed.clock(5))
    await bed.flush()
    for (const i of honest) expect(bed.eventsOf(i, 'message').some((e) => new TextDecoder().decode(e.body) === 'hello after the flood')).toBe(true)
    expectNoHonestPenalty(bed, before)
  }, 120_000)

  it('it also keeps emergencies open against honest members: an emergency against it still finds a reserved session, and it is removed', async () => {
    const bed = await group('hog-ecp')
    const attacker = new MaliciousMember(bed, ATTACKER)
    const before = honest.map((i) => scoresSeenBy(bed, i))
    const present = () => bed.conv(0).members().some((m) => hex(m) === hex(memberIdOf(ATTACKER)))
    const tick = async (k: number) => {
      if (present()) {
        await attacker.propose(honest)
        // An emergency against an honest member every 2 s (its priority share is 2).
        if (k % 4 === 0) await attacker.proposeEmergency(honest, memberIdOf(k % 3))
      }
      await bed.run(500, 100)
    }
    let k = 0
    while (k < 20) await tick(k++)
    for (let j = 0; j < 3; j++) await attacker.proposeEmergency(honest, memberIdOf(j))
    const ecp = await bed.conv(0).submitEmergency(brokenCommit(memberIdOf(ATTACKER), bed.conv(0).epoch()), bed.now)
    await bed.flush()
    for (const i of [1, 2, 3]) expect(requested(bed, i, ecp)).toBe(true)
    // An accusation passes on explicit votes only (issue 15): the honest members saw the flood and vote YES.
    for (const i of [1, 2, 3]) await bed.conv(i).vote(ecp, true, bed.now)
    const end = bed.now + 120_000
    while (honest.some((i) => bed.conv(i).members().length !== 4)) {
      if (bed.now >= end) throw new Error('the attacker was never removed')
      await tick(k++)
    }
    await bed.until(() => honest.every((i) => bed.conv(i).epoch() === bed.conv(0).epoch() && bed.conv(i).state() === 'working'))
    // After the attack: the group admits the joiner and chats. (The attacker's open emergencies keep
    // ordinary proposals out — a partial freeze — until they time out: at most one consensus timeout.)
    const kp = await bed.peers[5]!.plugins.generateKeyPackage(bed.now)
    const removedAt = bed.now
    for (;;) {
      const added = await bed.conv(0).addMember(kp, bed.now).then(
        () => true,
        (err: { code?: string }) => {
          if (err.code !== 'PARTIAL_FREEZE') throw err
          return false
        },
      )
      if (added) break
      await bed.run(1_000, 100)
    }
    expect(bed.now - removedAt).toBeLessThanOrEqual(CONFIG.consensusTimeoutMs! + 1_000)
    await bed.flush()
    await bed.until(() => bed.peers[5]!.conversation !== undefined && honest.every((i) => bed.conv(i).members().length === 5), 120_000)
    await bed.conv(2).sendMessage(new TextEncoder().encode('still here'), bed.clock(2))
    await bed.flush()
    expect(bed.eventsOf(5, 'message').some((e) => new TextDecoder().decode(e.body) === 'still here')).toBe(true)
    expectNoHonestPenalty(bed, before)
  }, 120_000)

  it('its proposals are bounded in bytes as well as count, and one dated far from local time is dropped', async () => {
    const bed = await group('hog-bytes')
    const attacker = new MaliciousMember(bed, ATTACKER)
    const drops = (i: number) => bed.eventsOf(i, 'dropped')
    // One proposal over the payload bound: dropped at once.
    const huge = await attacker.propose(honest, { payloadBytes: PROPOSAL_BYTE_LIMITS.maxPayloadBytes + 1 })
    for (const i of honest) {
      expect(requested(bed, i, huge.proposalId)).toBe(false)
      expect(drops(i).some((e) => e.reason === 'invalid-proposal' && e.detail?.includes('payload over'))).toBe(true)
    }
    // 250 KiB proposals: the 5th would be within the count share (5) but past the owner's byte budget.
    const big = 250 * 1024
    const held = Math.floor(PROPOSAL_BYTE_LIMITS.ownerHeldBytes / big)
    expect(held).toBeLessThan(5)
    const sent = []
    for (let k = 0; k <= held; k++) sent.push(await attacker.propose(honest, { payloadBytes: big }))
    for (const i of honest) {
      expect(sent.slice(0, held).every((p) => requested(bed, i, p.proposalId))).toBe(true)
      expect(requested(bed, i, sent[held]!.proposalId)).toBe(false)
      expect(drops(i).some((e) => e.reason === 'quota' && e.detail?.includes('bytes of open proposals'))).toBe(true)
    }
    // A small proposal of an honest member still goes through.
    const removal = await bed.conv(1).removeMember(memberIdOf(ATTACKER), bed.now)
    await bed.flush()
    for (const i of [0, 2, 3]) expect(requested(bed, i, removal)).toBe(true)
    // Dated an hour ahead, or two hours back with a day-long lifetime: clock-skew drops.
    const ahead = await attacker.propose(honest, { at: bed.now + 3_600_000 })
    const old = await attacker.propose(honest, { at: bed.now - 7_200_000, expirationSeconds: 86_400 })
    for (const i of honest) {
      const skew = drops(i).filter((e) => e.reason === 'clock-skew').map((e) => e.error)
      expect(skew).toEqual([
        expect.objectContaining({ code: 'CLOCK_SKEW', direction: 'future', proposalId: ahead.proposalId }),
        expect.objectContaining({ code: 'CLOCK_SKEW', direction: 'past', proposalId: old.proposalId }),
      ])
    }
  }, 120_000)
})
