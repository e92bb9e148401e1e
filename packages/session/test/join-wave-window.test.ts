import type { ConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins } from '../src/index.js'
import { freezeEntryWindow } from '../src/freeze/commit-flow.js'
import { coreFixture } from './core-fixture.js'

/** The epoch steward's freeze-entry window around a wave of joins (`freeze/commit-flow.ts freezeEntryWindow`). */
describe('freeze window: the epoch steward waits for the rest of a wave of joins, never for a removal', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'wave', members: 3, config: { commitBatchWindowMs: 100, freezeDurationMs: 1_000 } })
    core.steward.installList(core.epoch(), [core.memberId], 1)
    const invite = async (seed: number): Promise<ConversationUpdateRequest> => {
      const p = await defaultPlugins(new Uint8Array(32).fill(seed))
      return { payload: 'memberInvite', memberInvite: { keyPackageBytes: await p.generateKeyPackage(core.now), memberId: p.mls.memberId } }
    }
    return { core, others, invite }
  }

  it('approved joins with another join still voting: the batching window plus one freeze duration; once it resolves, the batching window', async () => {
    const { core, invite } = await setup()
    expect(core.isEpochSteward(core.now)).toBe(true)
    core.queues.approved.set(1, await invite(51))
    const open = await invite(52)
    core.voting.requests.set(2, open)
    expect(freezeEntryWindow(core, core.now)).toBe(1_100)
    core.queues.resolved.add(2)
    expect(freezeEntryWindow(core, core.now)).toBe(100)
  })

  it('an approved removal is not held back by joins still voting, nor is an urgent one', async () => {
    const { core, others, invite } = await setup()
    core.voting.requests.set(2, await invite(52))
    core.queues.approved.set(1, { payload: 'removeMember', removeMember: { memberId: others[0]!.memberId } })
    expect(freezeEntryWindow(core, core.now)).toBe(100)
    core.queues.approved.clear()
    core.queues.approved.set(3, await invite(53))
    core.queues.urgentTarget = 'ab'.repeat(20)
    expect(freezeEntryWindow(core, core.now)).toBe(100)
  })

  it('a join voting for a target already approved, or for a member, is not the rest of a wave; a non-steward never waits for one', async () => {
    const { core, others, invite } = await setup()
    const add = await invite(51)
    core.queues.approved.set(1, add)
    core.voting.requests.set(2, add)
    expect(freezeEntryWindow(core, core.now)).toBe(100)
    const member = { payload: 'memberInvite' as const, memberInvite: { keyPackageBytes: new Uint8Array(1), memberId: others[1]!.memberId } }
    core.voting.requests.set(4, member)
    expect(freezeEntryWindow(core, core.now)).toBe(100)
    core.voting.requests.delete(4)
    core.voting.requests.set(3, await invite(52))
    core.steward.installList(core.epoch(), [others[0]!.memberId], 1)
    expect(freezeEntryWindow(core, core.now)).toBe(core.config.commitInactivityMs + core.config.recoveryInactivityMs)
  })
})
