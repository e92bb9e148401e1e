import { ConsensusService, requiredVotes } from '@demls/consensus'
import type { Vote } from '@demls/wire'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { isReserveVoter, primaryVoterCount } from '../../src/rules/primary-voters.js'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/**
 * Reserve voters (`reserveVoters`, opt-in): in a group of 16 the
 * owner and the 13 members closest to a proposal vote at once (quorum 11 +
 * 3); the two reserves, whose automatic YES their silence already weighs
 * as, vote only if the proposal is still open one voting delay later.
 */
const N = 16
const CONFIG: ConversationConfigInit = { maxConsensusSessions: 20, maxSessionsPerMember: N, commitBatchMax: N, probeAnswersPerSecond: 30, reserveVoters: true }

/** Every vote cast through a consensus service from now on (automatic or not), by proposal id. */
function recordVotes(): Map<number, Vote[]> {
  const cast = new Map<number, Vote[]>()
  const original = ConsensusService.prototype.castVote
  vi.spyOn(ConsensusService.prototype, 'castVote').mockImplementation(function (this: ConsensusService, ...args: Parameters<ConsensusService['castVote']>) {
    const vote = original.apply(this, args)
    cast.set(vote.proposalId, [...(cast.get(vote.proposalId) ?? []), vote])
    return vote
  })
  return cast
}

async function group(id: string, config: ConversationConfigInit = {}): Promise<Scenario> {
  const s = await scenario(N, { config: { ...CONFIG, ...config } })
  await bootstrap(s, id)
  return s
}

/** Member `owner` proposes removing the last member; the proposal id. */
async function removeLast(s: Scenario, id: string, owner: number): Promise<number> {
  const proposalId = await conv(s, owner, id).removeMember(memberIdOf(N - 1))
  if (proposalId === undefined) throw new Error('no proposal filed')
  return proposalId
}

/** Members (indexes) that are reserves of `proposalId` filed by member `owner`. */
function reservesOf(s: Scenario, id: string, owner: number, proposalId: number): number[] {
  const members = conv(s, 0, id).members().map(hex)
  const p = { proposalId, proposalOwner: memberIdOf(owner), expectedVotersCount: members.length }
  return s.members.map((_, i) => i).filter((i) => isReserveVoter(p, members, hex(memberIdOf(i))))
}

const approvedAt = (s: Scenario, i: number, proposalId: number) => eventsOf(s, i, 'consensus-reached').some((e) => e.proposalId === proposalId && e.approved)

afterEach(() => {
  vi.restoreAllMocks()
})

describe('reserve voters', () => {
  it('a removal in a group of 16 is decided by the primaries alone: the reserves send no vote, and every member agrees', async () => {
    const s = await group('rv')
    const votes = recordVotes()
    const proposalId = await removeLast(s, 'rv', 1)
    const reserves = reservesOf(s, 'rv', 1, proposalId)
    expect(reserves).toHaveLength(N - primaryVoterCount(N))
    await s.until(() => converged(s, 'rv', [...Array(N - 1).keys()]) && conv(s, 0, 'rv').members().length === N - 1)
    await s.net.advance(3_000) // well past every reserve's wait and the consensus timeout
    const voters = (votes.get(proposalId) ?? []).map((v) => hex(v.voteOwner))
    // Everyone but the owner (its vote came with the proposal) and the reserves.
    expect(voters).toHaveLength(N - 1 - reserves.length)
    for (const r of reserves) expect(voters).not.toContain(hex(memberIdOf(r)))
    for (let i = 0; i < N - 1; i++) expect(approvedAt(s, i, proposalId), `member ${i}`).toBe(true)
    await s.stop()
  }, 60_000)

  it('with reserveVoters off (the default), every member votes (the reference)', async () => {
    const s = await group('rv-off', { reserveVoters: false })
    const votes = recordVotes()
    const proposalId = await removeLast(s, 'rv-off', 1)
    await s.until(() => converged(s, 'rv-off', [...Array(N - 1).keys()]) && conv(s, 0, 'rv-off').members().length === N - 1)
    await s.net.advance(3_000)
    expect(votes.get(proposalId)).toHaveLength(N - 1)
    await s.stop()
  }, 60_000)

  it('when primaries stay silent, the reserves vote after their wait and the proposal still passes before its timeout', async () => {
    const s = await group('rv-mute')
    const votes = recordVotes()
    const proposalId = await removeLast(s, 'rv-mute', 1)
    const start = s.net.clock.now()
    const reserves = reservesOf(s, 'rv-mute', 1, proposalId)
    // Four primaries (not the owner, not the target, no steward) go silent: 10 votes reach the group, the gate needs 11.
    const stewards = new Set(conv(s, 0, 'rv-mute').conversation.stewards().map(hex))
    const silent = s.members
      .map((_, i) => i)
      .filter((i) => i !== 1 && i !== N - 1 && !reserves.includes(i) && !stewards.has(hex(memberIdOf(i))))
      .slice(0, 4)
    expect(silent).toHaveLength(4)
    for (const i of silent) s.net.mute(s.members[i]!.name)
    await s.until(() => approvedAt(s, 0, proposalId))
    const decidedAfter = s.net.clock.now() - start
    const timeout = conv(s, 0, 'rv-mute').conversation.config().consensusTimeoutMs
    expect(decidedAfter).toBeLessThan(timeout)
    // The reserves' votes filled the gate (a reserve that saw it filled before its own wait ended need not vote).
    const voters = new Set((votes.get(proposalId) ?? []).map((v) => hex(v.voteOwner)))
    const heard = [...voters].filter((v) => !silent.some((i) => hex(memberIdOf(i)) === v))
    expect(reserves.some((r) => voters.has(hex(memberIdOf(r))))).toBe(true)
    expect(heard.length + 1).toBeGreaterThanOrEqual(requiredVotes(N)) // + the owner's vote, bundled with the proposal
    await s.stop()
  }, 60_000)
})
