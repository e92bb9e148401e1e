import {
  type AggregationBindingVerdict,
  type AggregationMemberKeys,
  type ConsensusAggregation,
  type ConsensusPlugin,
  type ConsensusRule,
  type ConsensusSigner,
  type ConsensusStorage,
  DEFAULT_CONSENSUS_PLUGIN_VERSION,
  InMemoryConsensusStorage,
  consensusResult,
} from '@demls/consensus'
import { platformBackend } from '#bls-platform'
import type { BlsBackend, BlsParsedKey } from './backend/types.js'
import { MAX_PROOF_MEMBERS } from './bitmap.js'
import { BLS_KEY_BINDING_LENGTH, type BlsKeyBinding, createKeyBinding, decodeKeyBinding, encodeKeyBinding, verifyKeyBindingsKeepingKeys } from './binding.js'
import { BLS_SIGNATURE_DST } from './ciphersuite.js'
import { BlsArgumentError } from './errors.js'
import { blsKeyFromMemberKey, blsSign } from './keys.js'
import { type BlsMemberKeys, parsedKeyId, prepareMemberKeysKnowing, reusableKeys } from './member-keys.js'
import { buildApprovalProof, decodeApprovalProof, encodeApprovalProof, verifyOutcomeProof } from './proof.js'
import { type BlsVoteContext, blsVoteMessage } from './vote-message.js'

/** `id` of the BLS aggregate-vote consensus plug-in. */
export const BLS_CONSENSUS_PLUGIN_ID = 'hashgraph-like+bls12-381-aggregate'
/**
 * `version` of the BLS plug-in: the version of this scheme, the
 * ciphersuite, and the reference rule version it keeps. Any change that
 * could make two members disagree on a proof or a binding changes it
 * (2: proofs of possession under the signature DST with a domain label).
 */
export const BLS_CONSENSUS_PLUGIN_VERSION = `2/${BLS_SIGNATURE_DST}/${DEFAULT_CONSENSUS_PLUGIN_VERSION}`

/**
 * A consensus plug-in whose votes can be aggregated: the ordinary
 * {@link ConsensusPlugin} (storage, the EIP-191 signer of individual
 * votes, the result rule: the broadcast path, used as the fallback and to
 * fetch a member's individual votes when equivocation is suspected) with a
 * BLS vote key bound to the member. Its `id` and `version` differ from the
 * default plug-in's, so the session's plug-in check at the join refuses
 * mixing the two in one group.
 *
 * @example
 * ```ts
 * import { type BlsConsensusPlugin, blsConsensusPlugin } from '@demls/bls'
 * import { EthereumSigner } from '@demls/consensus'
 * const key = crypto.getRandomValues(new Uint8Array(32))
 * const plugin: BlsConsensusPlugin = blsConsensusPlugin(new EthereumSigner(key), { memberSecretKey: key })
 * console.log(plugin.id, plugin.bls.binding.publicKey.length) // 'hashgraph-like+bls12-381-aggregate' 48
 * ```
 */
export interface BlsConsensusPlugin extends ConsensusPlugin {
  /** The aggregation capability the session uses (bindings, votes, key lists and proofs as bytes). */
  readonly aggregation: ConsensusAggregation
  /** The aggregation side of the plug-in. */
  readonly bls: {
    /** This member's key binding (public key, proof of possession, member signature), to publish in its leaf or join request. */
    readonly binding: BlsKeyBinding
    /** This member's BLS signature of its vote `vote` in `ctx` ({@link blsVoteMessage}). */
    signVote(ctx: BlsVoteContext, vote: boolean): Uint8Array
  }
}

/**
 * Options of {@link blsConsensusPlugin}.
 *
 * @example
 * ```ts
 * import type { BlsConsensusPluginInit } from '@demls/bls'
 * const init: BlsConsensusPluginInit = { memberSecretKey: crypto.getRandomValues(new Uint8Array(32)) }
 * ```
 */
