import { decodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { HEARD_REQUEST_MS, IN_FLIGHT_MS } from '../../src/sync/heard-requests.js'
import { catchUpDeadline, onControl, requestCatchUp, requestProposal } from '../../src/sync/catch-up.js'
import { commitRequest } from '../availability/forge.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'

/**
 * `sync/heard-requests.ts` through `sync/catch-up.ts` on a core over a real
 * 3-member MLS group (member 0 ours, behind the group by two epochs, so
 * nothing but the requests we hear holds ours back): a member's request
 * for what we would ask for stands for ours a while, and no one can keep
 * us from asking. Then, one epoch behind: the commit that leaves our epoch
 * gets a moment to arrive before we ask for it.
 */
describe('sync/heard-requests: another member asked for the same commit or proposal', () => {
  const ID = 'heard'
  const setup = async () => {
    const { core } = await coreFixture({ id: ID, members: 3 })
    const epoch = core.epoch()
    core.catchUp.knownEpoch = epoch + 2n
    core.catchUp.knownEpochAt = core.now
    const sentRequests = () => core.outbox.packets.filter((p) => decodeAppMessage(p.payload).demlsControl?.commitRequest !== undefined).length
    /** Hand `core` a commit request as it arrives: decoded from the bytes a member (or a forger) sent. */
    const hear = (fromEpoch: bigint, at: number, key: Uint8Array | undefined = keyFor(1), claimed = memberIdOf(1)) =>
      onControl(core, decodeAppMessage(commitRequest(ID, fromEpoch, claimed, key, at)).demlsControl!, at)
    return { core, epoch, sentRequests, hear }
  }

  it('a member’s signed request for the commit that left our epoch holds ours back one interval, and the wake-up moves with it', async () => {
    const { core, epoch, sentRequests, hear } = await setup()
    const t = core.now
    expect(hear(epoch, t).send).toEqual([]) // we cannot answer it
    requestCatchUp(core, t + 10)
    expect(sentRequests()).toBe(0)
    expect(catchUpDeadline(core)).toBe(t + HEARD_REQUEST_MS)
    requestCatchUp(core, t + HEARD_REQUEST_MS)
    expect(sentRequests()).toBe(1)
  })

  it('one heard request defers ours at most once per request of our own: a member asking every half second cannot silence us', async () => {
    const { core, epoch, sentRequests, hear } = await setup()
    const t = core.now
    hear(epoch, t)
    hear(epoch, t + 500) // the next check interval: it passes the rate limit, but does not hold us back longer
    requestCatchUp(core, t + HEARD_REQUEST_MS)
    expect(sentRequests()).toBe(1)
    hear(epoch, t + HEARD_REQUEST_MS + 100) // after our request: holds the next one back once more
    requestCatchUp(core, t + 2 * HEARD_REQUEST_MS)
    expect(sentRequests()).toBe(1)
    hear(epoch, t + 2 * HEARD_REQUEST_MS + 50)
    requestCatchUp(core, t + 2 * HEARD_REQUEST_MS + 100)
    expect(sentRequests()).toBe(2)
  })

  it('a forged, unsigned or other member’s request for another epoch, or a request by a non-member, stands for nothing', async () => {
    const { core, epoch, sentRequests, hear } = await setup()
    const t = core.now
    hear(epoch, t, keyFor(7)) // claims member 1, signed by key 7
    hear(epoch, t, undefined) // unsigned
    hear(epoch, t, keyFor(7), memberIdOf(7)) // a non-member
    hear(epoch - 1n, t) // another epoch
    requestCatchUp(core, t + 1)
    expect(sentRequests()).toBe(1)
  })

  it('while we are not behind, a request holds nothing back and costs no signature check', async () => {
    const { core, epoch, hear } = await setup()
    core.catchUp.knownEpoch = epoch
    hear(epoch, core.now)
    expect(core.catchUp.heardCommitRequest).toBeUndefined()
    expect(core.catchUp.requestChecks.size).toBe(0)
  })

  it('a request for a proposal we miss holds our own request for it back one interval; one we hold changes nothing', async () => {
    const { core } = await setup()
    const t = core.now
    const sentProposalRequests = () => core.outbox.packets.filter((p) => decodeAppMessage(p.payload).demlsControl?.proposalRequest !== undefined).length
    onControl(core, { proposalRequest: { proposalId: 42, memberId: memberIdOf(1) } }, t)
    requestProposal(core, 42, t + 10)
    expect(sentProposalRequests()).toBe(0)
    requestProposal(core, 42, t + HEARD_REQUEST_MS)
    expect(sentProposalRequests()).toBe(1)
    requestProposal(core, 43, t + HEARD_REQUEST_MS) // another proposal: asked at once
    expect(sentProposalRequests()).toBe(2)
  })

  it('one epoch behind: the commit that leaves our epoch gets IN_FLIGHT_MS to arrive, from the first sign; two behind, or a named commit, is asked at once', async () => {
    const { core, epoch, sentRequests } = await setup()
    const t = core.now
    core.catchUp.knownEpoch = epoch + 1n
    requestCatchUp(core, t)
    expect(sentRequests()).toBe(0)
    expect(catchUpDeadline(core)).toBe(t + IN_FLIGHT_MS)
    // Later signs of the same epoch do not move the moment on.
    requestCatchUp(core, t + IN_FLIGHT_MS / 2)
    expect(sentRequests()).toBe(0)
    expect(catchUpDeadline(core)).toBe(t + IN_FLIGHT_MS)
    requestCatchUp(core, t + IN_FLIGHT_MS)
    expect(sentRequests()).toBe(1)
    // The group two epochs ahead: at once (after our own spacing).
    const again = await setup()
    again.core.catchUp.knownEpoch = again.epoch + 2n
    requestCatchUp(again.core, again.core.now)
    expect(again.sentRequests()).toBe(1)
    // A named commit (a branch we want) is never held back by it.
    const branch = await setup()
    branch.core.catchUp.knownEpoch = branch.epoch + 1n
    requestCatchUp(branch.core, branch.core.now, branch.epoch, new Uint8Array(32).fill(3))
    expect(branch.sentRequests()).toBe(1)
  })
})
