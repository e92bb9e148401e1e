import { toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { electionInstallable, electionPool, judgeElection } from '../../src/stewardship/election-check.js'
import { coreFixture } from '../core-fixture.js'

/** `stewardship/election-check.ts` on a core over a real MLS group (member 0 ours). */
describe('stewardship/election-check', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'election-check', members: 4, config: { stewardList: { snMin: 1, snMax: 2 } } })
    const epoch = core.epoch()
    const round = core.steward.nextElectionRound
    const listOver = (pool: Uint8Array[], r = round) => [...core.steward.electableList(epoch, pool, r).members]
    return { core, others, epoch, round, listOver }
  }

  it('votes YES only for the election it would propose: over its settled pool (or the recovery pool), at its epoch and retry round', async () => {
    const { core, others, epoch, round, listOver } = await setup()
    const honest = listOver(electionPool(core, false))
    expect(judgeElection(core, { proposedStewards: honest, electionEpoch: epoch, retryRound: round })).toBe(true)
    // A list of the proposer's choosing (one member alone: it regenerates from itself), another round, another epoch.
    const mallory = others[2]!.memberId
    expect(judgeElection(core, { proposedStewards: listOver([mallory]), electionEpoch: epoch, retryRound: round })).toBe(false)
    expect(judgeElection(core, { proposedStewards: listOver(electionPool(core, false), round + 1), electionEpoch: epoch, retryRound: round + 1 })).toBe(false)
    expect(judgeElection(core, { proposedStewards: honest, electionEpoch: epoch + 1n, retryRound: round })).toBe(false)
    // The recovery pool: an approved removal leaves its target out.
    core.queues.approved.set(1, { payload: 'removeMember', removeMember: { memberId: others[0]!.memberId } })
    const recovery = listOver(electionPool(core, true))
    expect(recovery.map(toHex)).not.toContain(toHex(others[0]!.memberId))
    expect(judgeElection(core, { proposedStewards: recovery, electionEpoch: epoch, retryRound: round })).toBe(true)
  })

  it('installs an approved list that regenerates from its pool in any round up to the cap, never a list of anyone’s choosing', async () => {
    const { core, others, epoch, round, listOver } = await setup()
    const pool = electionPool(core, false)
    expect(electionInstallable(core, { proposedStewards: listOver(pool, round + 1), electionEpoch: epoch, retryRound: round + 1 })).toBe(true)
    expect(electionInstallable(core, { proposedStewards: listOver([others[2]!.memberId]), electionEpoch: epoch, retryRound: round })).toBe(false)
    const beyond = core.steward.maxRetries + 1
    expect(electionInstallable(core, { proposedStewards: listOver(pool, beyond), electionEpoch: epoch, retryRound: beyond })).toBe(false)
    // An epoch we hold no record of: nothing to check against.
    expect(electionInstallable(core, { proposedStewards: listOver(pool), electionEpoch: epoch + 5n, retryRound: round })).toBe(false)
  })
})
