import { type ConsensusRule, defaultConsensusPlugin } from '@demls/consensus'
import { defaultPeerScoring } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { InvalidSyncError, PluginMismatchError, selfLeaveProposalId } from '../../src/index.js'
import { bootstrap, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

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

  it('a joiner whose plug-ins differ refuses at the signed beacon, before announcing: the group never adds it', async () => {
    const s = await scenario(3, {
      plugins: (i) =>
        i === 2 ? { consensus: (signer) => ({ ...defaultConsensusPlugin(signer), id: 'veto', version: '1', rule: veto }) } : {},
    })
    await bootstrap(s, 'mix', 2)
    const epoch = conv(s, 0, 'mix').epoch()
    const j = joining(s, 2, 'mix')
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(PluginMismatchError)
    expect((j.out.error as PluginMismatchError).code).toBe('PLUGIN_MISMATCH')
    expect((j.out.error as PluginMismatchError).local).toContain('consensus=veto@1')
    expect((j.out.error as PluginMismatchError).group).not.toContain('consensus=veto@1')
    // It heard the beacon but never reported it nor announced.
    expect(new Set(j.progress.map((p) => p.phase))).toEqual(new Set(['probing']))
    expect(s.members[2]!.user.conversation('mix')).toBeUndefined()
    // No announcement: nobody proposed it, nothing was committed.
    await s.net.advance(10_000)
    for (const i of [0, 1]) {
      expect(eventsOf(s, i, 'vote-requested').some((e) => e.request?.memberInvite !== undefined && hex(e.request.memberInvite.memberId) === hex(memberIdOf(2)))).toBe(false)
    }
    expect(converged(s, 'mix', [0, 1])).toBe(true)
    expect(conv(s, 0, 'mix').epoch()).toBe(epoch)
    expect(conv(s, 0, 'mix').members()).toHaveLength(2)
    await s.stop()
  })

  it('with probe: false the mismatch shows only in the Welcome: the joiner refuses it and leaves, so no leaf stays behind', async () => {
    const s = await scenario(3, {
      plugins: (i) =>
        i === 2 ? { consensus: (signer) => ({ ...defaultConsensusPlugin(signer), id: 'veto', version: '1', rule: veto }) } : {},
    })
    await bootstrap(s, 'ghost', 2)
    const j = joining(s, 2, 'ghost', { probe: false })
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(PluginMismatchError)
    // The group added it, then committed its self-leave.
    const joiner = hex(memberIdOf(2))
    await s.until(() => eventsOf(s, 0, 'member-left').some((e) => hex(e.memberId) === joiner) && converged(s, 'ghost', [0, 1]))
    expect(eventsOf(s, 0, 'member-joined').some((e) => hex(e.memberId) === joiner)).toBe(true)
    expect(conv(s, 0, 'ghost').members().map(hex)).not.toContain(joiner)
    expect(conv(s, 1, 'ghost').members().map(hex)).not.toContain(joiner)
    expect(s.members[2]!.user.conversation('ghost')).toBeUndefined()
    await s.stop()
  })

  it.each([
    ['probing first', true],
    ['with probe: false (no beacon: the Welcome is all it checks)', false],
  ])('an invalid sync (rejected by the joiner) is refused and the joiner leaves, %s; the reference would join anyway', async (_, probe) => {
    // The joiner's default score (0) is not above the group's threshold (0): its validation rejects the sync.
    const s = await scenario(3, {
      plugins: (i) => (i === 2 ? { makeScoring: (init) => defaultPeerScoring({ ...init, defaultScore: 0n }) } : {}),
    })
    await bootstrap(s, 'bad-sync', 2)
    const j = joining(s, 2, 'bad-sync', probe ? {} : { probe: false })
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(InvalidSyncError)
    expect((j.out.error as Error).message).toContain('threshold-not-below-default-score')
    const joiner = hex(memberIdOf(2))
    await s.until(() => eventsOf(s, 0, 'member-left').some((e) => hex(e.memberId) === joiner) && converged(s, 'bad-sync', [0, 1]))
    expect(conv(s, 0, 'bad-sync').members()).toHaveLength(2)
    // The self-leave was a one-voter proposal with the deterministic id, as Conversation.leave sends it.
    expect(eventsOf(s, 0, 'consensus-reached').some((e) => e.proposalId === selfLeaveProposalId(memberIdOf(2)) && e.approved)).toBe(true)
    await s.stop()
  })
})
