import { type ConsensusRule, defaultConsensusPlugin } from '@demls/consensus'
import { defaultPeerScoring } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { PluginMismatchError } from '../../src/index.js'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/** A custom rule: any NO rejects at once; YES needs every voter. */
const veto: ConsensusRule = ({ expectedVoters, yes, no, timedOut }) =>
  no > 0 ? 'no' : yes >= expectedVoters ? 'yes' : timedOut ? 'failed' : 'undecided'

async function removeWithOneNo(useVeto: boolean) {
  const s = await scenario(3, {
    plugins: () =>
      useVeto ? { consensus: (signer) => ({ ...defaultConsensusPlugin(signer), id: 'veto', version: '1', rule: veto }) } : {},
  })
  await bootstrap(s, 'vote')
  const id = await conv(s, 0, 'vote').removeMember(memberIdOf(2))
  await s.until(() => eventsOf(s, 2, 'vote-requested').some((e) => e.proposalId === id))
  await conv(s, 2, 'vote').vote(id!, false)
  await s.until(() => eventsOf(s, 0, 'consensus-reached').some((e) => e.proposalId === id))
  const outcome = eventsOf(s, 0, 'consensus-reached').find((e) => e.proposalId === id)!
  await s.net.advance(10_000)
  const members = conv(s, 0, 'vote').members().length
  await s.stop()
  return { approved: outcome.approved, members }
}

describe('plug-ins through the public API', () => {
  it('a custom consensus rule changes outcomes on every member (veto vs the reference rule)', async () => {
    // Reference rule, n = 3: YES + NO passes the quorum gate and the silent member weighs YES.
    expect(await removeWithOneNo(false)).toEqual({ approved: true, members: 2 })
    // Veto rule: the single NO rejects the removal.
    expect(await removeWithOneNo(true)).toEqual({ approved: false, members: 3 })
  })

  it('a custom scoring plug-in applies its own deltas and travels to joiners in the sync', async () => {
    const s = await scenario(2, {
      plugins: () => ({ makeScoring: (init) => defaultPeerScoring({ ...init, deltas: { SuccessfulCommit: 1000 } }) }),
    })
    await bootstrap(s, 'score')
    const committer = hex(memberIdOf(0))
    for (const i of [0, 1]) {
      const score = conv(s, i, 'score')
        .conversation.memberScores()
        .find((e) => hex(e.memberId) === committer)?.score
      expect(score).toBe(1100n)
    }
    await s.stop()
  })

  it('a joiner whose plug-ins differ from the group is refused with PluginMismatchError', async () => {
    const s = await scenario(2, {
      plugins: (i) =>
        i === 1 ? { consensus: (signer) => ({ ...defaultConsensusPlugin(signer), id: 'veto', version: '1', rule: veto }) } : {},
    })
    await s.members[0]!.user.createConversation('mix')
    const join = s.members[1]!.user.join('mix')
    let error: unknown
    join.catch((e) => {
      error = e
    })
    await s.until(() => error !== undefined)
    expect(error).toBeInstanceOf(PluginMismatchError)
    expect((error as PluginMismatchError).code).toBe('PLUGIN_MISMATCH')
    expect(s.members[1]!.user.conversation('mix')).toBeUndefined()
    expect(converged(s, 'mix', [0])).toBe(true)
    await s.stop()
  })
})
