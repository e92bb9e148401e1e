/**
 * The scenario both rules run: alice, bob and carol form a group; alice
 * proposes removing carol (her YES travels with the proposal); bob votes
 * NO at once; carol has not voted yet when bob's NO arrives (clients
 * auto-vote YES only after `votingDelayMs`, 300 ms here).
 */
import type { PluginOverrides } from '@demls/session'
import { formGroup, handleOf, memberNames, startMembers, stopAll } from './group.js'

/** What one run of the scenario ended with. */
export interface RemovalOutcome {
  /** `id@version` of the consensus plug-in every member ran. */
  rule: string
  /** Whether the removal was approved (as alice saw it). */
  approved: boolean
  /** Virtual ms from the proposal to alice's decision. */
  decidedAfterMs: number
  /** The group's members 10 s after the decision, as alice sees them. */
  membersAfter: string[]
}

const GROUP = 'club'

/** Run the scenario with `plugins` on every member (`{}` = the defaults). */
export async function removalWithOneObjection(plugins: PluginOverrides): Promise<RemovalOutcome> {
  const { net, members } = await startMembers(['alice', 'bob', 'carol'], () => plugins)
  const [alice, bob, carol] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]]
  try {
    await formGroup(net, members, GROUP)
    const start = net.clock.now()
    const proposal = await handleOf(alice, GROUP).removeMember(carol.user.memberId)
    if (proposal === undefined) throw new Error('alice could not propose the removal')
    // bob objects as soon as the proposal reaches him.
    await net.runUntil(() => bob.events.some((e) => e.type === 'vote-requested' && e.proposalId === proposal), { maxMs: 30_000 })
    await handleOf(bob, GROUP).vote(proposal, false)
    const decision = () => alice.events.find((e) => e.type === 'consensus-reached' && e.proposalId === proposal)
    await net.runUntil(() => decision() !== undefined, { maxMs: 30_000 })
    const decided = decision()
    const decidedAfterMs = net.clock.now() - start
    // Long enough for a steward to commit an approved removal.
    await net.advance(10_000)
    return {
      rule: `${alice.user.plugins.consensus.id}@${alice.user.plugins.consensus.version}`,
      approved: decided?.type === 'consensus-reached' && decided.approved,
      decidedAfterMs,
      membersAfter: memberNames(alice, members, GROUP),
    }
  } finally {
    await stopAll(members)
  }
}
