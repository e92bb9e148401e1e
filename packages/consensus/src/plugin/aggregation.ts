/**
 * The optional aggregation capability of a consensus plug-in: what a
 * session needs to run a group whose votes add up into one compact proof
 * (`@demls/bls` implements it; the default plug-in does not). Everything
 * crosses this interface as bytes or opaque values, so `@demls/session`
 * never depends on the scheme's package.
 */

/**
 * What an aggregatable vote is about: every member voting the same way in
 * this conversation, epoch and proposal signs the same message.
 *
 * @example
 * ```ts
 * import type { AggregateVoteContext } from '@demls/consensus'
 * const ctx: AggregateVoteContext = { conversationId: 'chat', epoch: 3n, proposalId: 7, proposalDigest: new Uint8Array(32) }
 * ```
 */
export interface AggregateVoteContext {
  /** The conversation (group) id. */
  conversationId: string
  /** The epoch whose members vote. */
  epoch: bigint
  /** The consensus proposal id. */
  proposalId: number
  /** 32-byte digest of the proposal without votes (`proposalDigest` of `@demls/session/rules`). */
  proposalDigest: Uint8Array
}

/**
 * What a proof is checked against: the vote context and the proposal's
 * liveness flag (how the rule weighs silent members).
 *
 * @example
 * ```ts
 * import type { AggregateProofContext } from '@demls/consensus'
 * const ctx: AggregateProofContext = { conversationId: 'chat', epoch: 3n, proposalId: 7, proposalDigest: new Uint8Array(32), livenessCriteriaYes: true }
 * ```
 */
export interface AggregateProofContext extends AggregateVoteContext {
  /** The proposal's `liveness_criteria_yes`. */
  livenessCriteriaYes: boolean
}

/**
 * An epoch's ordered member key list, prepared once per epoch by
 * {@link ConsensusAggregation.memberKeys} (opaque to the session: the
 * scheme's parsed keys).
 *
 * @example
 * ```ts
 * import type { AggregationMemberKeys } from '@demls/consensus'
 * declare const keys: AggregationMemberKeys
 * console.log(`${keys.size} members`)
 * ```
 */
export interface AggregationMemberKeys {
  /** Number of members in the list. */
  readonly size: number
}

/**
 * The verdict on a member's key binding: the member it names and the
 * aggregation public key it binds, or why it is refused (a scheme-defined reason, e.g.
 * `'bad-possession'`).
 *
 * @example
 * ```ts
 * import type { AggregationBindingVerdict } from '@demls/consensus'
 * declare const verdict: AggregationBindingVerdict
 * if (!verdict.ok) console.log('binding refused:', verdict.reason)
 * ```
 */
export type AggregationBindingVerdict = { ok: true; memberId: Uint8Array; publicKey: Uint8Array } | { ok: false; reason: string }

/**
 * One member's aggregatable vote as an aggregator receives it.
 *
 * @example
 * ```ts
 * import type { AggregateVote } from '@demls/consensus'
 * declare const signature: Uint8Array
 * const vote: AggregateVote = { member: 0, vote: true, signature }
 * ```
 */
export interface AggregateVote {
  /** The voter's index in the epoch's ordered key list. */
  member: number
  /** YES (`true`) or NO. */
  vote: boolean
  /** The voter's signature ({@link ConsensusAggregation.signVote}). */
  signature: Uint8Array
}

/**
 * What {@link ConsensusAggregation.buildProof} made of the votes.
 *
 * @example
 * ```ts
 * import type { AggregateProofBuild } from '@demls/consensus'
 * declare const built: AggregateProofBuild
 * if (built.proof === undefined) console.log('no valid vote')
 * ```
 */
export interface AggregateProofBuild {
  /** The encoded proof, or `undefined` when no valid vote remained. */
  proof: Uint8Array | undefined
  /** Indices (in the input) of the votes refused. */
  invalid: number[]
  /** Members that signed both ways (counted on neither side). */
  equivocators: number[]
}

/**
 * A verified proof: the decided value and the members (indices in the
 * epoch's order) whose signed YES and NO it counts; or why it is refused.
 *
 * @example
 * ```ts
 * import type { AggregateProofVerdict } from '@demls/consensus'
 * declare const r: AggregateProofVerdict
 * console.log(r.ok ? `decided ${r.outcome}` : `refused: ${r.reason}`)
 * ```
 */
export type AggregateProofVerdict = { ok: true; outcome: 'yes' | 'no'; yes: number[]; no: number[] } | { ok: false; reason: string }

/**
 * The aggregation capability of a {@link ConsensusPlugin}: a per-member
 * key bound to the member's identity, votes that add up, and one proof per
 * decided proposal checked against the epoch's ordered key list. Untrusted
 * input (bindings, proofs) is refused with a reason, never a throw.
 *
 * @example
 * ```ts
 * import type { ConsensusPlugin } from '@demls/consensus'
 * declare const plugin: ConsensusPlugin
 * const aggregation = plugin.aggregation
 * if (aggregation !== undefined) console.log(aggregation.scheme, aggregation.binding.length)
 * ```
 */
export interface ConsensusAggregation {
  /** Stable name of the scheme (e.g. `bls12-381-min-pk`). */
  readonly scheme: string
  /** This member's encoded key binding, to carry in its join request. */
  readonly binding: Uint8Array
  /** The most bytes an encoded binding may have (bounds what a session accepts). */
  readonly maxBindingBytes: number
  /**
   * Verify an encoded binding: valid, signed by the member it names, and
   * (with `memberId`) naming that member. Never throws.
   */
  verifyBinding(binding: Uint8Array, memberId?: Uint8Array): AggregationBindingVerdict
  /**
   * Optional: {@link ConsensusAggregation.verifyBinding} for many bindings
   * at once (a joiner takes every member's from its Welcome), one verdict
   * per binding in order, each exactly what `verifyBinding(binding)` would
   * say, but cheaper when the scheme can check them together (`@demls/bls`
   * batches the proofs of possession). Sessions fall back to one call per
   * binding when a plug-in leaves it out. Never throws.
   */
  verifyBindings?(bindings: readonly Uint8Array[]): AggregationBindingVerdict[]
  /** This member's signature of its vote `vote` in `ctx`. */
  signVote(ctx: AggregateVoteContext, vote: boolean): Uint8Array
  /**
   * Prepare the epoch's ordered key list (keys from verified bindings).
   * `previous` (the last epoch's list) saves parsing unchanged keys.
   *
   * @throws when a key is invalid or repeated, or the list is empty or too long
   */
  memberKeys(orderedKeys: readonly Uint8Array[], previous?: AggregationMemberKeys): AggregationMemberKeys
  /** Aggregate votes into an encoded proof (the aggregator's side). */
  buildProof(ctx: AggregateVoteContext, members: AggregationMemberKeys, votes: readonly AggregateVote[]): AggregateProofBuild
  /**
   * Verify an encoded proof with the plug-in's rule: it decides
   * `ctx`'s proposal from signed votes of `members` alone. With
   * `requireApproval`, only a YES is accepted. Never throws.
   */
  verifyProof(proof: Uint8Array, ctx: AggregateProofContext, members: AggregationMemberKeys, options?: { requireApproval?: boolean }): AggregateProofVerdict
}
