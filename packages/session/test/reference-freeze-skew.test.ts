import { InvalidCommitError } from '@demls/mls'
import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'
import { hex, memberIdOf } from './scenarios/harness.js'

/**
 * Reference tests driven on the sans-I/O bed (`test/sansio.ts`):
 * `freeze/apply.rs` `local_candidate_applies_after_a_higher_priority_remote_fails`,
 * 3.0.0 `tests/core_violations.rs` `test_commit_candidate_roundtrip_sender_identity`,
 * and the two tests of upstream `tests/protocol_clock_skew.rs`.
 */

/** Three members, then stewards 0 and 1 (settled) at epoch 2; member 3 waits outside. */
async function threeMembers(id: string, config = {}) {
  const bed = await Bed.create(id, 4, config)
  await bed.add(1)
  await bed.add(2)
  await bed.until(() => [0, 1, 2].every((i) => bed.conv(i).epoch() === 2n && bed.conv(i).state() === 'working'))
  return bed
}

describe('reference: freeze/apply.rs', () => {
  it('local_candidate_applies_after_a_higher_priority_remote_fails', async () => {
    const bed = await threeMembers('apply')
    const stewards = [0, 1, 2].filter((i) => bed.conv(i).isSteward())
    expect(stewards).toHaveLength(2)
    const e = stewards.find((i) => bed.conv(i).isEpochSteward())!
    const x = stewards.find((i) => i !== e)!
    // x fails to stage the epoch steward's candidate (MLS refuses it at staging). A candidate
    // tampered with on the wire can no longer produce this: a corrupted commit, or proposals
    // that are not the ones the commit references, are refused on receipt, before they are
    // held, so they never reach selection. The failure is injected into x's MLS instead.
    const mls = bed.peers[x]!.mls!
    const stage = mls.stageRemoteCommit.bind(mls)
    let corrupted = 0
    mls.stageRemoteCommit = async (candidate, options) => {
      const committed = await mls.authenticateCommit(candidate.commit)
      if (committed.status === 'authenticated' && hex(committed.committer) === hex(memberIdOf(e))) {
        corrupted++
        return { status: 'aborted', reason: 'mls-failure', error: new InvalidCommitError('injected: the staging of this commit fails') }
      }
      return stage(candidate, options)
    }
    const mark = bed.eventsOf(x, 'commit-applied').length
    await bed.conv(0).addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.until(() => bed.eventsOf(x, 'commit-applied').length > mark)
    expect(corrupted).toBeGreaterThan(0)
    // x ranked the epoch steward's candidate first (priority), failed to stage it, and applied its own.
    // (The others applied the intact candidate, so x may then move to their branch by fork
    // healing if its hash is smaller: the first commit x applied is the one of its own round.)
    const applied = bed.eventsOf(x, 'commit-applied')[mark]!
    expect(applied.epoch).toBe(3n)
    expect(hex(applied.committer)).toBe(hex(memberIdOf(x)))
    expect(bed.conv(x).members().map(hex)).toContain(hex(memberIdOf(3)))
    expect(bed.eventsOf(x, 'freeze-progress').at(-1)).toMatchObject({ received: 2, expected: 2 })
  })

  it('control: with the epoch steward’s candidate intact, x applies it rather than its own (it is the higher priority)', async () => {
    const bed = await threeMembers('apply-control')
    const stewards = [0, 1, 2].filter((i) => bed.conv(i).isSteward())
    const e = stewards.find((i) => bed.conv(i).isEpochSteward())!
    const x = stewards.find((i) => i !== e)!
    const mark = bed.eventsOf(x, 'commit-applied').length
    await bed.conv(0).addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.until(() => bed.eventsOf(x, 'commit-applied').length > mark)
    expect(hex(bed.eventsOf(x, 'commit-applied').at(-1)!.committer)).toBe(hex(memberIdOf(e)))
  })
})

describe('reference 3.0: core_violations.rs', () => {
  it('test_commit_candidate_roundtrip_sender_identity: a member applies the steward’s candidate and the committer is the MLS-authenticated sender', async () => {
    const bed = await Bed.create('roundtrip', 3)
    await bed.add(1)
    // Member 1 freezes on alice's candidate, stages it (MLS authenticates the sender) and applies it.
    await bed.add(2)
    const applied = bed.eventsOf(1, 'commit-applied').at(-1)!
    expect(applied.epoch).toBe(2n)
    expect(hex(applied.committer)).toBe(hex(memberIdOf(0)))
    expect(applied.batch.map((r) => r.payload)).toEqual(['memberInvite'])
    expect(hex(applied.batch[0]!.memberInvite!.memberId)).toBe(hex(memberIdOf(2)))
    const candidate = bed.candidatesSent(0).at(-1)!
    expect(hex(candidate.stewardMemberId)).toBe(hex(memberIdOf(0)))
    expect(bed.eventsOf(1, 'phase-change').map((e) => e.state).slice(-3)).toEqual(['freezing', 'selection', 'working'])
  })
})

/** The upstream test's timing: 2 s proposal lifetime, a 3 s skew pushes the receiver past it. */
const SKEW_CONFIG = {
  commitBatchWindowMs: 2_000,
  freezeDurationMs: 20,
  votingDelayMs: 300,
  consensusTimeoutMs: 500,
  proposalExpirationMs: 2_000,
  stewardList: { snMin: 1, snMax: 5 },
}

describe('reference: protocol_clock_skew.rs', () => {
  it('lockstep_peer_surfaces_the_vote_request', async () => {
    const bed = await Bed.create('skew-control', 2, SKEW_CONFIG)
    await bed.add(1)
    expect(bed.eventsOf(1, 'vote-requested')).toHaveLength(0)
    const id = await bed.conv(0).removeMember(memberIdOf(1), bed.now)
    await bed.until(() => bed.eventsOf(1, 'vote-requested').some((e) => e.proposalId === id))
  })

  it('proposal_arriving_past_expiration_is_dropped_by_skewed_peer', async () => {
    const bed = await Bed.create('skew-late', 2, SKEW_CONFIG)
    await bed.add(1)
    const epochBefore = bed.conv(0).epoch()
    // Bob's clock runs 3 s ahead: every proposal alice stamps is already expired for him.
    bed.peers[1]!.skewMs = 3_000
    const id = await bed.conv(0).removeMember(memberIdOf(1), bed.now)
    await bed.run(30 * 50)
    const drops = bed.eventsOf(1, 'dropped').filter((d) => d.reason === 'invalid-proposal')
    expect(drops.some((d) => /expir/i.test(`${d.detail} ${d.error?.name}`))).toBe(true)
    expect(bed.eventsOf(1, 'vote-requested').some((e) => e.proposalId === id)).toBe(false)
    // Alice's proposal needs both votes (n = 2) and fails at her timeout: nothing commits.
    expect(bed.eventsOf(0, 'consensus-reached').find((e) => e.proposalId === id)?.approved).toBe(false)
    expect(bed.conv(0).epoch()).toBe(epochBefore)
    expect(bed.conv(1).epoch()).toBe(epochBefore)
    expect(bed.conv(0).members()).toHaveLength(2)
    expect(bed.eventsOf(1, 'leaving')).toHaveLength(0)
  })
})
