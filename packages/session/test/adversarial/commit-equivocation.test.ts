import type { MlsService } from '@demls/mls'
import type { CommitCandidate } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type ConversationConfigInit, verifyCommitEquivocation } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { candidateIn, holdFirstOwnCandidate } from './held-candidate.js'
import { candidatePacket, injectPlain, scoresSeenBy } from './outsider.js'

// Issue 15: "A steward that signed two different commits for one epoch has
// produced evidence against itself: members detect it, choose
// deterministically without letting it choose, and remove it." Two commits
// of one committer with the same changes at one epoch are the proof (an
// honest committer offers the commit it signed again instead, see
// test/commit-reuse.test.ts); between them the fork choice falls back to
// the smaller hash, and since both carry the same changes, the membership
// the group ends with does not depend on the committer's choice.

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const CONFIG: ConversationConfigInit = { admission: 'open', votingDelayMs: 10_000, electionVotingDelayMs: 10_000, consensusTimeoutMs: 30_000, stewardList: { snMin: 1, snMax: 1 } }

/**
 * A group of five; the epoch steward S equivocates on the approved removal
 * of member T: its honest candidate X is held back, and the test gets a
 * second commit Y with the same change, signed by S from a copy of its MLS
 * state. Returns X, Y, and an MLS group at their epoch (a bystander's copy).
 */
async function equivocatingSteward(id: string) {
  const bed = await Bed.create(id, 5, CONFIG)
  for (const i of [1, 2, 3, 4]) await bed.add(i)
  const T = 4
  // Whoever commits the removal is S: its first candidate is held back, and S goes quiet.
  const held = holdFirstOwnCandidate(bed)
  const epoch = bed.conv(0).epoch()
  // Every member's MLS state at the epoch: S signs its second commit from its own (it merges the first itself).
  const before = bed.peers.map((p) => p.mls!.exportState())
  await bed.conv(0).removeMember(memberIdOf(T), bed.now)
  await bed.flush()
  await bed.until(() => held.length > 0, 60_000)
  const { from: S, c: x } = held[0]!
  const observers = [0, 1, 2, 3].filter((i) => i !== S)
  const twin = await bed.peers[S]!.plugins.mls.importGroup(before[S]!)
  const built = await twin.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(T) }], { nowMs: bed.now })
  const y: CommitCandidate = { ...x, mlsProposals: built.proposals, commitMessage: built.commit, demlsWelcome: new Uint8Array(0) }
  const atEpoch: MlsService = await bed.peers[observers[0]!]!.plugins.mls.importGroup(before[observers[0]!]!)
  expect(atEpoch.epoch()).toBe(epoch)
  return { bed, S, T, observers, x, y, epoch, atEpoch }
}

/** Hand `c` to members `to` as if S had sent it (what it makes them send is delivered at the next flush). */
async function hand(bed: Bed, c: CommitCandidate, to: readonly number[]): Promise<void> {
  const payload = candidatePacket(c)
  for (const i of to) await bed.conv(i).receive({ subtopic: 'app', payload }, bed.clock(i))
}

/** Deliver `c` to members `to` as if S had sent it, then let the bed deliver what followed. */
const deliver = (bed: Bed, c: CommitCandidate, to: readonly number[]) => injectPlain(bed, candidatePacket(c), to)

