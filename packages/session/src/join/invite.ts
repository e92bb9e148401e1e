import type { ConsensusSigner } from '@demls/consensus'
import { bytesEqual, encodeMemberInvitation, type MemberInvitation, type MemberInvitationInit, toHex } from '@demls/wire'
import type { ConversationCore } from '../conversation/core.js'
import {
  INVITATION_ID_MAX_BYTES,
  INVITATION_LIFETIME_MS,
  INVITATION_SIGNATURE_MAX_BYTES,
} from '../state/invitations.js'
import { signedPayload } from './signing.js'

/**
 * What the invitation flow needs: our ids, the membership, the invitations
 * it keeps, the member key that signs and checks them, events, and the
 * encrypted send of our own.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../conversation/core.js'
 * import type { InviteComponents } from '../join/invite.js'
 * declare const core: ConversationCore
 * const slices: InviteComponents = core // or plain objects with these members, in a test
 * ```
 */
export interface InviteComponents {
  readonly id: string
  readonly memberId: Uint8Array
  isMemberHex(hex: string): boolean
  readonly invitations: ConversationCore['invitations']
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'> }
  emit: ConversationCore['emit']
  sendEncrypted: ConversationCore['sendEncrypted']
}

/** Domain tag of invitation signatures. */
export const INVITATION_DOMAIN = 'demls/member-invitation/v1'
/** An invitation dated further ahead of our clock than this is refused. */
export const INVITATION_FUTURE_SKEW_MS = 60_000

/**
 * The bytes an invitation's signature covers: `demls/member-invitation/v1`
 * ‖ 0x00 ‖ SHA-256(conversation id ‖ 0x00 ‖ the invitation encoded with an
 * empty signature), so it cannot be replayed into another conversation.
 *
 * @example
 * ```ts
 * import { invitationSigningPayload } from '@demls/session'
 * declare const inviter: Uint8Array
 * declare const bobId: Uint8Array
 * const bytes = invitationSigningPayload('chat', { inviter, invitee: bobId, issuedAtMs: 1_700_000_000_000n })
 * ```
 */
export function invitationSigningPayload(conversationId: string, invitation: MemberInvitationInit): Uint8Array {
  return signedPayload(INVITATION_DOMAIN, conversationId, encodeMemberInvitation({ ...invitation, signature: null }))
}

/**
 * Sign an invitation of `invitee` to `conversationId` with a member's key:
 * `inviter` becomes the signer's identity (EIP-191 secp256k1 with the
 * default plug-ins).
 *
 * @example
 * ```ts
 * import { EthereumSigner } from '@demls/consensus'
 * import { signInvitation, verifyInvitation } from '@demls/session'
 * import { decodeMemberInvitation, encodeMemberInvitation } from '@demls/wire'
 * declare const aliceKey: Uint8Array
 * declare const bobId: Uint8Array
 * const inv = signInvitation(new EthereumSigner(aliceKey), 'chat', bobId, Date.now())
 * verifyInvitation(new EthereumSigner(aliceKey), 'chat', decodeMemberInvitation(encodeMemberInvitation(inv))) // true
 * ```
 */
export function signInvitation(
  signer: Pick<ConsensusSigner, 'identity' | 'sign'>,
  conversationId: string,
  invitee: Uint8Array,
  issuedAtMs: number,
): MemberInvitationInit {
  const unsigned: MemberInvitationInit = { inviter: signer.identity, invitee, issuedAtMs: BigInt(Math.max(0, Math.floor(issuedAtMs))) }
  return { ...unsigned, signature: signer.sign(invitationSigningPayload(conversationId, unsigned)) }
}

/**
 * Whether an invitation carries a signature by its `inviter`. Never throws.
 *
 * @example
 * ```ts
 * import { EthereumSigner } from '@demls/consensus'
 * import { verifyInvitation } from '@demls/session'
 * import type { MemberInvitation } from '@demls/wire'
 * declare const anyKey: Uint8Array
 * declare const received: MemberInvitation
 * if (!verifyInvitation(new EthereumSigner(anyKey), 'chat', received)) console.log('forged invitation')
 * ```
 */
export function verifyInvitation(verifier: Pick<ConsensusSigner, 'verify'>, conversationId: string, invitation: MemberInvitation): boolean {
  if (invitation.signature.length === 0) return false
  try {
    return verifier.verify(invitation.inviter, invitationSigningPayload(conversationId, invitation), invitation.signature)
  } catch {
    return false
  }
}

