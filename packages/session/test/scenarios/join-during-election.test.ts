import { describe, expect, it } from 'vitest'
import { LAN_TIMING } from '../../src/index.js'
import { bootstrap, conv, converged, joining, memberIdOf, scenario } from './harness.js'

/**
 * Beyond the reference (issue 56): when the steward list runs out, the
 * group elects the next one, and until that election lands there is no
 * epoch steward to open the joins announced meanwhile. They used to wait
 * for the election's vote before their own vote could begin: two vote
 * rounds in a row every time the list ran out (every second commit with
 * `snMax` 2), the larger part of the time a staggered wave took on the
 * real network. The head of the list the open election proposes (the
 * epoch steward once it lands) opens them while the election is voted on
 * (`stewardship.ts headOfOpenElection`); the commit still waits for the
 * election (`freezePending`), and it is the elected list's steward that
 * makes it.
 */
describe('a join announced during a steward election is voted on at the same time', () => {
  it('the join is proposed before the election is decided and committed by a steward of the elected list', async () => {
    // A slow election (2 s voting delay), so the overlap is unambiguous.
    const s = await scenario(6, { seed: 4, config: { ...LAN_TIMING, electionVotingDelayMs: 2_000 }, faults: { delayMs: 5 } })
    await bootstrap(s, 'e', 4)
    const first = joining(s, 4, 'e', { timeoutMs: 60_000 })
    await s.until(() => first.out.done, 60_000)
    await s.until(() => converged(s, 'e', [0, 1, 2, 3, 4]) && conv(s, 0, 'e').members().length === 5, 30_000)
    // Member 4's commit exhausted the list (4 settled members > snMax 2): an election is open.
    const events = s.members[0]!.events
    const electionAsked = events.findIndex((e) => e.type === 'vote-requested' && e.conversationId === 'e' && e.request?.payload === 'stewardElection')
    expect(electionAsked).toBeGreaterThanOrEqual(0)
    const election = events[electionAsked] as Extract<(typeof events)[number], { type: 'vote-requested' }>
    const second = joining(s, 5, 'e', { timeoutMs: 60_000 })
    await s.until(() => second.out.done, 60_000)
    expect(second.out.error).toBeUndefined()
    await s.until(() => converged(s, 'e') && conv(s, 0, 'e').members().length === 6, 30_000)

    const joiner = Buffer.from(memberIdOf(5)).toString('hex')
    const addAsked = events.findIndex(
      (e) => e.type === 'vote-requested' && e.conversationId === 'e' && e.request?.payload === 'memberInvite' && Buffer.from(e.request.memberInvite!.memberId).toString('hex') === joiner,
    )
    const electionDecided = events.findIndex((e) => e.type === 'consensus-reached' && e.proposalId === election.proposalId)
    const committed = events.findIndex(
      (e) => e.type === 'commit-applied' && e.batch.some((b) => b.payload === 'memberInvite' && Buffer.from(b.memberInvite!.memberId).toString('hex') === joiner),
    )
    expect(electionDecided).toBeGreaterThan(electionAsked)
    // Without the overlap the join was proposed only once the election had landed.
    expect(addAsked).toBeGreaterThan(electionAsked)
    expect(addAsked).toBeLessThan(electionDecided)
    expect(committed).toBeGreaterThan(electionDecided)
    const commit = events[committed] as Extract<(typeof events)[number], { type: 'commit-applied' }>
    const elected = (election.request?.stewardElection?.proposedStewards ?? []).map((m) => Buffer.from(m).toString('hex'))
    expect(elected).toContain(Buffer.from(commit.committer).toString('hex'))
    await s.stop()
  }, 120_000)
})
