import { type ConversationUpdateRequest, DemlsAdmission, JoinRejectReason, type Proposal, toHex } from '@demls/wire'
import type { AdmissionPolicy } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { type InviteLinkVerdict, type LinkJudgeComponents, inviteLinkVerdict } from '../join/invite-link.js'
import { decodeRequest } from '../rules/targets.js'

/**
 * What the admission rules read: the policy, the invitations we hold, the
 * votes the consensus service holds, and the MLS membership.
 *
 * @example
 * ```ts
 * import { resolveConfig } from '../core/config.js'
 * import { InvitationBook } from '../state/invitations.js'
 * import type { AdmissionComponents } from '../voting/admission.js'
 * const admission: AdmissionComponents = {
 *   id: 'chat',
 *   config: resolveConfig({ admission: 'invite' }),
 *   invitations: new InvitationBook(),
 *   consensus: { getSession: () => undefined },
 *   isMemberHex: () => true,
 * }
 * ```
 */
export interface AdmissionComponents {
  readonly id: string
  readonly config: Pick<ConversationCore['config'], 'admission'>
  readonly invitations: Pick<ConversationCore['invitations'], 'vouches'>
  readonly consensus: Pick<ConversationCore['consensus'], 'getSession'>
  isMemberHex(hex: string): boolean
  /** Invite links (see `join/invite-link.ts`); without them (a test's slices) no link join is admitted. */
  readonly inviteLinks?: LinkJudgeComponents['inviteLinks']
  readonly plugins?: LinkJudgeComponents['plugins']
  readonly voting?: LinkJudgeComponents['voting']
  readonly queues?: LinkJudgeComponents['queues']
}

/** The slices of a link join's verdict, when `core` has them. */
function linkSlices(core: AdmissionComponents): LinkJudgeComponents | undefined {
  const { inviteLinks, plugins, voting, queues } = core
  if (inviteLinks === undefined || plugins === undefined || voting === undefined || queues === undefined) return undefined
  return { id: core.id, isMemberHex: (hex) => core.isMemberHex(hex), consensus: core.consensus, inviteLinks, plugins, voting, queues }
}

/** Our verdict on the invite link proposal `proposalId`'s join proves, or `undefined` when it proves none (`inviteLinkVerdict`). */
function linkVerdictOf(core: AdmissionComponents, proposalId: number, now: number): InviteLinkVerdict | undefined {
  const slices = linkSlices(core)
  if (slices === undefined) return undefined
  let request = slices.voting.requests.get(proposalId)
  if (request === undefined) {
    const payload = core.consensus.getSession(core.id, proposalId)?.proposal.payload
    request = payload === undefined ? undefined : decodeRequest(payload)
  }
  return inviteLinkVerdict(slices, proposalId, request, now)
}

/**
 * Admission by invitation (beyond the reference; see `AdmissionPolicy`).
 * Under `'invite'` a join proposal counts silent voters as NO and each
 * member's automatic vote on it is its own judgement
 * ({@link judgeAdmission}), never the proposer's flag.
 */

/** The joiner of a join (MemberInvite) request, if it is one. */
export function joinerOf(request: ConversationUpdateRequest | undefined): Uint8Array | undefined {
  return request?.payload === 'memberInvite' ? request.memberInvite?.memberId : undefined
}

/** Whether joins of this conversation need a member's vouch. */
export function invitesRequired(core: Pick<AdmissionComponents, 'config'>): boolean {
  return core.config.admission === 'invite'
}

/** The member a removal (RemoveMember) request removes, if it is one. */
export function removedOf(request: ConversationUpdateRequest | undefined): Uint8Array | undefined {
  return request?.payload === 'removeMember' ? request.removeMember?.memberId : undefined
}

/**
 * The liveness flag of a proposal we open: under `'invite'` (a closed
 * group) silence never changes the membership, so a join or a removal
 * counts silent voters as NO.
 */
export function proposalLiveness(core: AdmissionComponents, request: ConversationUpdateRequest, configured: boolean): boolean {
  return invitesRequired(core) && (joinerOf(request) !== undefined || removedOf(request) !== undefined) ? false : configured
}

/**
 * Why a received membership proposal is refused under `'invite'`: one that
 * counts silent voters as YES (a timeout would admit an unvouched joiner,
 * or remove a member nobody but the proposer asked to remove). A member's
 * removal of itself (leaving) is always accepted. `undefined` when it is
 * acceptable.
 */
