import type { CommitCandidate } from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { toHex } from '../util/bytes.js'

/**
 * Kind of an MLS message, read from its framing without processing it.
 *
 * @example
 * ```ts
 * import type { MlsMessageKind } from '@demls/session/rules'
 * import { inspectMessageKind } from '@demls/mls'
 * const inspect: (bytes: Uint8Array) => MlsMessageKind = inspectMessageKind // what precheckCandidate needs
 * ```
 */
export type MlsMessageKind = 'proposal' | 'commit' | 'application' | 'welcome' | 'key-package' | 'other'

/**
 * Why a received candidate was not buffered (all are benign drops).
 *
 * @example
 * ```ts
 * import { type CandidateDropReason, precheckCandidate } from '@demls/session/rules'
 * import { inspectMessageKind } from '@demls/mls'
 * import type { CommitCandidate } from '@demls/wire'
 * declare const candidate: CommitCandidate
 * const benign: CandidateDropReason[] = ['duplicate', 'already-committed', 'stale-epoch']
 * const r = precheckCandidate(candidate, new TextEncoder().encode('chat'), inspectMessageKind, () => false)
 * if (!r.ok && !benign.includes(r.reason)) console.log('suspicious candidate:', r.reason)
 * ```
 */
export type CandidateDropReason =
  | 'already-committed'
  | 'empty-payload'
  | 'empty-steward-id'
  | 'wrong-conversation'
  | 'wire-kind-mismatch'
  | 'duplicate'
  | 'buffer-full'
  | 'committer-has-candidate' // its authenticated committer already has one in the round
  | 'stale-epoch' // framed in an epoch we already left
  | 'future-epoch' // framed in an epoch we have not reached

/**
 * SHA-256 of a commit message (the candidate identity and dedup key).
 *
 * @example
 * ```ts
 * import { commitHashOf } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * declare const commitMessage: Uint8Array
 * const id = toHex(commitHashOf(commitMessage)) // sha256: identifies a candidate commit
 * ```
 */
export function commitHashOf(commitMessage: Uint8Array): Uint8Array {
  return sha256(commitMessage)
}

/**
 * Pre-checks of a received candidate that need no round state
 * (`reference-architecture.md` §9.1, plus the conversation-id check the
 * reference skips — deviation 5). `commitHash` is {@link commitHashOf} of
 * the commit message, for a caller that computed it already.
 *
 * @example
 * ```ts
 * import { precheckCandidate } from '@demls/session/rules'
 * import { inspectMessageKind } from '@demls/mls'
 * import type { CommitCandidate } from '@demls/wire'
 * declare const candidate: CommitCandidate
 * const committed = new Set<string>()
 * const r = precheckCandidate(candidate, new TextEncoder().encode('chat'), inspectMessageKind, (hex) => committed.has(hex))
 * if (r.ok) console.log('stage it:', r.hashHex)
 * ```
 */
export function precheckCandidate(
  c: CommitCandidate,
  conversationIdBytes: Uint8Array,
  inspect: (bytes: Uint8Array) => MlsMessageKind,
  alreadyCommitted: (hashHex: string) => boolean,
  commitHash: Uint8Array = commitHashOf(c.commitMessage),
): { ok: true; commitHash: Uint8Array; hashHex: string } | { ok: false; reason: CandidateDropReason } {
  // No proposals is fine: a commit that leaves out only expired adds is empty (deviation 9).
  if (c.commitMessage.length === 0) return { ok: false, reason: 'empty-payload' }
  const hashHex = toHex(commitHash)
  if (alreadyCommitted(hashHex)) return { ok: false, reason: 'already-committed' }
  if (c.stewardMemberId.length === 0) return { ok: false, reason: 'empty-steward-id' }
  if (toHex(c.conversationId) !== toHex(conversationIdBytes)) return { ok: false, reason: 'wrong-conversation' }
  if (inspect(c.commitMessage) !== 'commit') return { ok: false, reason: 'wire-kind-mismatch' }
  for (const p of c.mlsProposals) if (inspect(p) !== 'proposal') return { ok: false, reason: 'wire-kind-mismatch' }
  return { ok: true, commitHash, hashHex }
}
