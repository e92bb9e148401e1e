import type { ConversationOutbound } from '../src/index.js'
import { decodeAppMessage, encodeAppMessage } from '@demls/wire'
import { signAttestation } from '../src/join/signing.js'
import { commitHashOf } from '../src/rules/candidate-check.js'
import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'
import { hex, memberIdOf } from './scenarios/harness.js'

// The 30-peer real-network run of issue 21: the epoch steward of an epoch
// was seconds behind on its CPU. The backup steward committed the epoch
// without it and the group moved on; the lagging epoch steward then
// counted the approvals, minted its own commit for the epoch the group had
// left and merged it alone. Its commit outranks the backup's (the epoch
// steward's slot), so every member that had not moved on yet switched to
// it by the fork-choice rule, and the members and joiners that had were
// stranded on the other side: the group split in two. A member that knows
// from the signed attestations of a quorum of members that the group
// merged past its epoch now catches up instead of committing it again.

/** Whether a packet is a commit candidate or a commit replay (what makes a member merge the group's commit). */
function carriesCommit(p: ConversationOutbound): boolean {
  if (p.subtopic !== 'app' || p.payload[0] === 0) return false
  const m = decodeAppMessage(p.payload)
  return m.commitCandidate !== undefined || m.demlsControl?.commitReplay !== undefined
}

async function laggingEpochSteward(id: string) {
  // Commit inactivity 5 s: the lagger holds back from committing for two such windows while it catches up.
  const bed = await Bed.create(id, 4, { attestationIntervalMs: 500, commitInactivityMs: 5_000 })
  await bed.add(1)
  await bed.add(2)
  await bed.until(() => [0, 1, 2].every((i) => bed.conv(i).epoch() === 2n && bed.conv(i).state() === 'working'))
  const stewards = [0, 1, 2].filter((i) => bed.conv(i).isSteward())
  expect(stewards).toHaveLength(2)
  const lagger = stewards.find((i) => bed.conv(i).isEpochSteward())!
  const backup = stewards.find((i) => i !== lagger)!
  const proposer = [0, 1, 2].find((i) => i !== lagger && i !== backup)!
  return { bed, lagger, backup, proposer }
}

/** The lagging epoch steward gets the proposal and votes, but none of the group's plaintext (attestations, candidates), and commits alone. */
async function lateCommitAlone(id: string) {
  const { bed, lagger, backup, proposer } = await laggingEpochSteward(id)
  const held: ConversationOutbound[] = []
  bed.intercept = (_from, to, p) => {
    if (to !== lagger) return p
    held.push(p)
    return undefined
  }
  await bed.conv(proposer).addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
  await bed.until(() => [backup, proposer, 3].every((i) => bed.peers[i]!.conversation?.epoch() === 3n), 30_000)
  await bed.run(1_000) // the majority attests the backup's commit to one another
  const merged = hex(bed.conv(backup).epochAuthenticator())
  bed.intercept = (_from, to, p) => (to === lagger && p.subtopic === 'app' && p.payload[0] !== 0 ? undefined : p)
  for (const p of held.filter((p) => p.subtopic === 'app' && p.payload[0] === 0)) await bed.conv(lagger).receive(p, bed.clock(lagger))
  await bed.until(() => bed.conv(lagger).epoch() === 3n, 10_000)
  expect(hex(bed.eventsOf(lagger, 'commit-applied').at(-1)!.committer)).toBe(hex(memberIdOf(lagger)))
  expect(hex(bed.conv(lagger).epochAuthenticator())).not.toBe(merged)
  return { bed, lagger, backup, proposer, merged }
}