export interface BlsConsensusPluginInit {
  /** The member's 32-byte secp256k1 secret key; the BLS key is derived from it ({@link blsKeyFromMemberKey}). */
  memberSecretKey?: Uint8Array
  /** Or an explicit BLS secret key (32-byte scalar). One of the two is required. */
  blsSecretKey?: Uint8Array
  /** Where sessions live. @default new InMemoryConsensusStorage() */
  storage?: ConsensusStorage
  /** The result rule. @default the reference rule ({@link consensusResult}) */
  rule?: ConsensusRule
  /** The BLS backend for signing votes. @default the platform's */
  backend?: BlsBackend
}

/**
 * The BLS aggregate-vote consensus plug-in for `signer`'s member. With
 * `@demls/session`: `defaultPlugins(key, { consensus: (signer) =>
 * blsConsensusPlugin(signer, { memberSecretKey: key }) })`; every member
 * of the group must choose it (at creation), and the plug-in check at the
 * join refuses a member running the default one (and vice versa).
 *
 * @throws {BlsArgumentError} when neither key is given, or one is invalid
 * @example
 * ```ts
 * import { blsConsensusPlugin } from '@demls/bls'
 * import { ConsensusService, EthereumSigner } from '@demls/consensus'
 * const key = crypto.getRandomValues(new Uint8Array(32))
 * const service = new ConsensusService({ plugin: blsConsensusPlugin(new EthereumSigner(key), { memberSecretKey: key }) })
 * ```
 */
export function blsConsensusPlugin(signer: ConsensusSigner & { sign(payload: Uint8Array): Uint8Array }, init: BlsConsensusPluginInit): BlsConsensusPlugin {
  const secret =
    init.blsSecretKey !== undefined
      ? Uint8Array.from(init.blsSecretKey)
      : init.memberSecretKey !== undefined
        ? blsKeyFromMemberKey(init.memberSecretKey)
        : undefined
  if (secret === undefined) throw new BlsArgumentError('blsConsensusPlugin needs memberSecretKey or blsSecretKey')
  const binding = createKeyBinding(signer, secret, { derive: false })
  const rule = init.rule ?? consensusResult
  return {
    id: BLS_CONSENSUS_PLUGIN_ID,
    version: BLS_CONSENSUS_PLUGIN_VERSION,
    storage: init.storage ?? new InMemoryConsensusStorage(),
    signer,
    rule,
    aggregation: blsAggregation(binding, secret, rule, init.backend),
    bls: {
      binding,
      signVote: (ctx, vote) => blsSign(secret, blsVoteMessage(ctx, vote), init.backend),
    },
  }
}

/**
 * Whether a consensus plug-in is a {@link BlsConsensusPlugin} (the session
 * routes votes to aggregators only then).
 *
 * @example
 * ```ts
 * import { isBlsConsensusPlugin } from '@demls/bls'
 * import { EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * isBlsConsensusPlugin(defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))))) // false
 * ```
 */
export function isBlsConsensusPlugin(plugin: ConsensusPlugin): plugin is BlsConsensusPlugin {
  const bls = (plugin as Partial<BlsConsensusPlugin>).bls
  return plugin.id === BLS_CONSENSUS_PLUGIN_ID && typeof bls === 'object' && bls !== null && typeof bls.signVote === 'function'
}

/** The member keys a {@link ConsensusAggregation} handed out, checked on the way back in. */
function asMemberKeys(keys: AggregationMemberKeys): BlsMemberKeys {
  const k = keys as Partial<BlsMemberKeys>
  if (typeof k.size !== 'number' || !Array.isArray(k.keys) || typeof k.backend !== 'object' || k.backend === null) {
    throw new BlsArgumentError('member keys not prepared by this plug-in')
  }
  return k as BlsMemberKeys
}

/**
 * Decode and verify encoded bindings, one verdict each in order
 * (`memberIds[i]`: the member binding `i` must name): undecodable bytes
 * are refused as such, the rest go to {@link verifyKeyBindings} together
 * (a single one is exactly `verifyKeyBinding`). The keys of the bindings
 * that pass go to `keep`, as the platform's backend parsed them.
 */
