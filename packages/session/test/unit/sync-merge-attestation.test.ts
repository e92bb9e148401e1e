import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { FAST_TIMING, attestationPeriodMs } from '../../src/core/config.js'
import { commitHashOf } from '../../src/rules/candidate-check.js'
import { attestsMergeAtOnce, mergeAttesterCount } from '../../src/rules/merge-attesters.js'
import { attestationDeadline, recordMerged, startHeartbeat } from '../../src/sync/catch-up.js'
import { coreFixture } from '../core-fixture.js'

/**
 * After a commit every member used to attest at once: n attestations, each
 * verified by every member, per change. Now the members a commit picks
 * (`attestsMergeAtOnce`) do, plus the epoch steward, and everyone when the
 * epoch was contested or the merge came another way; the others attest at
 * their next periodic attestation.
 */
describe('sync/catch-up: who attests a merged commit at once', () => {
  const candidateOf = (n: number, committer: Uint8Array) => ({
    conversationId: new TextEncoder().encode('merge-attest'),
    mlsProposals: [],
    commitMessage: sha256(new Uint8Array([0x42, n])),
    stewardMemberId: committer,
    demlsWelcome: new Uint8Array(0),
  })

  it('only the picked members attest at once; the others keep their periodic schedule', async () => {
    const { core } = await coreFixture({ id: 'merge-attest', members: 30, config: FAST_TIMING })
    core.epochSteward = () => undefined
    const committer = [...core.memberSet()].find((hex) => hex !== core.memberHex)!
    const committerId = Uint8Array.from(Buffer.from(committer, 'hex'))
    const now = core.now
    startHeartbeat(core, now)
    let attested = 0
    for (let n = 0; n < 40; n++) {
      const at = now + 2_000 * (n + 1)
      const candidate = candidateOf(n, committerId)
      const picked = attestsMergeAtOnce(commitHashOf(candidate.commitMessage), core.memberSet(), committer, core.memberHex, false)
      const before = core.catchUp.lastAttestAt
      core.outbox.packets.length = 0
      recordMerged(core, BigInt(n), candidate, at, { committer: committerId, everyone: false })
      expect(core.outbox.packets).toHaveLength(picked ? 1 : 0)
      expect(core.catchUp.lastAttestAt).toBe(picked ? at : before)
      // Not picked: the next attestation is the periodic one, one period after the last.
      if (!picked) expect(attestationDeadline(core, at)).toBe(before + attestationPeriodMs(core.config, 30))
      if (picked) attested++
      // Every member logs the commit for replays, picked or not.
      expect(core.catchUp.log.get(String(n))).toBe(candidate)
    }
    // About mergeAttesterCount(30) of the 29 others per commit: some commits pick us, most do not.
    expect(mergeAttesterCount(30)).toBe(13)
    expect(attested).toBeGreaterThan(5)
    expect(attested).toBeLessThan(35)
  })

  it('everyone attests at once when told to (contested epoch, catch-up, fork switch), and the epoch steward always does', async () => {
    const { core } = await coreFixture({ id: 'merge-attest', members: 30, config: FAST_TIMING })
    const committer = [...core.memberSet()].find((hex) => hex !== core.memberHex)!
    const committerId = Uint8Array.from(Buffer.from(committer, 'hex'))
    // A commit that does not pick us.
    let n = 0
    while (attestsMergeAtOnce(commitHashOf(candidateOf(n, committerId).commitMessage), core.memberSet(), committer, core.memberHex, false)) n++
    const now = core.now
    core.epochSteward = () => undefined
    recordMerged(core, 1n, candidateOf(n, committerId), now, { committer: committerId, everyone: false })
    expect(core.outbox.packets).toHaveLength(0)
    recordMerged(core, 1n, candidateOf(n, committerId), now + 2_000, { committer: committerId, everyone: true })
    expect(core.outbox.packets).toHaveLength(1)
    core.epochSteward = () => core.memberId
    recordMerged(core, 2n, candidateOf(n, committerId), now + 4_000, { committer: committerId, everyone: false })
    expect(core.outbox.packets).toHaveLength(2)
  })
})
