import type { CommitCandidate } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { holdFirstOwnCandidate } from './held-candidate.js'
import { candidatePacket } from './outsider.js'

// Issue 15, the last door on commit candidates: a candidate's MLS
// proposals travel beside its commit, and only the commit was
// authenticated. Anyone who saw a steward's candidate could race a copy of
// the same commit with other (well-formed) proposals attached: a member
// that got the copy first held it, dropped the genuine candidate as a
// duplicate (same commit hash), failed to stage the copy and lost the round.
// The proposals must now be exactly the ones the commit references
// (ProposalRefs) before a candidate is held.

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const CONFIG: ConversationConfigInit = { admission: 'open', stewardList: { snMin: 1, snMax: 1 } }

describe('adversarial: a copy of the steward’s commit with other proposals attached', () => {
  it('is refused before it is held; the genuine candidate that follows is selected in the round', async () => {
    const bed = await Bed.create('swap', 4, CONFIG)
    for (const i of [1, 2, 3]) await bed.add(i)
    const T = 3
    const before = bed.peers.map((p) => p.mls!.exportState())
    // Whoever commits the removal is S; its candidate is held back from everyone.
    const held = holdFirstOwnCandidate(bed)
    await bed.conv(0).removeMember(memberIdOf(T), bed.now)
    await bed.flush()
    await bed.until(() => held.length > 0, 60_000)
    const { from: S, c: genuine } = held[0]!
    const M = [0, 1, 2].find((i) => i !== S)!
    // Other proposals of this epoch, signed by M itself (any member can make some).
    const other = await (await bed.peers[M]!.plugins.mls.importGroup(before[M]!)).createCommitCandidate([{ action: 'remove', memberId: memberIdOf(T) }])
    const copy: CommitCandidate = { ...genuine, mlsProposals: other.proposals }
    const epoch = bed.conv(M).epoch()
    const deliver = (c: CommitCandidate) => bed.conv(M).receive({ subtopic: 'app', payload: candidatePacket(c) }, bed.clock(M))
    await deliver(copy)
    expect(bed.eventsOf(M, 'dropped').some((e) => e.reason === 'candidate' && e.detail === 'unauthenticated')).toBe(true)
    expect(bed.conv(M).epoch()).toBe(epoch)
    await deliver(genuine)
    expect(bed.conv(M).epoch()).toBe(epoch + 1n)
    const applied = bed.eventsOf(M, 'commit-applied').at(-1)!
    expect(applied.source).toBe('freeze')
    expect(bed.conv(M).members().map(hex)).not.toContain(hex(memberIdOf(T)))
  }, 120_000)
})
