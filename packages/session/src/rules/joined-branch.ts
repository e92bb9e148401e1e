import { bytesEqual, toHex } from '@demls/wire'
import { sha256 } from '../util/hash.js'

/** Domain tag of {@link authenticatorHash}. */
export const AUTHENTICATOR_HASH_DOMAIN = 'demls/epoch-authenticator/v1'

const AUTHENTICATOR_TAG = new TextEncoder().encode(AUTHENTICATOR_HASH_DOMAIN)
/** {@link authenticatorHash}es kept: a process holds a few conversations' current states at once. */
const RECENT_HASHES = 8
const recentHashes: { authenticator: Uint8Array; hash: Uint8Array }[] = []

/**
 * What a member's signed attestation says about its MLS state: SHA-256 of
 * `"demls/epoch-authenticator/v1" ‖ 0x00 ‖ epoch authenticator`. Two members
 * at one epoch hold the same state exactly when these are equal. RFC 9420
 * lets members compare the authenticator openly; the hash reveals no key.
 *
 * @example
 * ```ts
 * import { authenticatorHash } from '@demls/session/rules'
 * declare const group: { epochAuthenticator(): Uint8Array }
 * const attested = authenticatorHash(group.epochAuthenticator()) // 32 bytes, sent in EpochAttestation.authenticator_hash
 * ```
 */
export function authenticatorHash(authenticator: Uint8Array): Uint8Array {
  // Every attestation a member sends or weighs asks for its own state's hash: the last few are kept (a copy is handed out).
  for (const kept of recentHashes) if (bytesEqual(kept.authenticator, authenticator)) return kept.hash.slice()
  const buf = new Uint8Array(AUTHENTICATOR_TAG.length + 1 + authenticator.length)
  buf.set(AUTHENTICATOR_TAG, 0)
  buf.set(authenticator, AUTHENTICATOR_TAG.length + 1)
  const hash = sha256(buf)
  recentHashes.unshift({ authenticator: authenticator.slice(), hash: hash.slice() })
  if (recentHashes.length > RECENT_HASHES) recentHashes.pop()
  return hash
}

/**
 * A state a member attested (signature checked by the caller).
 *
 * @example
 * ```ts
 * import type { AttestedState } from '@demls/session/rules'
 * const seen: AttestedState = { epoch: 7n, authenticatorHash: new Uint8Array(32).fill(1) }
 * ```
 */
export interface AttestedState {
  /** The epoch the member was at. */
  readonly epoch: bigint
  /** {@link authenticatorHash} of its state at that epoch. */
  readonly authenticatorHash: Uint8Array
}

/**
 * Where a joiner stands that has merged nothing since its Welcome
 * ({@link judgeJoinedBranch}): on the state a strict majority of the other
 * members attests (`with-majority`), on another one (`stranded`, with the
 * state to re-join), or not known yet (`undecided`).
 *
 * @example
 * ```ts
 * import type { JoinedBranchVerdict } from '@demls/session/rules'
 * const v: JoinedBranchVerdict = { kind: 'stranded', target: new Uint8Array(32), attesters: 3 }
 * ```
 */
export type JoinedBranchVerdict =
  | { readonly kind: 'with-majority'; readonly attesters: number }
  | { readonly kind: 'stranded'; readonly target: Uint8Array; readonly attesters: number }
  | { readonly kind: 'undecided' }

/**
 * Judge the branch a joiner was welcomed into (beyond the reference). A
 * joiner welcomed by a commit the group later abandoned (two stewards
 * committed different batches at one epoch, both adding it) has no branch
 * point to heal from: it cannot compare commits, only states. It is
 * `stranded` when a strict majority of the other members of its own roster
 * attest, at its epoch, one state that is not its own; then it re-joins
 * from a Welcome that leads to exactly that state. A Welcome alone is never
 * evidence (any member can mint one for a group of its own making); the
 * majority's signed word is, and the state reached must match it.
 *
 * @param own - our epoch and authenticator hash
 * @param others - the other members of our roster (hex member ids)
 * @param attested - the latest signed attestation of each member (hex), at any epoch
 *
 * @example
 * ```ts
 * import { judgeJoinedBranch } from '@demls/session/rules'
 * const ours = new Uint8Array(32).fill(1)
 * const theirs = new Uint8Array(32).fill(2)
 * const attested = new Map([
 *   ['aa', { epoch: 5n, authenticatorHash: theirs }],
 *   ['bb', { epoch: 5n, authenticatorHash: theirs }],
 *   ['cc', { epoch: 5n, authenticatorHash: ours }],
 * ])
 * judgeJoinedBranch({ epoch: 5n, authenticatorHash: ours }, ['aa', 'bb', 'cc'], attested) // stranded, target theirs
 * ```
 */
export function judgeJoinedBranch(
  own: AttestedState,
  others: readonly string[],
  attested: ReadonlyMap<string, AttestedState>,
): JoinedBranchVerdict {
  const roster = new Set(others)
  return tallyJoinedBranch(own, roster.size, (member) => roster.has(member), attested)
}

/**
 * {@link judgeJoinedBranch} over a roster given by its size and a
 * membership test: walks the attestations (at most one per member), not
 * the roster, so a joiner judging on every attestation it receives does
 * not rebuild its roster each time.
 *
 * @internal
 */
export function tallyJoinedBranch(
  own: AttestedState,
  otherCount: number,
  isOther: (memberHex: string) => boolean,
  attested: ReadonlyMap<string, AttestedState>,
): JoinedBranchVerdict {
  // Most attestations name our own state: counted by a byte comparison, without a hex key.
  let ownCount = 0
  let tally: Map<string, { hash: Uint8Array; count: number }> | undefined
  for (const [member, a] of attested) {
    if (a.epoch !== own.epoch || a.authenticatorHash.length === 0 || !isOther(member)) continue
    if (bytesEqual(a.authenticatorHash, own.authenticatorHash)) {
      ownCount++
      continue
    }
    tally ??= new Map()
    const key = toHex(a.authenticatorHash)
    const entry = tally.get(key) ?? { hash: a.authenticatorHash, count: 0 }
    entry.count++
    tally.set(key, entry)
  }
  // At most one state has a strict majority.
  if (2 * ownCount > otherCount) return { kind: 'with-majority', attesters: ownCount }
  for (const { hash, count } of tally?.values() ?? []) {
    if (2 * count > otherCount) return { kind: 'stranded', target: hash, attesters: count }
  }
  return { kind: 'undecided' }
}
