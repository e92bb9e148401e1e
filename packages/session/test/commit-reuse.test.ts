import type { MlsSnapshot } from '@demls/mls'
import { type CommitCandidate, decodeAppMessage, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { buildCore } from '../src/conversation/build-core.js'
import type { ConversationCore } from '../src/core/core.js'
import { enterFreezing, finalizeFreeze } from '../src/freeze/commit-flow.js'
import { readSavedConversation, restoreInto, saveConversation } from '../src/persist/snapshot.js'
import { coreFixture } from './core-fixture.js'

// Issue 15: a committer that signs two different commits with the same
// changes for one epoch has equivocated (`freeze/commit-equivocation.ts`).
// So an honest one never does: when a round of the epoch fails at it, it
// offers the commit it already signed again in the next round, even after
// a restart, and abstains when it no longer holds that commit's state.

/** The commit candidates `core` sent (its outbox), oldest first. */
function sentCandidates(core: ConversationCore): CommitCandidate[] {
  return core.outbox.packets
    .filter((o) => o.subtopic === 'app' && o.payload[0] !== 0)
    .flatMap((o) => decodeAppMessage(o.payload).commitCandidate ?? [])
}

/** Run a round that fails at `core`: its own merge fails once (an MLS error), so it selects nothing. */
async function failRound(core: ConversationCore): Promise<void> {
  const mls = core.mls
  const merge = mls.mergeOwnCommit.bind(mls)
  mls.mergeOwnCommit = async () => {
    mls.mergeOwnCommit = merge
    throw new Error('merge failed once')
  }
  core.sm.startSelection()
  await finalizeFreeze(core, core.now)
  mls.mergeOwnCommit = merge
}

async function mintingCore(id: string) {
  const fixture = await coreFixture({ id, members: 3 })
  const { core, others } = fixture
  core.sm.enterRecovery() // any member mints in recovery mode: no steward list needed
  core.queues.approved.set(11, { payload: 'removeMember', removeMember: { memberId: others[0]!.memberId } })
  return fixture
}

describe('one commit per change set per epoch (honest committers)', () => {
  it('a round that failed at us: the next round of the epoch offers the same commit, which merges to the state the others reach', async () => {
    const { core, others } = await mintingCore('reuse')
    const epoch = core.epoch()
    await enterFreezing(core, core.now)
    const [first] = sentCandidates(core)
    expect(first).toBeDefined()
    await failRound(core)
    expect(core.epoch()).toBe(epoch)
    expect(core.mls.hasPendingCommit()).toBe(false)
    core.outbox.packets.length = 0
    // The next round of the same epoch (the same approved work).
    expect(await enterFreezing(core, core.now + 1_000)).toBe(true)
    const again = sentCandidates(core)
    expect(again).toHaveLength(1)
    expect(toHex(again[0]!.commitMessage)).toBe(toHex(first!.commitMessage))
    // Carol merges that commit; selecting it here reaches the same state (from the state kept with it pending).
    const carol = others[1]!
    const staged = await carol.stageRemoteCommit({ proposals: first!.mlsProposals, commit: first!.commitMessage })
    expect(staged.status).toBe('staged')
    await carol.mergeStagedCommit()
    core.sm.startSelection()
    await finalizeFreeze(core, core.now + 2_000)
    expect(core.epoch()).toBe(epoch + 1n)
    expect(toHex(core.mls.epochAuthenticator())).toBe(toHex(carol.epochAuthenticator()))
  })

  it('after a restart between the two rounds, the restarted member offers the same commit, which merges to the state the others reach', async () => {
    const { core, plugins, others } = await mintingCore('reuse-restart')
    await enterFreezing(core, core.now)
    const [first] = sentCandidates(core)
    await failRound(core)
    // The state kept with it pending is the branch point's MLS snapshot, serialised by the save (the format as before: its export).
    const kept = [...core.catchUp.ownCandidates.values()][0]
    expect(kept!.mlsState).not.toBeInstanceOf(Uint8Array)
    const bytes = saveConversation(core, core.now, [])
    const read = readSavedConversation(bytes, core.id, core.memberId)
    expect(read.saved.own?.kept.map((k) => k.mlsState)).toEqual([(kept!.mlsState as MlsSnapshot).exportState()])
    const restarted = buildCore(core.id, plugins[0]!, await plugins[0]!.mls.importGroup(read.mlsState), core.config)
    restarted.now = core.now
    restoreInto(restarted, read.saved, core.now)
    expect(await enterFreezing(restarted, core.now + 1_000)).toBe(true)
    const again = sentCandidates(restarted).filter((c) => toHex(c.stewardMemberId) === toHex(core.memberId))
    expect(again.map((c) => toHex(c.commitMessage))).toEqual([toHex(first!.commitMessage)])
    // Carol merges it; the restarted member selects it and reaches her state (from the saved bytes).
    const carol = others[1]!
    expect((await carol.stageRemoteCommit({ proposals: first!.mlsProposals, commit: first!.commitMessage })).status).toBe('staged')
    await carol.mergeStagedCommit()
    restarted.sm.startSelection()
    await finalizeFreeze(restarted, core.now + 2_000)
    expect(toHex(restarted.mls.epochAuthenticator())).toBe(toHex(carol.epochAuthenticator()))
  })

  it('when the state of the commit it signed is gone, it abstains rather than sign another for the same changes', async () => {
    const { core } = await mintingCore('reuse-abstain')
    await enterFreezing(core, core.now)
    await failRound(core)
    core.catchUp.ownCandidates.clear() // evicted (more lost rounds than kept states)
    core.outbox.packets.length = 0
    expect(await enterFreezing(core, core.now + 1_000)).toBe(true)
    expect(sentCandidates(core)).toEqual([])
    expect(core.mls.hasPendingCommit()).toBe(false)
  })

  it('different approved work at the next round is a different commit (not an equivocation)', async () => {
    const { core, others } = await mintingCore('reuse-grown')
    await enterFreezing(core, core.now)
    const [first] = sentCandidates(core)
    await failRound(core)
    core.outbox.packets.length = 0
    core.queues.approved.set(12, { payload: 'removeMember', removeMember: { memberId: others[1]!.memberId } })
    expect(await enterFreezing(core, core.now + 1_000)).toBe(true)
    const [second] = sentCandidates(core)
    expect(second).toBeDefined()
    expect(toHex(second!.commitMessage)).not.toBe(toHex(first!.commitMessage))
  })
})
