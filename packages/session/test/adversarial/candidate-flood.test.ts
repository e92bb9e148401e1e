import { describe, expect, it } from 'vitest'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { candidatePacket, injectPlain, Outsider, scoresSeenBy } from './outsider.js'

const ID = 'flood'
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Five members (0 created the conversation, 1–4 joined), converged. */
async function group(): Promise<Bed> {
  const bed = await Bed.create(ID, 6, { admission: 'open' })
  for (const i of [1, 2, 3, 4]) await bed.add(i)
  // Until the newest members are eligible and every member names the epoch steward.
  await bed.until(() => [0, 1, 2, 3, 4].every((i) => bed.conv(i).epochSteward() !== undefined))
  return bed
}

const honest = [0, 1, 2, 3]
const membersOf = (bed: Bed, i: number) => bed.conv(i).members().map(hex).sort().join()

describe('an outsider flooding forged commit candidates (issue 15)', () => {
  it('forged candidates claiming members’ ids neither fill the round, nor start selection, nor cost any honest member a point; the removal is committed', async () => {
    const bed = await group()
    const outsider = await Outsider.create(ID, 9, bed.now)
    const epoch = bed.conv(0).epoch()
    const steward = bed.conv(0).epochSteward()!
    const proposer = honest.find((i) => hex(memberIdOf(i)) !== hex(steward))!
    const before = honest.map((i) => scoresSeenBy(bed, i))
    const phasesBefore = honest.map((i) => bed.eventsOf(i, 'phase-change').length)
    // Claimed ids: the epoch steward's and every other member's (the victim's too).
    const claims = [0, 1, 2, 3, 4].map(memberIdOf)
    const forged = new Set<string>()
    const wave = async () => {
      for (const claimed of claims) {
        const c = await outsider.candidate(epoch, claimed, bed.now)
        forged.add(hex(c.commitMessage))
        await injectPlain(bed, candidatePacket(c), [0, 1, 2, 3, 4])
      }
    }
    await wave() // before any work is approved: they would be stashed early
    await bed.conv(proposer).removeMember(memberIdOf(4), bed.clock(proposer))
    await bed.flush()
    // A wave every 200 ms until the removal lands (the round opens and runs meanwhile).
    const end = bed.now + 60_000
    while (bed.conv(0).epoch() === epoch) {
      if (bed.now >= end) throw new Error('the removal never landed')
      await wave()
      await bed.run(200, 50)
    }
    await bed.until(() => honest.every((i) => bed.conv(i).epoch() === epoch + 1n && bed.conv(i).state() === 'working'))
    // One epoch, one membership, member 4 out, and no reelection was forced.
    expect(new Set(honest.map((i) => membersOf(bed, i))).size).toBe(1)
    expect(bed.conv(0).members().map(hex)).not.toContain(hex(memberIdOf(4)))
    for (const [k, i] of honest.entries()) {
      expect(bed.eventsOf(i, 'phase-change').slice(phasesBefore[k]).some((e) => e.state === 'reelection')).toBe(false)
    }
    // No honest member lost a point on any honest member's books (the committer gained one).
    for (const [k, i] of honest.entries()) {
      const after = scoresSeenBy(bed, i)
      for (const j of honest) {
        if (j === i) continue // a member does not score itself
        expect(after.get(hex(memberIdOf(j)))!).toBeGreaterThanOrEqual(before[k]!.get(hex(memberIdOf(j)))!)
      }
    }
    // Every forged candidate was dropped as unauthenticated, and never echoed.
    expect(bed.eventsOf(1, 'dropped').some((e) => e.reason === 'candidate' && e.detail === 'unauthenticated')).toBe(true)
    expect(forged.size).toBeGreaterThanOrEqual(10)
    for (const i of honest) expect(bed.candidatesSent(i).filter((c) => forged.has(hex(c.commitMessage)))).toEqual([])
    // The group still chats and admits.
    await bed.conv(1).sendMessage(new TextEncoder().encode('after the flood'), bed.clock(1))
    await bed.flush()
    expect(bed.eventsOf(2, 'message').some((e) => new TextDecoder().decode(e.body) === 'after the flood')).toBe(true)
    const kp = await bed.peers[5]!.plugins.generateKeyPackage(bed.now)
    await bed.conv(0).addMember(kp, bed.now)
    await bed.flush()
    await bed.until(() => bed.peers[5]!.conversation !== undefined && honest.every((i) => bed.conv(i).members().length === 5))
    expect(bed.conv(5).members().map(hex).sort()).toEqual(bed.conv(0).members().map(hex).sort())
  })

  it('a member’s candidate claiming another member’s id: the claimed member is never penalised, the authenticated committer is', async () => {
    const bed = await group()
    const stewards = new Set(bed.conv(0).stewards().map(hex))
    const [m, x] = [1, 2, 3, 4].filter((i) => !stewards.has(hex(memberIdOf(i)))) as [number, number]
    const observers = [0, 1, 2, 3, 4].filter((i) => i !== m && i !== x)
    const before = observers.map((i) => scoresSeenBy(bed, i))
    const kp = await bed.peers[5]!.plugins.generateKeyPackage(bed.now)
    await bed.conv(0).addMember(kp, bed.now)
    // Member m mints the add itself at once and sends it as x's (a second one too: one per committer is held);
    // they wait in the early stash until the add is approved.
    for (let k = 0; k < 2; k++) {
      const built = await bed.peers[m]!.mls!.createCommitCandidate([{ action: 'add', keyPackage: kp }], { nowMs: bed.now })
      await bed.peers[m]!.mls!.discardOwnCommit()
      const c = { conversationId: new TextEncoder().encode(ID), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(x), demlsWelcome: new Uint8Array(0) }
      await injectPlain(bed, candidatePacket(c), observers)
    }
    expect(bed.eventsOf(observers[0]!, 'dropped').some((e) => e.detail === 'committer-has-candidate')).toBe(true)
    await bed.until(() => bed.peers[5]!.conversation !== undefined && observers.every((i) => bed.conv(i).members().length === 6))
    for (const [k, i] of observers.entries()) {
      const after = scoresSeenBy(bed, i)
      // x sent nothing: its score is untouched; m (off the list, committing under another's name) lost points.
      expect(after.get(hex(memberIdOf(x)))).toBe(before[k]!.get(hex(memberIdOf(x))))
      expect(after.get(hex(memberIdOf(m)))!).toBeLessThan(before[k]!.get(hex(memberIdOf(m)))!)
    }
  })
})