describe('adversarial: a steward signing two commits with the same changes for one epoch', () => {
  it('every member that sees both keeps a proof anyone of that epoch can check, penalises it once, and the group removes it', async () => {
    const { bed, S, T, observers, x, y, epoch, atEpoch } = await equivocatingSteward('cequiv')
    const before = observers.map((i) => scoresSeenBy(bed, i).get(hex(memberIdOf(S)))!)
    bed.intercept = undefined // S is live (it merged X alone meanwhile)
    const members = [0, 1, 2, 3, 4].filter((i) => i !== S)
    await deliver(bed, x, members)
    await deliver(bed, y, members)
    // The same two again (a replayed copy): no second penalty.
    await deliver(bed, y, members)
    for (const [k, i] of observers.entries()) {
      const proofs = bed.conv(i).commitEquivocations()
      expect(proofs, `member ${i}`).toHaveLength(1)
      expect(proofs[0]!.epoch).toBe(epoch)
      expect(hex(proofs[0]!.committer)).toBe(hex(memberIdOf(S)))
      expect(bed.eventsOf(i, 'commit-equivocation')).toHaveLength(1)
      expect(await verifyCommitEquivocation(atEpoch, proofs[0]!)).toBe(true)
      // Penalised (EquivocatingCommit: to the score floor, whatever its commits earned it; a SuccessfulCommit +10 may follow).
      expect(before[k]! > 0n).toBe(true)
      expect(scoresSeenBy(bed, i).get(hex(memberIdOf(S)))! < -(1n << 62n), `member ${i}`).toBe(true)
    }
    // The proof cannot frame anyone: one commit twice, or the pair under another committer's name, does not verify.
    const proof = bed.conv(observers[0]!).commitEquivocations()[0]!
    expect(await verifyCommitEquivocation(atEpoch, { ...proof, commits: [x, x] })).toBe(false)
    expect(await verifyCommitEquivocation(atEpoch, { ...proof, committer: memberIdOf(T) })).toBe(false)
    // At the removal threshold: the stewards file its score removal, the others' own scores agree, and it is removed.
    const gone = () => observers.every((i) => !bed.conv(i).members().some((m) => hex(m) === hex(memberIdOf(S))))
    await bed.until(gone, 180_000).catch((err) => {
      const d = observers.map((i) => {
        const c = bed.conv(i)
        return `m${i} e${c.epoch()} ${c.state()} stewards=${c.stewards().map((m) => hex(m).slice(0, 4))} S=${hex(memberIdOf(S)).slice(0, 4)} score=${scoresSeenBy(bed, i).get(hex(memberIdOf(S)))} ev=${bed.peers[i]!.events.filter((e) => e.type !== 'dropped' && e.type !== 'freeze-progress').slice(-12).map((e) => e.type + ('proposalId' in e ? e.proposalId : '')).join(',')}`
      })
      throw new Error(`${err}\n${d.join('\n')}`)
    })
    await bed.until(
      () =>
        observers.every(
          (i) =>
            bed.conv(i).state() === 'working' &&
            bed.conv(i).epoch() === bed.conv(observers[0]!).epoch() &&
            hex(bed.conv(i).epochAuthenticator()) === hex(bed.conv(observers[0]!).epochAuthenticator()),
        ),
      60_000,
    )
    // Nobody honest was accused.
    for (const i of observers) for (const p of bed.conv(i).commitEquivocations()) expect(hex(p.committer)).toBe(hex(memberIdOf(S)))
  }, 240_000)

  it('sent to two halves that never compare them: the fork heals to one commit and the switching half holds the proof', async () => {
    const { bed, S, T, observers, x, y, atEpoch } = await equivocatingSteward('cequiv-split')
    // X reaches one observer, Y the others; nobody relays either to the other half, and S goes quiet.
    const [a, ...b] = observers
    const theirs = new Set([hex(x.commitMessage), hex(y.commitMessage)])
    bed.intercept = (from, to, p) => {
      const c = p.subtopic === 'app' ? candidateIn(p.payload) : undefined
      if (c !== undefined && theirs.has(hex(c.commitMessage)) && from !== to) return undefined
      return from === S ? undefined : p
    }
    // Both halves merge before anything they send is delivered.
    await hand(bed, x, [a!, T])
    await hand(bed, y, b)
    await bed.flush()
    bed.intercept = (from, _to, p) => (from === S ? undefined : p)
    const alive = observers
    const agreed = () =>
      alive.every(
        (i) =>
          bed.conv(i).epoch() === bed.conv(observers[0]!).epoch() &&
          hex(bed.conv(i).epochAuthenticator()) === hex(bed.conv(observers[0]!).epochAuthenticator()),
      )
    await bed.until(() => bed.conv(observers[0]!).epoch() > atEpoch.epoch() && agreed(), 120_000).catch((err) => {
      const d = alive.map((i) => `m${i} e${bed.conv(i).epoch()} ${hex(bed.conv(i).epochAuthenticator()).slice(0, 8)} ${bed.conv(i).state()} ev=${bed.peers[i]!.events.filter((e) => e.type !== 'freeze-progress').slice(-10).map((e) => e.type + ('detail' in e ? `(${e.detail})` : '')).join(',')}`)
      throw new Error(`${err}\n${d.join('\n')}`)
    })
    const healed = alive.filter((i) => bed.eventsOf(i, 'fork-healed').length > 0)
    expect(healed.length).toBeGreaterThan(0)
    for (const i of healed) {
      const proofs = bed.conv(i).commitEquivocations()
      expect(proofs, `member ${i} switched branch`).toHaveLength(1)
      expect(await verifyCommitEquivocation(atEpoch, proofs[0]!)).toBe(true)
    }
  }, 180_000)
})
