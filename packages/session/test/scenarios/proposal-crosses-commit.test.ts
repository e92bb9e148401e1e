import { decodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type ConversationEvent, type ConversationOutbound, FAST_TIMING } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { hex, memberIdOf } from './harness.js'

const isCandidate = (p: ConversationOutbound) => p.subtopic === 'app' && p.payload[0] !== 0 && decodeAppMessage(p.payload).commitCandidate !== undefined
// An MLS message (a vote among them); candidates, Welcomes and announcements travel as plain AppMessages.
const isEncrypted = (p: ConversationOutbound) => p.subtopic === 'app' && p.payload[0] === 0
type Held = { from: number; to: number; p: ConversationOutbound }

// The fork traced in the real-network soak (docs/fault-runs.md, "a join proposal that crossed a commit"),
// made deterministic: a proposal opened at the epoch a commit is about to end reaches some members (A: its
// proposer and a steward) before that commit, and the others (B) only after they merged it. B drops it as a
// packet of the epoch it left, and its re-send as opened for another electorate. Without the void, A decided
// it at its timeout (silent voters YES) over the electorate the group had left, A's steward committed it, and
// B refused that commit for good ("no verifiable approval"): two branches. The second case has A decide it
// at its timeout before the commit lands. The third has the next epoch steward's vote on it lost on its way to its
// proposer, which then cannot tell from a vote that the steward holds it (issue 56: on the memory network's wave, 8
// joins in 10 seeds were proposed again by their owner and by the epoch steward that way).
describe('a proposal that crosses a commit', () => {
  it.each([
    ['still open when the commit lands', 0, false],
    ['approved at its timeout, before the commit lands', 1_700, false],
    ["still open when the commit lands, the next epoch steward's vote on it lost on its way to its proposer", 0, true],
  ])('%s: has one outcome for the whole group', async (_, holdMs, loseStewardVote) => {
    const bed = await Bed.create('cross', 7, { ...FAST_TIMING, admission: 'open' })
    for (const i of [1, 2, 3, 4, 5, 6]) await bed.add(i)
    await bed.run(3_000)
    const all = [0, 1, 2, 3, 4, 5, 6]
    const stewards = all.filter((i) => bed.conv(i).isSteward())
    const epochSteward = all.find((i) => bed.conv(i).isEpochSteward())!
    const other = stewards.find((i) => i !== epochSteward)!
    const plain = all.filter((i) => !stewards.includes(i))
    const y = plain[0]!
    const removed1 = plain[1]!
    const removed2 = plain[2]!
    // A: the proposer of the crossing proposal and a steward; B: everyone else.
    const A = [y, other]
    const B = all.filter((i) => !A.includes(i))
    const epoch = bed.conv(0).epoch()
    // P1: a removal every member approves.
    await bed.conv(y).removeMember(memberIdOf(removed1), bed.now)
    await bed.flush()
    await bed.until(() => all.every((i) => bed.conv(i).approvedCount() === 1), 10_000, 20)
    // Candidates are held; so is everything A sends to B.
    const held: Held[] = []
    let lostVotes = 0
    // (The epoch steward's other packets too: its replays would bring the commit.)
    // Everything the next epoch steward encrypts for y until y voided P2 is lost, its vote on P2 with it (sent
    // once its voting delay passed, whichever epoch it reached by then).
    const lost = (from: number, to: number, p: ConversationOutbound) => {
      const lose = loseStewardVote && from === other && to === y && isEncrypted(p) && bed.eventsOf(y, 'proposal-voided').length === 0
      if (lose) lostVotes++
      return lose
    }
    bed.intercept = (from, to, p) => {
      if (lost(from, to, p)) return undefined
      if (isCandidate(p) || from === epochSteward || (A.includes(from) && B.includes(to))) {
        held.push({ from, to, p })
        return undefined
      }
      return p
    }
    // P2, opened at the epoch the commit is about to end: only A holds it.
    await bed.conv(y).removeMember(memberIdOf(removed2), bed.now)
    await bed.flush()
    await bed.until(() => held.some((h) => isCandidate(h.p)), 10_000, 20)
    await bed.run(holdMs, 20)
    if (holdMs > 0) for (const i of A) expect(bed.conv(i).approvedProposals()).toHaveLength(2)
    // The commit reaches everyone; then A's packets reach B.
    const deliver = async (pick: (h: Held) => boolean) => {
      const now = held.filter(pick)
      for (const h of now) held.splice(held.indexOf(h), 1)
      for (const h of now) if (bed.peers[h.to]!.conversation) await bed.conv(h.to).receive(h.p, bed.clock(h.to))
    }
    await deliver((h) => isCandidate(h.p))
    await deliver((h) => !(A.includes(h.from) && B.includes(h.to)))
    bed.intercept = (from, to, p) => {
      if (lost(from, to, p)) return undefined
      if (!(A.includes(from) && B.includes(to) && bed.conv(to).epoch() === epoch)) return p
      held.push({ from, to, p })
      return undefined
    }
    await bed.until(() => B.filter((i) => i !== removed1).every((i) => bed.conv(i).epoch() > epoch), 10_000, 20)
    bed.intercept = (from, to, p) => (lost(from, to, p) ? undefined : p)
    await deliver(() => true)
    await bed.flush()
    const live = all.filter((i) => i !== removed1)
    await bed.run(30_000, 100)
    const stay = live.filter((i) => i !== removed2)
    const auth = hex(bed.conv(stay[0]!).epochAuthenticator())
    for (const i of stay) {
      expect(hex(bed.conv(i).epochAuthenticator())).toBe(auth)
      expect(bed.conv(i).state()).toBe('working')
      // One outcome: the removal was voided, asked again of the new electorate, and done.
      expect(bed.conv(i).members().map(hex)).not.toContain(hex(memberIdOf(removed2)))
    }
    const voided = bed.eventsOf(y, 'proposal-voided')
    expect(voided.length).toBeGreaterThan(0)
    // Asked again once (issue 56: three times before, by y and by the next epoch steward, each before it held the
    // other's): the next epoch steward opens it from its buffered updates, and y, which holds its vote on P2 (so knows
    // it received P2) or knows it was a member when P2 was sent, leaves it to it instead of opening it too.
    if (loseStewardVote) expect(lostVotes).toBeGreaterThan(0)
    const r2 = hex(memberIdOf(removed2))
    const forR2 = (e: ConversationEvent) =>
      (e.type === 'vote-requested' || e.type === 'own-proposal-submitted') && e.request?.payload === 'removeMember' && hex(e.request.removeMember!.memberId) === r2
    const opened = new Set(all.flatMap((i) => bed.peers[i]!.events.flatMap((e) => (forR2(e) ? [(e as { proposalId: number }).proposalId] : []))))
    expect(opened.size).toBe(2) // P2 and the next epoch steward's
    // y opened P2 only (its own proposals carry its YES), and says so in the event.
    expect(bed.eventsOf(y, 'own-proposal-submitted').filter(forR2)).toHaveLength(1)
    expect(voided.every((e) => e.reproposedAs === undefined)).toBe(true)
  }, 120_000)
})