function verifyEncodedBindings(list: readonly Uint8Array[], memberIds: readonly (Uint8Array | undefined)[], keep: VerifiedKeys): AggregationBindingVerdict[] {
  const decoded = list.map((bytes): BlsKeyBinding | undefined => {
    try {
      return decodeKeyBinding(bytes)
    } catch {
      return undefined
    }
  })
  const present = [...decoded.keys()].filter((i) => decoded[i] !== undefined)
  const { verdicts, keys } = verifyKeyBindingsKeepingKeys(
    present.map((i) => decoded[i]!),
    present.map((i) => memberIds[i]),
  )
  for (const key of keys) if (key !== undefined) keep.add(key)
  const byIndex = new Map(present.map((i, k) => [i, verdicts[k]!]))
  return decoded.map((b, i): AggregationBindingVerdict => {
    const r = byIndex.get(i)
    if (b === undefined || r === undefined) return { ok: false, reason: 'undecodable' }
    return r.ok ? { ok: true, memberId: b.memberId, publicKey: b.publicKey } : r
  })
}

/**
 * The keys of bindings a member verified and has not yet put in a member
 * key list, as the platform's backend parsed them: the list of the epoch
 * that adds their members takes them instead of validating each key again
 * (a joiner verifies every member's binding from its Welcome, then builds
 * the list from the same keys). At most {@link MAX_PROOF_MEMBERS}, oldest
 * out first (bindings of joins never committed).
 */
class VerifiedKeys {
  readonly #keys = new Map<string, BlsParsedKey>()

  add(key: BlsParsedKey): void {
    const id = parsedKeyId(key.bytes)
    this.#keys.delete(id)
    this.#keys.set(id, key)
    if (this.#keys.size > MAX_PROOF_MEMBERS) this.#keys.delete(this.#keys.keys().next().value as string)
  }

  /** The member key list of `ordered` on `backend`, kept keys taken as parsed; those it uses leave the store (the next list reuses this one). */
  memberKeys(ordered: readonly Uint8Array[], backend: BlsBackend, previous: BlsMemberKeys | undefined): BlsMemberKeys {
    const known = reusableKeys(backend, previous)
    if (backend === platformBackend) for (const [id, k] of this.#keys) if (!known.has(id)) known.set(id, k)
    const keys = prepareMemberKeysKnowing(ordered, backend, known)
    for (const k of keys.keys) this.#keys.delete(parsedKeyId(k.bytes))
    return keys
  }
}

/** The {@link ConsensusAggregation} of a BLS member: bytes in, bytes out, untrusted input refused with a reason. */
function blsAggregation(binding: BlsKeyBinding, secret: Uint8Array, rule: ConsensusRule, backend: BlsBackend | undefined): ConsensusAggregation {
  const encoded = encodeKeyBinding(binding)
  const verified = new VerifiedKeys()
  return {
    scheme: 'bls12-381-min-pk',
    binding: encoded,
    maxBindingBytes: BLS_KEY_BINDING_LENGTH,
    verifyBinding: (bytes, memberId) => verifyEncodedBindings([bytes], [memberId], verified)[0]!,
    verifyBindings: (list) => verifyEncodedBindings(list, [], verified),
    signVote: (ctx, vote) => blsSign(secret, blsVoteMessage(ctx, vote), backend),
    memberKeys: (ordered, previous) => {
      const reuse = previous === undefined ? undefined : asMemberKeys(previous)
      return verified.memberKeys(ordered, backend ?? reuse?.backend ?? platformBackend, reuse)
    },
    buildProof(ctx, members, votes) {
      const built = buildApprovalProof(ctx, asMemberKeys(members), votes)
      return { proof: built.proof === undefined ? undefined : encodeApprovalProof(built.proof), invalid: built.invalid, equivocators: built.equivocators }
    },
    verifyProof(bytes, ctx, members, options = {}) {
      let keys: BlsMemberKeys
      try {
        keys = asMemberKeys(members)
      } catch {
        return { ok: false, reason: 'foreign-member-keys' }
      }
      let proof: ReturnType<typeof decodeApprovalProof>
      try {
        proof = decodeApprovalProof(bytes)
      } catch {
        return { ok: false, reason: 'undecodable' }
      }
      const r = verifyOutcomeProof(proof, ctx, keys, rule)
      if (r.ok && options.requireApproval === true && r.outcome !== 'yes') return { ok: false, reason: 'not-approved' }
      return r
    },
  }
}