describe('an epoch steward that lags the group does not commit the epoch the group left', () => {
  it('it learns from the attestations that the group merged past its epoch and catches up: no fork, no member switches branch', async () => {
    const { bed, lagger, backup, proposer } = await laggingEpochSteward('lagging-epoch-steward')
    const own = () => bed.candidatesSent(lagger).filter((c) => hex(c.stewardMemberId) === hex(memberIdOf(lagger))).length
    const ownBefore = own()
    // The lagger's process falls behind: what is sent to it waits.
    const held: { from: number; packet: ConversationOutbound }[] = []
    bed.intercept = (from, to, p) => {
      if (to !== lagger) return p
      held.push({ from, packet: p })
      return undefined
    }
    await bed.conv(proposer).addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    // The backup commits once the epoch steward is inactive; the group, and the joiner, reach epoch 3.
    await bed.until(() => [backup, proposer, 3].every((i) => bed.peers[i]!.conversation?.epoch() === 3n), 30_000)
    expect(hex(bed.eventsOf(backup, 'commit-applied').at(-1)!.committer)).toBe(hex(memberIdOf(backup)))
    await bed.run(1_000) // the group attests epoch 3
    // The lagger catches up on its backlog at once, but the commit itself reaches it only later.
    bed.intercept = (_from, to, p) => (to === lagger && carriesCommit(p) ? undefined : p)
    for (const { packet } of held.filter((h) => !carriesCommit(h.packet))) await bed.conv(lagger).receive(packet, bed.clock(lagger))
    expect(bed.eventsOf(lagger, 'consensus-reached').some((e) => e.approved)).toBe(true)
    await bed.run(3_000)
    // It minted nothing for epoch 2 and merged nothing alone.
    expect(own()).toBe(ownBefore)
    expect(bed.conv(lagger).epoch()).toBe(2n)
    // Then the commit reaches it: it merges the group's.
    bed.intercept = undefined
    await bed.until(() => bed.conv(lagger).epoch() === 3n, 10_000)
    await bed.run(2_000)
    expect(hex(bed.eventsOf(lagger, 'commit-applied').at(-1)!.committer)).toBe(hex(memberIdOf(backup)))
    const authenticators = [0, 1, 2, 3].map((i) => hex(bed.conv(i).epochAuthenticator()))
    expect(new Set(authenticators).size).toBe(1)
    expect([0, 1, 2, 3].flatMap((i) => bed.eventsOf(i, 'fork-healed'))).toEqual([])
  })

  it('when it did commit alone, the majority keeps the commit it merged and the lagger switches to it, however the two committers rank', async () => {
    const { bed, lagger, backup, proposer, merged } = await lateCommitAlone('late-commit')
    // Everything flows again: the branch the majority signed it merged wins.
    bed.intercept = undefined
    await bed.until(() => hex(bed.conv(lagger).epochAuthenticator()) === merged, 15_000)
    await bed.run(2_000)
    expect(bed.eventsOf(lagger, 'fork-healed')).toHaveLength(1)
    for (const i of [backup, proposer, 3]) {
      expect(bed.eventsOf(i, 'fork-healed')).toEqual([])
      expect(hex(bed.conv(i).epochAuthenticator())).toBe(merged)
    }
  })

  it('attestations forged in its replay (members named as having merged its commit, not signed by them) do not make its branch a majority', async () => {
    const { bed, lagger, backup, proposer, merged } = await lateCommitAlone('late-commit-forged')
    const own = bed.candidatesSent(lagger).at(-1)!
    expect(hex(own.stewardMemberId)).toBe(hex(memberIdOf(lagger)))
    const signer = bed.peers[lagger]!.plugins.consensus.signer
    const forged = [backup, proposer].map((i) => ({ ...signAttestation(signer, bed.id, { epoch: 3n, commitHash: commitHashOf(own.commitMessage), signedAtMs: bed.now }), memberId: memberIdOf(i) }))
    const replay = encodeAppMessage({ demlsControl: { commitReplay: { fromEpoch: 2n, candidate: own, certificates: [], mergedBy: forged } } })
    for (const i of [backup, proposer]) await bed.conv(i).receive({ subtopic: 'app', payload: replay }, bed.clock(i))
    await bed.flush()
    for (const i of [backup, proposer]) {
      expect(bed.eventsOf(i, 'fork-healed')).toEqual([])
      expect(hex(bed.conv(i).epochAuthenticator())).toBe(merged)
    }
  })
})