// The split that started the real network's void cascades (docs/fault-runs.md, "Voided work opened once"): a
// removal the others approved from signed votes after a commit crossed it, voided by a member whose votes were late
// (cut off until its crossed timeout passed). The votes then reach it before the commit that carries the removal.
// Before, it dropped them as votes on a closed proposal, never approved the removal, and merged that commit only by
// catching up (a replay with its certificate); now it takes the approval from them and merges the commit from its
// own selection, as the others do.
describe('a crossed proposal the others approved, voided by a member whose votes were late', () => {
  it('takes the approval from the late signed votes and merges the commit that carries it', async () => {
    const bed = await Bed.create('late', 7, { ...FAST_TIMING, admission: 'open' })
    for (const i of [1, 2, 3, 4, 5, 6]) await bed.add(i)
    await bed.run(3_000)
    const all = [0, 1, 2, 3, 4, 5, 6]
    const plain = all.filter((i) => !bed.conv(i).isSteward())
    const [y, z, removed1, removed2] = plain as [number, number, number, number]
    const r2 = hex(memberIdOf(removed2))
    const epoch = bed.conv(0).epoch()
    await bed.conv(z).removeMember(memberIdOf(removed1), bed.now)
    await bed.flush()
    await bed.until(() => all.every((i) => bed.conv(i).approvedCount() === 1), 10_000, 20)
    // The commit of removed1 waits (candidates held) while z opens the removal of removed2, which reaches everyone.
    const held: Held[] = []
    let cutY = false
    bed.intercept = (from, to, p) => {
      if ((isCandidate(p) && bed.conv(to).epoch() === epoch && !cutY) || (cutY && to === y)) {
        held.push({ from, to, p })
        return undefined
      }
      return p
    }
    await bed.until(() => held.some((h) => isCandidate(h.p)), 10_000, 20)
    await bed.conv(z).removeMember(memberIdOf(removed2), bed.now)
    await bed.flush()
    const p2 = () => bed.eventsOf(y, 'vote-requested').find((e) => e.request?.payload === 'removeMember' && hex(e.request.removeMember!.memberId) === r2)?.proposalId
    await bed.until(() => p2() !== undefined, 10_000, 20)
    // From now on y hears nothing, except the commit of removed1, which crosses the removal of removed2 everywhere.
    cutY = true
    for (const h of held.splice(0, held.length)) if (bed.peers[h.to]!.conversation) await bed.conv(h.to).receive(h.p, bed.clock(h.to))
    await bed.flush()
    await bed.until(() => all.filter((i) => i !== removed1).every((i) => bed.conv(i).epoch() > epoch), 10_000, 20)
    // y voids it at its timeout (its own vote and z's are all it holds); the others approve it from their signed votes and commit it.
    await bed.until(() => bed.eventsOf(y, 'proposal-voided').some((e) => e.proposalId === p2()), 20_000, 20)
    const others = all.filter((i) => i !== y && i !== removed1 && i !== removed2)
    await bed.until(() => others.every((i) => !bed.conv(i).members().map(hex).includes(r2)), 20_000, 20)
    // y hears again: the votes first, then the commit that carries the removal.
    cutY = false
    bed.intercept = undefined
    const commitsBefore = bed.eventsOf(y, 'commit-applied').length
    for (const h of held.splice(0, held.length)) if (bed.peers[h.to]!.conversation) await bed.conv(h.to).receive(h.p, bed.clock(h.to))
    await bed.flush()
    await bed.run(10_000, 50)
    expect(bed.eventsOf(y, 'consensus-reached').filter((e) => e.proposalId === p2())).toMatchObject([{ approved: true }])
    const merged = bed.eventsOf(y, 'commit-applied').slice(commitsBefore)
    expect(merged.length).toBeGreaterThan(0)
    expect(merged.map((e) => e.source)).toEqual(merged.map(() => 'freeze'))
    const auth = hex(bed.conv(others[0]!).epochAuthenticator())
    for (const i of [...others, y]) {
      expect(hex(bed.conv(i).epochAuthenticator())).toBe(auth)
      expect(bed.conv(i).members().map(hex)).not.toContain(r2)
    }
  }, 120_000)
})
