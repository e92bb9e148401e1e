import { type ConversationUpdateRequest, type Proposal, bytesEqual, decodeConversationUpdateRequest } from '@demls/wire'
import { toHex } from '../util/bytes.js'

/**
 * What an add/remove request does to its member.
 *
 * @example
 * ```ts
 * import { type TargetAction, targetOf } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * declare const request: ConversationUpdateRequest
 * const action: TargetAction | undefined = targetOf(request)?.action
 * ```
 */
export type TargetAction = 'add' | 'remove'

/**
 * The member an add/remove request targets, and what it does to it.
 *
 * @example
 * ```ts
 * import { type Target, keyOfTarget, targetSatisfied } from '@demls/session/rules'
 * const target: Target = { action: 'remove', member: new Uint8Array(20).fill(2) }
 * targetSatisfied(target, () => false) // true: bob is no longer a member
 * console.log(keyOfTarget(target))
 * ```
 */
export interface Target {
  readonly action: TargetAction
  /** Member id (20 bytes). */
  readonly member: Uint8Array
}

/**
 * The target of an add/remove request, or undefined for any other request.
 *
 * @example
 * ```ts
 * import { targetOf } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * const target = targetOf(request) // { action: 'remove', member: … }
 * ```
 */
export function targetOf(request: ConversationUpdateRequest): Target | undefined {
  if (request.payload === 'memberInvite' && request.memberInvite) return { action: 'add', member: request.memberInvite.memberId }
  if (request.payload === 'removeMember' && request.removeMember) return { action: 'remove', member: request.removeMember.memberId }
  return undefined
}

/**
 * A target as a map key (`add:<hex>` / `remove:<hex>`). Only ever compared,
 * never parsed back: use {@link targetOf} for the parts.
 *
 * @example
 * ```ts
 * import { keyOfTarget } from '@demls/session/rules'
 * keyOfTarget({ action: 'add', member: new Uint8Array(20).fill(3) }) // a map key: one proposal per target
 * ```
 */
export function keyOfTarget(target: Target): string {
  return `${target.action}:${toHex(target.member)}`
}

/**
 * The map key of an add/remove request's target ({@link keyOfTarget}), or undefined.
 *
 * @example
 * ```ts
 * import { targetKey } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * targetKey(request) // the same key as keyOfTarget(targetOf(request))
 * ```
 */
export function targetKey(request: ConversationUpdateRequest): string | undefined {
  const t = targetOf(request)
  return t === undefined ? undefined : keyOfTarget(t)
}

/**
 * The member id an add/remove request targets.
 *
 * @example
 * ```ts
 * import { targetMemberId } from '@demls/session/rules'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * const request: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20).fill(2) } }
 * targetMemberId(request) // the 20-byte id of the member to remove
 * ```
 */
export function targetMemberId(request: ConversationUpdateRequest): Uint8Array | undefined {
  return targetOf(request)?.member
}

/**
 * Whether the membership already satisfies a target: an add of a member or
 * a removal of a non-member (nothing left to commit).
 *
 * @param isMember - membership by hex member id
 *
 * @example
 * ```ts
 * import { targetSatisfied } from '@demls/session/rules'
 * import { toHex } from '@demls/wire'
 * const members = new Set([toHex(new Uint8Array(20).fill(3))])
 * targetSatisfied({ action: 'add', member: new Uint8Array(20).fill(3) }, (hex) => members.has(hex)) // true: already added
 * ```
 */
export function targetSatisfied(target: Target, isMember: (memberIdHex: string) => boolean): boolean {
  return (target.action === 'add') === isMember(toHex(target.member))
}

/**
 * Decode a consensus proposal's payload; `undefined` when it is not a
 * `ConversationUpdateRequest` with a payload. Never throws.
 *
 * @example
 * ```ts
 * import { decodeRequest, targetKey } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * const request = decodeRequest(proposal.payload)
 * const key = request === undefined ? undefined : targetKey(request) // e.g. 'add:<hex>'
 * ```
 */
export function decodeRequest(payload: Uint8Array): ConversationUpdateRequest | undefined {
  try {
    const r = decodeConversationUpdateRequest(payload)
    return r.payload === undefined ? undefined : r
  } catch {
    return undefined
  }
}

/**
 * Whether `proposal`, as sent by `sender`, is a self-leave: a removal of
 * its own owner, for one voter, sent by that owner (the reference's
 * self-leave: `Conversation.leave`). Such a proposal needs no vote but its
 * owner's YES, and that YES with its binding is a certificate every member
 * checks alone, so it means the same whichever epoch framed it: a member
 * that merged a commit while the leave was in flight takes it from the
 * epoch it just left. Never throws.
 *
 * @param sender - the MLS-authenticated sender of the message that carried it
 *
 * @example
 * ```ts
 * import { isSelfLeave } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * declare const sender: Uint8Array // who sent it (MLS-authenticated)
 * if (isSelfLeave(proposal, sender)) console.log('a member leaves; its own YES decides it')
 * ```
 */
export function isSelfLeave(proposal: Pick<Proposal, 'expectedVotersCount' | 'proposalOwner' | 'payload'>, sender: Uint8Array): boolean {
  if (proposal.expectedVotersCount !== 1 || !bytesEqual(proposal.proposalOwner, sender)) return false
  const request = decodeRequest(proposal.payload)
  const target = request?.payload === 'removeMember' ? request.removeMember?.memberId : undefined
  return target !== undefined && bytesEqual(target, sender)
}