export function silentAdmissionRefusal(core: AdmissionComponents, proposal: Proposal, request: ConversationUpdateRequest | undefined): string | undefined {
  if (!invitesRequired(core) || !proposal.livenessCriteriaYes) return undefined
  if (joinerOf(request) !== undefined) return 'join proposal counts silent voters as YES under invite admission'
  const removed = removedOf(request)
  if (removed !== undefined && toHex(removed) !== toHex(proposal.proposalOwner)) {
    return 'removal counts silent voters as YES under invite admission'
  }
  return undefined
}

/**
 * Our automatic vote on the join of `joiner` (proposal `proposalId`) under
 * `'invite'`: YES only if a current member vouched for it, by an invitation
 * we hold that is still valid (ours included) or by a YES vote on this
 * proposal (an explicit YES, the proposer's bundled YES of `addMember`, or
 * another member's vote made on such a vouch), or if the join proves an
 * invite link that still admits (`inviteLinkVerdict`: signed by a member,
 * not expired or revoked, a use left). Otherwise NO.
 */
export function judgeAdmission(core: AdmissionComponents, proposalId: number, joiner: Uint8Array, now: number): boolean {
  const isMember = (hex: string) => core.isMemberHex(hex)
  if (core.invitations.vouches(toHex(joiner), now, isMember)) return true
  const votes = core.consensus.getSession(core.id, proposalId)?.proposal.votes ?? []
  if (votes.some((v) => v.vote && isMember(toHex(v.voteOwner)))) return true
  return linkVerdictOf(core, proposalId, now) === 'ok'
}

/** The wire reason of a link verdict other than `ok`. */
const LINK_REJECT_REASONS: Record<Exclude<InviteLinkVerdict, 'ok'>, JoinRejectReason> = {
  spent: JoinRejectReason.JOIN_REJECT_REASON_LINK_SPENT,
  expired: JoinRejectReason.JOIN_REJECT_REASON_LINK_EXPIRED,
  revoked: JoinRejectReason.JOIN_REJECT_REASON_LINK_REVOKED,
  invalid: JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID,
}

/**
 * Why the group refused the join of `joiner` (proposal `proposalId`), as we
 * tell the joiner in its REJECTED status: the group approved it, so its key
 * package expired before the commit; under `'invite'`, nobody vouched for
 * it in our view (no valid invitation we hold, no member's YES on the
 * proposal): not invited; otherwise the members voted NO. Unspecified when
 * we no longer hold the proposal's consensus session. A join that proves an
 * invite link the group refuses says why: the link is spent, expired,
 * revoked (or its creator left) or invalid.
 */
export function rejectionReason(core: AdmissionComponents, proposalId: number, joiner: Uint8Array, now: number): JoinRejectReason {
  const session = core.consensus.getSession(core.id, proposalId)
  if (session === undefined) return JoinRejectReason.JOIN_REJECT_REASON_UNSPECIFIED
  if (session.state === 'reached' && session.result === true) return JoinRejectReason.JOIN_REJECT_REASON_KEY_PACKAGE_EXPIRED
  if (invitesRequired(core) && !judgeAdmission(core, proposalId, joiner, now)) {
    const verdict = linkVerdictOf(core, proposalId, now)
    return verdict === undefined || verdict === 'ok' ? JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED : LINK_REJECT_REASONS[verdict]
  }
  return JoinRejectReason.JOIN_REJECT_REASON_VOTED_NO
}

/**
 * How we vote on a join we open: under `'invite'`, a deferred vote becomes
 * a bundled YES when a member vouched for the joiner in an invitation we
 * hold (members that joined after the invitation then see a YES at once).
 */
export function creatorVoteFor<V extends 'yes' | 'deferred'>(core: AdmissionComponents, request: ConversationUpdateRequest, vote: V, now: number): V | 'yes' {
  const joiner = joinerOf(request)
  if (vote !== 'deferred' || !invitesRequired(core) || joiner === undefined) return vote
  return core.invitations.vouches(toHex(joiner), now, (hex) => core.isMemberHex(hex)) ? 'yes' : vote
}

/** The wire value of a policy (`ConversationSync.demls_admission`). */
export function admissionToWire(policy: AdmissionPolicy): DemlsAdmission {
  return policy === 'open' ? DemlsAdmission.DEMLS_ADMISSION_OPEN : DemlsAdmission.DEMLS_ADMISSION_INVITE
}

/**
 * The policy a joiner takes from the group's sync: absent (a reference peer
 * or an older demls member, whose groups admit everyone) is `'open'`; an
 * unknown value is the stricter `'invite'`.
 */
export function admissionFromWire(value: DemlsAdmission): AdmissionPolicy {
  if (value === DemlsAdmission.DEMLS_ADMISSION_UNSPECIFIED || value === DemlsAdmission.DEMLS_ADMISSION_OPEN) return 'open'
  return 'invite'
}
