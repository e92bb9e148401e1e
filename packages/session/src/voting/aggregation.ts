import type { AggregationBindingVerdict, AggregationMemberKeys, ConsensusAggregation } from '@demls/consensus'
import { type ConversationSync, type ConversationUpdateRequest, fromHex, toHex } from '@demls/wire'
import type { BlsBindingBook } from '../state/bls-bindings.js'

/**
 * Aggregation key bindings in a group whose consensus plug-in aggregates
 * votes (`ConsensusPlugin.aggregation`, e.g. `@demls/bls`; issue 55).
 * Every join carries the joiner's binding (`MemberInvite.demls_bls_binding`),
 * every member checks it before voting and keeps it when the join is
 * committed, a joiner takes the members' bindings from the Welcome's sync
 * (`ConversationSync.demls_bls_bindings`), and every member builds the same
 * ordered key list for an epoch. Nothing here runs in a group on the
 * default plug-in (no `aggregation`): the reference path is unchanged.
 */

/**
 * What the binding flows read: our identity, the consensus plug-in's
 * aggregation capability, the binding book, and the current members.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { AggregationComponents } from '../voting/aggregation.js'
 * declare const core: ConversationCore
 * const slices: AggregationComponents = core
 * ```
 */
export interface AggregationComponents {
  readonly memberId: Uint8Array
  readonly memberHex: string
  readonly plugins: { readonly consensus: { readonly aggregation?: ConsensusAggregation } }
  readonly blsBindings: BlsBindingBook
  memberSet(): ReadonlySet<string>
}

/**
 * Why a join is refused in an aggregating group: no binding, one too large
 * or not valid for the joiner (the plug-in's reason), a key already bound
 * to another member or joiner (the epoch's key list would refuse it), or a
 * joiner that signed two different bindings.
 */
export type JoinBindingRefusal = 'missing' | 'too-large' | `invalid:${string}` | 'key-taken' | 'conflict'

/** Verdicts kept per book (binding hex → verdict): an announcement and its proposal are checked once. */
const VERDICT_CACHE_MAX = 64
const verdicts = new WeakMap<BlsBindingBook, Map<string, AggregationBindingVerdict>>()

/** `aggregation.verifyBinding`, remembering the last {@link VERDICT_CACHE_MAX} verdicts (a proof-of-possession check costs two pairings). */
function verifyCached(core: Pick<AggregationComponents, 'blsBindings'>, aggregation: ConsensusAggregation, binding: Uint8Array, memberId?: Uint8Array): AggregationBindingVerdict {
  const cache = verdicts.get(core.blsBindings) ?? new Map<string, AggregationBindingVerdict>()
  verdicts.set(core.blsBindings, cache)
  const key = `${memberId === undefined ? '' : toHex(memberId)}:${toHex(binding)}`
  const held = cache.get(key)
  if (held !== undefined) return held
  const verdict = aggregation.verifyBinding(binding, memberId)
  cache.set(key, verdict)
  while (cache.size > VERDICT_CACHE_MAX) cache.delete(cache.keys().next().value as string)
  return verdict
}

/** The aggregation capability of the group's plug-in, if it has one. */
export function aggregationOf(core: Pick<AggregationComponents, 'plugins'>): ConsensusAggregation | undefined {
  return core.plugins.consensus.aggregation
}

/** Record our own binding (verified once) if the group aggregates and we do not hold it yet. */
export function ensureOwnBinding(core: AggregationComponents): void {
  const aggregation = aggregationOf(core)
  if (aggregation === undefined || core.blsBindings.member(core.memberHex) !== undefined) return
  const r = aggregation.verifyBinding(aggregation.binding, core.memberId)
  if (r.ok) core.blsBindings.setMember(core.memberHex, { binding: aggregation.binding, publicKey: r.publicKey })
}

/**
 * Check the binding a join request carries (without recording it):
 * `undefined` when the group does not aggregate, the request is not a join,
 * or the binding is acceptable; the refusal otherwise.
 */
export function joinBindingRefusal(core: AggregationComponents, request: ConversationUpdateRequest | undefined): JoinBindingRefusal | undefined {
  return checkJoinBinding(core, request).refusal
}

function checkJoinBinding(
  core: AggregationComponents,
  request: ConversationUpdateRequest | undefined,
): { refusal?: JoinBindingRefusal; entry?: { joinerHex: string; binding: Uint8Array; publicKey: Uint8Array } } {
  const aggregation = aggregationOf(core)
  const invite = request?.payload === 'memberInvite' ? request.memberInvite : undefined
  if (aggregation === undefined || invite === undefined) return {}
  const binding = invite.demlsBlsBinding?.keyBinding
  if (binding === undefined || binding.length === 0) return { refusal: 'missing' }
  if (binding.length > aggregation.maxBindingBytes) return { refusal: 'too-large' }
  const verdict = verifyCached(core, aggregation, binding, invite.memberId)
  if (!verdict.ok) return { refusal: `invalid:${verdict.reason}` }
  const joinerHex = toHex(invite.memberId)
  ensureOwnBinding(core)
  if (core.blsBindings.isConflicting(joinerHex)) return { refusal: 'conflict' }
  const held = core.blsBindings.member(joinerHex) ?? core.blsBindings.pending(joinerHex)
  if (held !== undefined && toHex(held.binding) !== toHex(binding)) return { refusal: 'conflict' }
  if (core.blsBindings.keyOwner(verdict.publicKey, joinerHex) !== undefined) return { refusal: 'key-taken' }
  return { entry: { joinerHex, binding, publicKey: verdict.publicKey } }
}

