import type { ConversationUpdateRequest } from '@demls/wire'
import { toHex } from '../util/bytes.js'

/** What an add/remove request does to its member. */
export type TargetAction = 'add' | 'remove'

/** The member an add/remove request targets, and what it does to it. */
export interface Target {
  readonly action: TargetAction
  /** Member id (20 bytes). */
  readonly member: Uint8Array
}

/** The target of an add/remove request, or undefined for any other request. */
export function targetOf(request: ConversationUpdateRequest): Target | undefined {
  if (request.payload === 'memberInvite' && request.memberInvite) return { action: 'add', member: request.memberInvite.memberId }
  if (request.payload === 'removeMember' && request.removeMember) return { action: 'remove', member: request.removeMember.memberId }
  return undefined
}

/**
 * A target as a map key (`add:<hex>` / `remove:<hex>`). Only ever compared,
 * never parsed back: use {@link targetOf} for the parts.
 */
export function keyOfTarget(target: Target): string {
  return `${target.action}:${toHex(target.member)}`
}

/** The map key of an add/remove request's target ({@link keyOfTarget}), or undefined. */
export function targetKey(request: ConversationUpdateRequest): string | undefined {
  const t = targetOf(request)
  return t === undefined ? undefined : keyOfTarget(t)
}

/** The member id an add/remove request targets. */
export function targetMemberId(request: ConversationUpdateRequest): Uint8Array | undefined {
  return targetOf(request)?.member
}

/**
 * Whether the membership already satisfies a target: an add of a member or
 * a removal of a non-member (nothing left to commit).
 *
 * @param isMember - membership by hex member id
 */
export function targetSatisfied(target: Target, isMember: (memberIdHex: string) => boolean): boolean {
  return (target.action === 'add') === isMember(toHex(target.member))
}
