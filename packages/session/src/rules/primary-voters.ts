import { requiredVotes } from '@demls/consensus'
import { toHex } from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { type MemberIds, includesMember, isAmongClosest, memberCount } from './closest-members.js'

/** Domain tag of {@link primaryVoterTarget}. */
const TARGET_DOMAIN = 'demls/primary-voters/v1'

/**
 * How many voters beyond the quorum gate (`requiredVotes` of
 * `@demls/consensus`: what the default rule needs before it can decide
 * ahead of the timeout) vote at once
 * ({@link primaryVoterCount}): slack for a few primaries being offline,
 * slow or having lost the proposal. 3, or one in twenty in larger groups.
 *
 * @example
 * ```ts
 * import { primaryVoterMargin } from '@demls/session/rules'
 * primaryVoterMargin(50) // 3
 * primaryVoterMargin(1000) // 50
 * ```
 */
export function primaryVoterMargin(expectedVoters: number): number {
  return Math.max(3, Math.ceil(expectedVoters / 20))
}

/**
 * How many of a proposal's `expectedVoters` (its owner included) vote as
 * soon as their voting delay ends: the quorum gate (`requiredVotes`) plus
 * {@link primaryVoterMargin}, at most all of them.
 *
 * @example
 * ```ts
 * import { primaryVoterCount } from '@demls/session/rules'
 * primaryVoterCount(10) // 10: every member votes
 * primaryVoterCount(50) // 37
 * primaryVoterCount(100) // 72
 * ```
 */
export function primaryVoterCount(expectedVoters: number): number {
  return Math.min(expectedVoters, requiredVotes(expectedVoters) + primaryVoterMargin(expectedVoters))
}

/**
 * The hash the primaries of a proposal are picked by (XOR distance,
 * `isAmongClosest`): SHA-256 of `"demls/primary-voters/v1" ‖ 0x00 ‖
 * proposal id (u32, big-endian) ‖ owner`, so each proposal picks another
 * set and the voting load spreads over the group.
 *
 * @example
 * ```ts
 * import { primaryVoterTarget } from '@demls/session/rules'
 * const target = primaryVoterTarget(7, new Uint8Array(20).fill(1)) // 32 bytes
 * ```
 */
export function primaryVoterTarget(proposalId: number, owner: Uint8Array): Uint8Array {
  const tag = new TextEncoder().encode(TARGET_DOMAIN)
  const buf = new Uint8Array(tag.length + 1 + 4 + owner.length)
  buf.set(tag, 0)
  new DataView(buf.buffer).setUint32(tag.length + 1, proposalId >>> 0)
  buf.set(owner, tag.length + 5)
  return sha256(buf)
}

/**
 * What {@link isReserveVoter} reads of a proposal.
 *
 * @example
 * ```ts
 * import type { ReserveVoterInput } from '@demls/session/rules'
 * const p: ReserveVoterInput = { proposalId: 7, proposalOwner: new Uint8Array(20).fill(1), expectedVotersCount: 30 }
 * ```
 */
export interface ReserveVoterInput {
  readonly proposalId: number
  readonly proposalOwner: Uint8Array
  readonly expectedVotersCount: number
}

/**
 * Whether `selfHex` is a reserve voter of a proposal (beyond the
 * reference): not its owner, and not one of the
 * `primaryVoterCount − 1` other members closest to
 * {@link primaryVoterTarget}. Under the default consensus rule a silent
 * voter weighs as the proposal's liveness value once the quorum gate is
 * passed (and at the timeout), so a voter whose choice *is* that value
 * changes no outcome by staying silent: it only helps the gate fill.
 * A reserve whose choice is the liveness value therefore waits, and votes
 * only if the proposal is still open when its wait ends (primaries
 * offline, votes lost, a tie that needs every vote); any voter whose
 * choice differs votes at once. In a group of n, about n/3 fewer votes
 * are sent, each of which every member would decrypt and verify.
 * Members that disagree on the member set only pick a few more or fewer
 * primaries. A non-member is never a reserve.
 *
 * @param members - current members, hex
 *
 * @example
 * ```ts
 * import { isReserveVoter } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * const ids = [...Array(30).keys()].map((n) => toHex(new Uint8Array(20).fill(n + 1)))
 * const p = { proposalId: 7, proposalOwner: new Uint8Array(20).fill(1), expectedVotersCount: 30 }
 * const reserves = ids.filter((id) => isReserveVoter(p, ids, id))
 * console.log(reserves.length) // 7: 30 members, 23 vote at once (quorum 20 + 3)
 * ```
 */
export function isReserveVoter(p: ReserveVoterInput, members: MemberIds, selfHex: string): boolean {
  const primaries = primaryVoterCount(p.expectedVotersCount)
  const ownerHex = toHex(p.proposalOwner)
  if (selfHex === ownerHex || primaries >= memberCount(members)) return false
  if (!includesMember(members, selfHex)) return false
  return !isAmongClosest(primaryVoterTarget(p.proposalId, p.proposalOwner), members, ownerHex, selfHex, primaries - 1)
}