/**
 * Why a received invitation is refused, or `undefined` when it is valid:
 * sent by its inviter (MLS-authenticated), a current member; well-formed
 * and bounded; issued within the lifetime and not ahead of our clock; and
 * signed by the inviter for this conversation.
 */
export function invitationRefusal(core: InviteComponents, invitation: MemberInvitation, sender: Uint8Array, now: number): string | undefined {
  const { inviter, invitee, signature } = invitation
  if (inviter.length === 0 || inviter.length > INVITATION_ID_MAX_BYTES || invitee.length === 0 || invitee.length > INVITATION_ID_MAX_BYTES) {
    return 'malformed invitation'
  }
  if (signature.length > INVITATION_SIGNATURE_MAX_BYTES) return 'invitation signature too long'
  if (!bytesEqual(inviter, sender)) return 'invitation not sent by its inviter'
  if (!core.isMemberHex(toHex(inviter))) return 'invitation by a non-member'
  const issued = Number(invitation.issuedAtMs)
  if (issued > now + INVITATION_FUTURE_SKEW_MS) return 'invitation dated in the future'
  if (issued + INVITATION_LIFETIME_MS <= now) return 'invitation expired'
  if (!verifyInvitation(core.plugins.consensus.signer, core.id, invitation)) return 'invitation with a bad signature'
  return undefined
}

/** An invitation arrived encrypted from `sender`: keep it if valid (an `invite` event), else a typed drop. */
export function onInvitation(core: InviteComponents, invitation: MemberInvitation, sender: Uint8Array, now: number): void {
  const refusal = invitationRefusal(core, invitation, sender, now)
  if (refusal !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-invite', detail: refusal })
    return
  }
  const expiresAt = Number(invitation.issuedAtMs) + INVITATION_LIFETIME_MS
  if (!core.invitations.add(invitation, expiresAt)) {
    core.emit({ type: 'dropped', reason: 'duplicate', detail: 'invitation' })
    return
  }
  core.emit({ type: 'invite', inviter: invitation.inviter, invitee: invitation.invitee, expiresAt })
}

/** Invitations a committing steward sends a joiner in the sync at most (the newest). */
export const SYNCED_INVITATIONS_MAX = 64

/** The invitations for a joiner's sync: the newest we hold that are still valid at `now`. */
export function invitationsForSync(core: Pick<InviteComponents, 'invitations' | 'isMemberHex'>, now: number): MemberInvitation[] {
  core.invitations.prune(now)
  return core.invitations
    .all()
    .filter((h) => core.isMemberHex(toHex(h.invitation.inviter)))
    .slice(-SYNCED_INVITATIONS_MAX)
    .map((h) => h.invitation)
}

/**
 * A joiner takes the invitations its sync carried, each checked as if its
 * inviter had sent it (a bad one is a typed drop, never kept).
 */
export function adoptSyncedInvitations(core: InviteComponents, invitations: readonly MemberInvitation[], now: number): void {
  for (const invitation of invitations.slice(0, SYNCED_INVITATIONS_MAX)) {
    const refusal = invitationRefusal(core, invitation, invitation.inviter, now)
    if (refusal !== undefined) {
      core.emit({ type: 'dropped', reason: 'invalid-invite', detail: `synced: ${refusal}` })
      continue
    }
    core.invitations.add(invitation, Number(invitation.issuedAtMs) + INVITATION_LIFETIME_MS)
  }
}

/**
 * Vouch for `invitee`: sign an invitation, keep it (we vote YES on its
 * join) and send it encrypted to the group. Returns when it stops
 * vouching (ms).
 */
export async function sendInvitation(core: InviteComponents, invitee: Uint8Array, now: number): Promise<number> {
  const init = signInvitation(core.plugins.consensus.signer, core.id, invitee, now)
  const invitation: MemberInvitation = {
    inviter: core.memberId,
    invitee: invitee.slice(),
    issuedAtMs: BigInt(init.issuedAtMs as bigint),
    signature: init.signature as Uint8Array,
  }
  const expiresAt = Number(invitation.issuedAtMs) + INVITATION_LIFETIME_MS
  core.invitations.add(invitation, expiresAt)
  await core.sendEncrypted({ demlsControl: { invitation: init } })
  core.emit({ type: 'invite', inviter: invitation.inviter, invitee: invitation.invitee, expiresAt })
  return expiresAt
}
