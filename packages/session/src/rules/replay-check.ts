import type { StagedCommit } from '@demls/mls'
import { type CommitCandidate, bytesEqual, toHex } from '@demls/wire'

/**
 * A list a missed election could have installed (see `electableLists`).
 *
 * @example
 * ```ts
 * import { type ElectableList, checkReplay } from '@demls/session/rules'
 * import type { StagedCommit } from '@demls/mls'
 * import type { CommitCandidate } from '@demls/wire'
 * declare const staged: StagedCommit
 * declare const candidate: CommitCandidate
 * const lists: ElectableList[] = [{ retryRound: 0, members: [new Uint8Array(20).fill(1)] }]
 * const r = checkReplay(staged, candidate, false, undefined, () => lists)
 * if (r.ok && r.inferred) console.log(`steward list of round ${r.inferred.retryRound} inferred`)
 * ```
 */
export interface ElectableList {
  retryRound: number
  members: readonly Uint8Array[]
}

/**
 * Whether a staged commit replayed by a peer (catch-up or fork switch) may
 * be adopted: it must carry only the committer's own add/remove
 * proposals, the committer must be the claimed steward, and it must be on
 * `stewards` (unless in recovery or no list is known) or, when our list
 * was exhausted there, on a list a missed election could have installed
 * (`electable`, computed only when needed; `inferred`: install it with the
 * commit). The approved prefix is not
 * checked: we may have missed the votes. A refusal for a committer on no
 * list we hold says so (`notSteward`): a caller holding stronger evidence
 * than our lists (a majority's signed merges) may overrule that one.
 *
 * @example
 * ```ts
 * import { checkReplay } from '@demls/session/rules'
 * import type { StagedCommit } from '@demls/mls'
 * import type { CommitCandidate } from '@demls/wire'
 * declare const staged: StagedCommit
 * declare const candidate: CommitCandidate
 * declare const stewards: Uint8Array[]
 * const r = checkReplay(staged, candidate, false, stewards)
 * if (!r.ok) console.log('refused:', r.reason)
 * ```
 */
export function checkReplay(
  staged: StagedCommit,
  candidate: CommitCandidate,
  recovery: boolean,
  stewards: readonly Uint8Array[] | undefined,
  electable: () => readonly ElectableList[] = () => [],
): { ok: false; reason: string; notSteward?: true } | { ok: true; inferred?: ElectableList } {
  if (staged.bundleSenderMismatch) return { ok: false, reason: 'bundle sender mismatch' }
  if (!bytesEqual(staged.committer, candidate.stewardMemberId)) return { ok: false, reason: 'committer is not the claimed steward' }
  if (staged.otherProposals > 0) return { ok: false, reason: 'carries non add/remove proposals' }
  const on = (list: readonly Uint8Array[]) => list.some((m) => bytesEqual(m, staged.committer))
  if (recovery || stewards === undefined || stewards.length === 0 || on(stewards)) return { ok: true }
  const inferred = electable().find((l) => on(l.members))
  if (inferred !== undefined) return { ok: true, inferred }
  const short = (m: Uint8Array) => toHex(m).slice(0, 8)
  return { ok: false, reason: `committer ${short(staged.committer)} not on the steward list [${stewards.map(short).join(', ')}]`, notSteward: true }
}