/**
 * A join proposal we opened or received: check its binding and, when it is
 * acceptable, keep it until the join is committed ({@link settleBindings}).
 * A second, different valid binding for the same joiner marks it
 * conflicting (adopted by nobody). Returns the refusal, if any: our vote on
 * the join is then NO.
 */
export function noteJoinBinding(core: AggregationComponents, request: ConversationUpdateRequest | undefined): JoinBindingRefusal | undefined {
  const { refusal, entry } = checkJoinBinding(core, request)
  if (refusal === 'conflict' && request?.memberInvite !== undefined) {
    const binding = request.memberInvite.demlsBlsBinding?.keyBinding
    const aggregation = aggregationOf(core)
    const verdict = binding === undefined || aggregation === undefined ? undefined : verifyCached(core, aggregation, binding, request.memberInvite.memberId)
    if (binding !== undefined && verdict?.ok === true) core.blsBindings.offerPending(toHex(request.memberInvite.memberId), { binding, publicKey: verdict.publicKey })
  }
  if (entry === undefined) return refusal
  core.blsBindings.offerPending(entry.joinerHex, { binding: entry.binding, publicKey: entry.publicKey })
  return undefined
}

/**
 * After every merge: the bindings of the joins the commit applied come
 * from the approved requests (`approved`, the group's decided payloads, so
 * every member that holds them adopts the same binding even when a joiner
 * signed two); other members take their pending binding; former members'
 * go back to pending. A binding whose key another member holds is never
 * adopted (the key list would refuse it).
 */
export function settleBindings(core: AggregationComponents, approved: readonly ConversationUpdateRequest[] = []): void {
  const aggregation = aggregationOf(core)
  if (aggregation === undefined) return
  ensureOwnBinding(core)
  const members = core.memberSet()
  for (const r of approved) {
    const invite = r.payload === 'memberInvite' ? r.memberInvite : undefined
    const binding = invite?.demlsBlsBinding?.keyBinding
    if (invite === undefined || binding === undefined || binding.length === 0 || binding.length > aggregation.maxBindingBytes) continue
    const hex = toHex(invite.memberId)
    if (!members.has(hex)) continue
    const verdict = verifyCached(core, aggregation, binding, invite.memberId)
    if (!verdict.ok) continue
    const owner = core.blsBindings.keyOwner(verdict.publicKey, hex)
    if (owner !== undefined && members.has(owner) && core.blsBindings.member(owner) !== undefined) continue
    core.blsBindings.setMember(hex, { binding, publicKey: verdict.publicKey })
  }
  core.blsBindings.settle(members)
}

/** The members' bindings a committing steward puts in the Welcome's sync (none in a group that does not aggregate). */
export function bindingsForSync(core: AggregationComponents): Uint8Array[] {
  if (aggregationOf(core) === undefined) return []
  ensureOwnBinding(core)
  const out: Uint8Array[] = []
  for (const m of [...core.memberSet()].sort()) {
    const e = core.blsBindings.member(m)
    if (e !== undefined) out.push(e.binding)
  }
  return out
}

/**
 * A joiner takes the members' bindings from the Welcome's sync: each is
 * verified by the plug-in (all together when it offers `verifyBindings`,
 * the same verdicts for less) and kept only for a current member it names (at
 * most one per member, at most as many as members; the rest is ignored).
 * Returns how many were refused.
 */
export function adoptSyncedBindings(core: AggregationComponents, sync: Pick<ConversationSync, 'demlsBlsBindings'>): number {
  const aggregation = aggregationOf(core)
  if (aggregation === undefined) return 0
  ensureOwnBinding(core)
  const members = core.memberSet()
  const offered = sync.demlsBlsBindings.slice(0, members.size)
  // Checked together when the plug-in can (a batch of pairings), each alone otherwise; oversized ones not at all.
  const sized = offered.filter((b) => b.length <= aggregation.maxBindingBytes)
  const checked = aggregation.verifyBindings?.(sized) ?? sized.map((b) => aggregation.verifyBinding(b))
  let next = 0
  let refused = 0
  for (const binding of offered) {
    const verdict = binding.length > aggregation.maxBindingBytes ? undefined : checked[next++]
    const hex = verdict?.ok === true ? toHex(verdict.memberId) : undefined
    if (verdict?.ok !== true || hex === undefined || !members.has(hex) || core.blsBindings.member(hex) !== undefined) {
      refused++
      continue
    }
    if (core.blsBindings.keyOwner(verdict.publicKey, hex) !== undefined) {
      refused++
      continue
    }
    core.blsBindings.setMember(hex, { binding, publicKey: verdict.publicKey })
  }
  warmAggregationKeys(core)
  return refused
}

