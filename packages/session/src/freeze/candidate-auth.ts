import { bytesEqual, type CommitCandidate } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'

/**
 * The member MLS authenticates as the committer of a received candidate
 * (issue 15): its commit must be framed for our group and epoch and signed
 * by a member leaf (PublicMessage: membership tag and signature;
 * PrivateMessage: it decrypts under the epoch's handshake keys and the
 * leaf's signature holds), and its `mlsProposals` must be exactly the
 * proposals the commit references. `undefined`, with a `candidate` drop
 * (`unauthenticated`), for anything else: an outsider's candidate never
 * fills a round, never counts toward starting selection and never earns
 * anyone a penalty. The candidate's `stewardMemberId` is only a claim; the
 * returned id is what ranking and scores use.
 */
export async function authenticateCandidate(core: ConversationCore, c: CommitCandidate): Promise<Uint8Array | undefined> {
  // Its proposals too: a copy of a member's commit with other proposals attached never takes the genuine one's place.
  const r = await core.mls.authenticateCommit(c.commitMessage, { proposals: c.mlsProposals })
  if (r.status !== 'authenticated') {
    core.emit({ type: 'dropped', reason: 'candidate', detail: 'unauthenticated', error: r.error })
    return undefined
  }
  if (bytesEqual(r.committer, core.memberId)) {
    // Ours, but not the candidate we hold for this round (an old one replayed at us).
    core.emit({ type: 'dropped', reason: 'candidate', detail: 'claims to be ours' })
    return undefined
  }
  return r.committer
}

/**
 * How many candidates of the open round count toward starting selection
 * (`received` against {@link expectedCandidates}): ours, and received
 * ones whose authenticated committer is one of the candidates the round
 * waits for (an eligible steward; any eligible member in recovery or
 * without a list). A member off the list may still send one candidate (it
 * is judged, and penalised, in selection) but cannot cut the freeze short.
 */
export function countedCandidates(core: ConversationCore): number {
  const eligible = core.eligibility()
  const anyone = core.sm.mode === 'recovery' || core.steward.currentList() === undefined
  return core.rounds
    .candidates(core.epoch())
    .filter((c) => c.isLocal || (eligible(c.stewardMemberId) && (anyone || core.steward.isSteward(c.stewardMemberId)))).length
}
