import { compareBytes } from '../bytes.js'
import { assertValidListSize, computeListSize, stewardListConfig } from '../config/config.js'
import { EmptyMembersListError } from '../errors.js'
import type {
  ConversationIdInput,
  EpochInput,
  GenerateStewardListInit,
  MemberId,
  StewardList,
  ValidateStewardListInit,
} from '../types.js'
import { conversationIdBytes, toEpoch, toRetryRound } from './inputs.js'
import { sortKeyPrefix, sortKeyWith } from './sort-key.js'

/**
 * The whole candidate pool in steward order: ascending steward sort key
 * (byte-lexicographic), ties broken by member id bytes. The input order
 * does not matter. Returns the same `Uint8Array` instances as the input.
 *
 * @example
 * ```ts
 * import { sortStewardCandidates } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const order = sortStewardCandidates(5n, 0, 'chat', members) // same order on every member
 * ```
 */
export function sortStewardCandidates(
  epoch: EpochInput,
  retryRound: number,
  conversationId: ConversationIdInput,
  members: readonly MemberId[],
): MemberId[] {
  const prefix = sortKeyPrefix(toEpoch(epoch), toRetryRound(retryRound))
  const conversation = conversationIdBytes(conversationId)
  // Members regenerate the same list many times at one epoch (every election check, every list they are shown):
  // the order of the last few inputs is kept, as positions in the input, so a repeat costs a copy of the ids, not a hash per member.
  const memo = memoKey(prefix, conversation, members)
  const held = orders.get(memo)
  if (held !== undefined) {
    orders.delete(memo)
    orders.set(memo, held)
    return held.map((i) => members[i] as MemberId)
  }
  const keyed = members.map((id, i) => ({ id, i, key: sortKeyWith(prefix, id, conversation) }))
  keyed.sort((a, b) => compareBytes(a.key, b.key) || compareBytes(a.id, b.id))
  orders.set(
    memo,
    keyed.map((k) => k.i),
  )
  if (orders.size > ORDERS_KEPT) orders.delete(orders.keys().next().value as string)
  return keyed.map((k) => k.id)
}

/**
 * The inputs of one ordering as a string (one char per byte, every length
 * written before its bytes): cheaper to build than hex, and unambiguous.
 */
function memoKey(prefix: Uint8Array, conversation: Uint8Array, members: readonly MemberId[]): string {
  let size = prefix.length + 4 + conversation.length
  for (const id of members) size += 4 + id.length
  const bytes = new Uint8Array(size)
  const view = new DataView(bytes.buffer)
  let at = 0
  const put = (b: Uint8Array, withLength: boolean) => {
    if (withLength) {
      view.setUint32(at, b.length)
      at += 4
    }
    bytes.set(b, at)
    at += b.length
  }
  put(prefix, false)
  put(conversation, true)
  for (const id of members) put(id, true)
  let key = ''
  for (let i = 0; i < size; i += 8192) key += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[])
  return key
}

/** How many candidate orders {@link sortStewardCandidates} keeps (least recently used out). */
const ORDERS_KEPT = 16
const orders = new Map<string, number[]>()

/**
 * Generate a steward list value: the first `size` candidates in steward
 * order, plus the epoch, seed and bounds it was generated with.
 *
 * @throws {EmptyMembersListError} when `members` is empty
 * @throws {InvalidConfigSizeError} on bad bounds or an out-of-range `size` ({@link InvalidListSizeError})
 * @throws {InvalidEpochError} / {@link InvalidRetryRoundError} on out-of-range inputs
 *
 * @example
 * ```ts
 * import { createStewardList, epochSteward } from '@demls/steward'
 * const members = [1, 2, 3, 4].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 10n, members, conversationId: 'chat', config: { snMin: 2, snMax: 3 } })
 * console.log(list.members.length, list.electionEpoch, epochSteward(list, 11n))
 * ```
 */
export function createStewardList(init: GenerateStewardListInit): StewardList {
  const config = stewardListConfig(init.config)
  const epoch = toEpoch(init.epoch)
  const retryRound = toRetryRound(init.retryRound)
  if (init.members.length === 0) throw new EmptyMembersListError()
  const size = init.size ?? computeListSize(config, init.members.length)
  assertValidListSize(config, size, init.members.length)
  const ordered = sortStewardCandidates(epoch, retryRound, init.conversationId, init.members)
  return Object.freeze({
    members: Object.freeze(ordered.slice(0, size).map((m) => m.slice())),
    config,
    electionEpoch: epoch,
    retryRound,
  })
}

/**
 * Deterministic steward list generation (de-MLS "Steward list creation"):
 * sort `members` by `SHA-256(epoch u64 BE ‖ retryRound u32 BE ‖ member id ‖
 * conversation id)` ascending, ties by member id, and keep the first
 * `size` — by default `min(snMax, n)`, or all `n` members when `n < snMin`.
 * The list serves epochs `[epoch, epoch + length)` in this order.
 *
 * @returns the stewards in rotation order (fresh copies of the ids)
 * @throws {EmptyMembersListError} when `members` is empty
 * @throws {InvalidConfigSizeError} on bad bounds or an out-of-range `size`
 *
 * @example
 * ```ts
 * import { generateStewardList } from '@demls/steward'
 *
 * const hex = (h: string) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16)))
 * const list = generateStewardList({
 *   epoch: 5n,
 *   retryRound: 0,
 *   members: [hex('f39fd6e51aad88f6f4ce6ab8827279cfffb92266'), hex('70997970c51812dc3a010c7d01b50e0d17dc79c8')],
 *   conversationId: 'chat',
 *   config: { snMin: 1, snMax: 2, allowSubsetCandidates: false },
 * })
 * console.log(list.length) // 2
 * ```
 */
export function generateStewardList(init: GenerateStewardListInit): MemberId[] {
  return [...createStewardList(init).members]
}

/**
 * Validate a proposed list by regenerating it from `pool` (reference
 * `StewardList::validate`): the size `proposed.length` must be legal for the
 * pool, and the first `proposed.length` pool members in steward order must
 * equal `proposed` element-wise.
 *
 * @throws {EmptyMembersListError} when `pool` is empty
 * @throws {InvalidConfigSizeError} when `proposed.length` is not a legal size for the pool (an empty `proposed` included)
 *
 * @example
 * ```ts
 * import { generateStewardList, validateStewardList } from '@demls/steward'
 * const pool = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const proposed = generateStewardList({ epoch: 4n, members: pool, conversationId: 'chat' })
 * validateStewardList({ proposed, epoch: 4n, pool, conversationId: 'chat' }) // true: a voter recomputes it
 * ```
 */
export function validateStewardList(init: ValidateStewardListInit): boolean {
  const config = stewardListConfig(init.config)
  const epoch = toEpoch(init.epoch)
  const retryRound = toRetryRound(init.retryRound)
  if (init.pool.length === 0) throw new EmptyMembersListError()
  assertValidListSize(config, init.proposed.length, init.pool.length)
  const ordered = sortStewardCandidates(epoch, retryRound, init.conversationId, init.pool)
  return init.proposed.every((want, i) => {
    const got = ordered[i]
    return got !== undefined && compareBytes(got, want) === 0
  })
}