/**
 * The epoch's ordered aggregation key list: the members in ascending
 * member-id order (the bitmap order of a proof), each with its binding's
 * key. `missing` names the members whose binding we do not hold (then no
 * list: a proof over this epoch cannot be checked here).
 *
 * @example
 * ```ts
 * import type { AggregationKeyList, ConversationHandle } from '@demls/session'
 * declare const chat: ConversationHandle
 * const list: AggregationKeyList = chat.conversation.aggregationKeys()
 * if (list.ok) console.log(`${list.keys.size} members' keys, in member-id order`)
 * else console.log('no key list:', list.reason)
 * ```
 */
export type AggregationKeyList =
  | { ok: true; members: Uint8Array[]; publicKeys: Uint8Array[]; keys: AggregationMemberKeys }
  | { ok: false; reason: 'not-aggregating' }
  | { ok: false; reason: 'missing'; missing: Uint8Array[] }
  | { ok: false; reason: 'invalid-list'; error: Error }

const previousLists = new WeakMap<BlsBindingBook, AggregationMemberKeys>()

/**
 * Parse the keys of the epoch's members now, once: the list is kept, so
 * the next proof's check (the hot path of a membership change) parses
 * none, and a membership change later parses only its joiners' keys.
 * Called where the member set changes (a merged commit, a Welcome) and
 * where the state is restored; a no-op in a group that does not aggregate
 * or while a member's binding is missing (the proof's check then builds
 * the list when the binding arrives).
 */
export function warmAggregationKeys(core: AggregationComponents): void {
  if (aggregationOf(core) !== undefined) orderedAggregationKeys(core)
}

/**
 * Build the epoch's ordered key list ({@link AggregationKeyList}); the
 * previous list is reused so only changed keys are parsed.
 */
export function orderedAggregationKeys(core: AggregationComponents): AggregationKeyList {
  const aggregation = aggregationOf(core)
  if (aggregation === undefined) return { ok: false, reason: 'not-aggregating' }
  ensureOwnBinding(core)
  // Every vote an aggregator collects and every proof a member checks asks for the list: build it once per member set and bindings.
  const memberSet = core.memberSet()
  const held = builtLists.get(core.blsBindings)
  if (held !== undefined && held.memberSet === memberSet && held.size === memberSet.size && held.version === core.blsBindings.version && held.aggregation === aggregation) return held.list
  const list = buildAggregationKeys(core, aggregation, memberSet)
  builtLists.set(core.blsBindings, { memberSet, size: memberSet.size, version: core.blsBindings.version, aggregation, list })
  return list
}

/** The last list built per book, and what it was built from (the member set object is the epoch's: a new one per epoch and MLS instance). */
const builtLists = new WeakMap<BlsBindingBook, { memberSet: ReadonlySet<string>; size: number; version: number; aggregation: ConsensusAggregation; list: AggregationKeyList }>()

function buildAggregationKeys(
  core: AggregationComponents,
  aggregation: ConsensusAggregation,
  memberSet: ReadonlySet<string>,
  bindingOf: (memberHex: string) => { publicKey: Uint8Array } | undefined = (m) => core.blsBindings.member(m),
  keep = true,
): AggregationKeyList {
  const order = [...memberSet].sort()
  const missing = order.filter((m) => bindingOf(m) === undefined)
  if (missing.length > 0) return { ok: false, reason: 'missing', missing: missing.map((m) => fromHex(m)) }
  const publicKeys = order.map((m) => bindingOf(m)!.publicKey)
  try {
    const keys = aggregation.memberKeys(publicKeys, previousLists.get(core.blsBindings))
    if (keep) previousLists.set(core.blsBindings, keys)
    return { ok: true, members: order.map((m) => fromHex(m)), publicKeys, keys }
  } catch (error) {
    return { ok: false, reason: 'invalid-list', error: error as Error }
  }
}

/**
 * The ordered key list of any member set `members` (hex ids): the
 * epoch's list ({@link orderedAggregationKeys}) when `members` are the
 * current members, else one built (not kept) from the bindings we hold for
 * them, a former member's too (its binding went back to pending when it
 * left). What a member checks an aggregate certificate against when the
 * commit leaves an epoch that is not its own (a fork switch).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { aggregationKeysFor } from '../voting/aggregation.js'
 * declare const core: ConversationCore
 * declare const membersBefore: ReadonlySet<string> // the members of the epoch a commit leaves
 * const list = aggregationKeysFor(core, membersBefore)
 * if (!list.ok) console.log('a proof over that epoch cannot be checked here:', list.reason)
 * ```
 */
export function aggregationKeysFor(core: AggregationComponents, members: ReadonlySet<string>): AggregationKeyList {
  const aggregation = aggregationOf(core)
  if (aggregation === undefined) return { ok: false, reason: 'not-aggregating' }
  const current = core.memberSet()
  if (members === current || (members.size === current.size && [...members].every((m) => current.has(m)))) return orderedAggregationKeys(core)
  ensureOwnBinding(core)
  return buildAggregationKeys(core, aggregation, members, (m) => core.blsBindings.member(m) ?? core.blsBindings.pending(m), false)
}
