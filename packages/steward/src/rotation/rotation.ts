import { equalBytes } from '../bytes.js'
import { toEpoch } from '../generation/inputs.js'
import type { EpochAndBackup, Eligibility, EpochInput, MemberId, StewardList } from '../types.js'

const everyone: Eligibility = () => true

/**
 * Whether `epoch` is outside the list's span `[electionEpoch,
 * electionEpoch + length)`: before the election epoch, or at/after its end.
 * Only the list's length and election epoch are read, so any list with
 * those two (a rank list of `@demls/session/rules`) can be asked.
 *
 * @example
 * ```ts
 * import { createStewardList, isListExhausted } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 1n, members, conversationId: 'chat' })
 * if (isListExhausted(list, 100n)) console.log('time for an election')
 * ```
 */
export function isListExhausted(list: Pick<StewardList, 'electionEpoch'> & { readonly members: readonly unknown[] }, epoch: EpochInput): boolean {
  const e = toEpoch(epoch)
  if (e < list.electionEpoch) return true
  return e - list.electionEpoch >= BigInt(list.members.length)
}

function stewardFrom(
  list: StewardList,
  epoch: bigint,
  offset: number,
  eligible: Eligibility,
): MemberId | undefined {
  if (isListExhausted(list, epoch)) return undefined
  const len = list.members.length
  const start = (Number(epoch - list.electionEpoch) + offset) % len
  for (let step = 0; step < len; step++) {
    const candidate = list.members[(start + step) % len] as MemberId
    if (eligible(candidate)) return candidate
  }
  return undefined
}

/**
 * The steward serving `epoch`: slot `(epoch − electionEpoch) mod length`,
 * walking forward cyclically to the first member `eligible` accepts.
 * `undefined` when the list is exhausted at `epoch` or nobody is eligible.
 *
 * @example
 * ```ts
 * import { createStewardList, epochSteward, memberIdHex } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 1n, members, conversationId: 'chat' })
 * const steward = epochSteward(list, 2n)
 * console.log(steward && memberIdHex(steward))
 * ```
 */
export function epochSteward(
  list: StewardList,
  epoch: EpochInput,
  eligible: Eligibility = everyone,
): MemberId | undefined {
  return stewardFrom(list, toEpoch(epoch), 0, eligible)
}

/**
 * The epoch steward and its backup: the backup walk starts one slot after
 * the epoch's slot and skips the epoch steward and ineligible members.
 *
 * @example
 * ```ts
 * import { createStewardList, epochAndBackup } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 1n, members, conversationId: 'chat' })
 * const { epochSteward, backup } = epochAndBackup(list, 2n) // who commits epoch 2, who takes over
 * ```
 */
export function epochAndBackup(
  list: StewardList,
  epoch: EpochInput,
  eligible: Eligibility = everyone,
): EpochAndBackup {
  const e = toEpoch(epoch)
  const steward = stewardFrom(list, e, 0, eligible)
  const backup =
    steward === undefined
      ? undefined
      : stewardFrom(list, e, 1, (c) => !equalBytes(c, steward) && eligible(c))
  return { epochSteward: steward, backup }
}

/**
 * The member responsible for proposing the next election: the epoch
 * steward at the list's own election epoch, i.e. the first eligible
 * member walking from index 0.
 *
 * @example
 * ```ts
 * import { createStewardList, electionProposer } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 1n, members, conversationId: 'chat' })
 * const proposer = electionProposer(list, (id) => id[0] !== 1) // skip a member known to be offline
 * ```
 */
export function electionProposer(list: StewardList, eligible: Eligibility = everyone): MemberId | undefined {
  return stewardFrom(list, list.electionEpoch, 0, eligible)
}

/**
 * List members passing `eligible`, in rotation order (`ConversationSync.steward_members`).
 *
 * @example
 * ```ts
 * import { createStewardList, stewardMembers } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 1n, members, conversationId: 'chat' })
 * const eligible = stewardMembers(list, (id) => id[0] !== 2) // the list minus an excluded member
 * ```
 */
export function stewardMembers(list: StewardList, eligible: Eligibility = everyone): MemberId[] {
  return list.members.filter((m) => eligible(m))
}

/**
 * Whether `memberId` is on the list.
 *
 * @example
 * ```ts
 * import { createStewardList, listContains } from '@demls/steward'
 * const members = [1, 2, 3].map((n) => new Uint8Array(20).fill(n))
 * const list = createStewardList({ epoch: 1n, members, conversationId: 'chat' })
 * listContains(list, members[0]!) // whether member 1 is a steward
 * ```
 */
export function listContains(list: StewardList, memberId: MemberId): boolean {
  return list.members.some((m) => equalBytes(m, memberId))
}
