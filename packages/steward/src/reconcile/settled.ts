import { memberIdHex } from '../bytes.js'
import { computeListSize } from '../config/config.js'
import { toEpoch } from '../generation/inputs.js'
import { isListExhausted } from '../rotation/rotation.js'
import type { EpochInput, MemberId, StewardList, StewardListConfig } from '../types.js'

/**
 * Where a member's join epoch is recorded: a function, or a map keyed by
 * the member id's lowercase hex ({@link memberIdHex}). `undefined` means
 * "never recorded" (e.g. the creator).
 *
 * @example
 * ```ts
 * import { type JoinEpochLookup, memberIdHex, settledMembers } from '@demls/steward'
 * const [alice, bob] = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const joinEpochs: JoinEpochLookup = new Map([[memberIdHex(alice!), 1n], [memberIdHex(bob!), 9n]])
 * settledMembers([alice!, bob!], joinEpochs, 10n) // [alice]: bob joined too recently
 * ```
 */
export type JoinEpochLookup =
  | ((memberId: MemberId) => EpochInput | undefined)
  | ReadonlyMap<string, EpochInput>

function lookup(joinEpochs: JoinEpochLookup, id: MemberId): EpochInput | undefined {
  return typeof joinEpochs === 'function' ? joinEpochs(id) : joinEpochs.get(memberIdHex(id))
}

/**
 * Members who may serve as stewards at `currentEpoch`: those whose recorded
 * join epoch is strictly below it. Members without a recorded join epoch
 * count as settled. Keeps the input order.
 *
 * @example
 * ```ts
 * import { settledMembers } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const settled = settledMembers(members, (id) => (id[0] === 3 ? 10n : 0n), 10n) // member 3 joined at epoch 10
 * ```
 */
export function settledMembers(
  members: readonly MemberId[],
  joinEpochs: JoinEpochLookup,
  currentEpoch: EpochInput,
): MemberId[] {
  const now = toEpoch(currentEpoch)
  return members.filter((m) => {
    const joined = lookup(joinEpochs, m)
    return joined === undefined || toEpoch(joined) < now
  })
}

/**
 * What to do with the steward list after an epoch advance (see {@link decideReconcile}).
 *
 * @example
 * ```ts
 * import { type ReconcileDecision, StewardListService } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const svc = new StewardListService({ conversationId: 'chat' })
 * const decision: ReconcileDecision = svc.reconcile(5n, members, () => 0n)
 * if (decision.kind === 'install') svc.installList(5n, decision.pool, decision.size)
 * ```
 */
export type ReconcileDecision =
  /** The list still covers the epoch (or no list is installed): nothing to do. */
  | { kind: 'keep' }
  /** Install locally, without a vote, over `pool` with `size` and retry round 0. */
  | { kind: 'install'; pool: MemberId[]; size: number; retryRound: 0 }
  /** More settled members than `snMax`: run a voted election over `pool`. */
  | { kind: 'needs-election'; pool: MemberId[] }

/**
 * Inputs of {@link decideReconcile}.
 *
 * @example
 * ```ts
 * import { DEFAULT_STEWARD_LIST_CONFIG, type ReconcileInit, decideReconcile } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const init: ReconcileInit = { list: undefined, config: DEFAULT_STEWARD_LIST_CONFIG, epoch: 3n, members, joinEpochs: () => 0n }
 * console.log(decideReconcile(init).kind) // 'install' | 'keep' | 'needs-election'
 * ```
 */
export interface ReconcileInit {
  /** The installed list, if any. */
  list: StewardList | undefined
  /** Size bounds of the conversation. */
  config: StewardListConfig
  /** The current MLS epoch (after the merged commit). */
  epoch: EpochInput
  /** Current MLS members. */
  members: readonly MemberId[]
  /** Recorded join epochs. */
  joinEpochs: JoinEpochLookup
}

/**
 * The settled-members rule of `reconcile_steward_list`: if the installed
 * list still covers `epoch` (or there is none) keep it; otherwise, if the
 * settled members number at most `snMax`, install them locally with
 * `size = computeListSize(count)` and retry round 0; otherwise an election
 * is needed. (An empty settled set yields `install` with an empty pool,
 * which installing rejects with `EmptyMembersListError`, as the reference.)
 *
 * @example
 * ```ts
 * import { DEFAULT_STEWARD_LIST_CONFIG, decideReconcile } from '@demls/steward'
 * const members = [1, 2].map((n) => new Uint8Array(20).fill(n))
 * const decision = decideReconcile({ list: undefined, config: DEFAULT_STEWARD_LIST_CONFIG, epoch: 1n, members, joinEpochs: () => 0n })
 * ```
 */
export function decideReconcile(init: ReconcileInit): ReconcileDecision {
  if (init.list === undefined || !isListExhausted(init.list, init.epoch)) return { kind: 'keep' }
  const pool = settledMembers(init.members, init.joinEpochs, init.epoch)
  if (pool.length > init.config.snMax) return { kind: 'needs-election', pool }
  return { kind: 'install', pool, size: computeListSize(init.config, pool.length), retryRound: 0 }
}
