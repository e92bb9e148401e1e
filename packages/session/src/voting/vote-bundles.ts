import type { Vote } from '@demls/wire'
import { type ConversationConfig, MAX_BUNDLED_VOTES } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'

/**
 * Votes cast together, sent together (beyond the reference,
 * `ConversationConfig.voteBundles`): the auto-votes on a batch of
 * proposals fall due within a few milliseconds of each other, and each
 * used to be an MLS message of its own that every member decrypted and
 * every peer relayed. With bundles on they go out as one
 * `AppMessage.demls_votes` (each vote with its binding, parallel in
 * `demls_vote_bindings`), split at {@link MAX_BUNDLED_VOTES}. A lone vote
 * is sent as the reference sends it.
 *
 * What a receiver checks is unchanged: every vote of a bundle goes through
 * the same path as a vote of its own (`onIncomingVote`: owned by the MLS
 * sender, signed, bound to its proposal). A bundle over the cap, or whose
 * bindings are not one per vote, is dropped whole at decoding.
 */

/** One of our votes waiting to go out with others, and its binding (absent when we no longer hold its proposal). */
export interface OutgoingVote {
  vote: Vote
  binding: Uint8Array | undefined
}

/** What sending our votes needs: the encrypted send (with its `demlsVotes` shape). */
export type VoteSendSlices = Pick<ConversationCore, 'sendEncrypted'>

/**
 * How much earlier than its own time an automatic vote may go out to join
 * the bundle of a vote due now: half the shorter voting delay. Its owner
 * loses that much of the window in which an explicit vote replaces it.
 * 0 when bundles are off.
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@demls/session'
 * import { bundleWindowMs } from '../voting/vote-bundles.js'
 * bundleWindowMs(resolveConfig({ voteBundles: true, votingDelayMs: 300, electionVotingDelayMs: 300 })) // 150
 * ```
 */
export function bundleWindowMs(config: Pick<ConversationConfig, 'voteBundles' | 'votingDelayMs' | 'electionVotingDelayMs'>): number {
  if (!config.voteBundles) return 0
  return Math.floor(Math.min(config.votingDelayMs, config.electionVotingDelayMs) / 2)
}

/**
 * Send votes cast together: each one without a binding, and a lone one, as
 * the reference sends a vote; the rest as bundles of at most
 * {@link MAX_BUNDLED_VOTES}.
 */
export async function sendVotes(core: VoteSendSlices, votes: readonly OutgoingVote[]): Promise<void> {
  const bound = votes.filter((v) => v.binding !== undefined)
  for (const v of votes) if (v.binding === undefined) await core.sendEncrypted({ vote: v.vote, demlsVoteBindings: [] })
  for (let i = 0; i < bound.length; i += MAX_BUNDLED_VOTES) {
    const chunk = bound.slice(i, i + MAX_BUNDLED_VOTES)
    if (chunk.length === 1) await core.sendEncrypted({ vote: chunk[0]!.vote, demlsVoteBindings: [chunk[0]!.binding!] })
    else await core.sendEncrypted({ demlsVotes: { votes: chunk.map((v) => v.vote) }, demlsVoteBindings: chunk.map((v) => v.binding!) })
  }
}
