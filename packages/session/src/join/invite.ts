import type { ConsensusSigner } from '@demls/consensus'
import { type ConversationUpdateRequest, bytesEqual, encodeMemberInvitation, type MemberInvitation, type MemberInvitationInit, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { InvitationLimitError } from '../errors.js'
import {
  INVITATIONS_MAX,
  INVITATIONS_PER_INVITER,
  INVITATION_ID_MAX_BYTES,
  INVITATION_LIFETIME_MS,
  INVITATION_SIGNATURE_MAX_BYTES,
  type InvitationAddResult,
} from '../state/invitations.js'
import { signedPayload } from './signing.js'

/**
 * What the invitation flow needs: our ids, the membership, the invitations
 * it keeps, the member key that signs and checks them, events, and the
 * encrypted send of our own.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
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
 * sent (MLS-authenticated) by its inviter or relayed by another member (a
 * member holding it re-sends it when a join proposal lacks it); its inviter
 * a current member; well-formed and bounded; issued within the lifetime
 * and not ahead of our clock; and signed by the inviter for this
 * conversation. The signature is what vouches, whoever carries it.
 */
export function invitationRefusal(core: Pick<InviteComponents, 'id' | 'isMemberHex' | 'plugins'>, invitation: MemberInvitation, sender: Uint8Array, now: number): string | undefined {
  const { inviter, invitee, signature } = invitation
  if (inviter.length === 0 || inviter.length > INVITATION_ID_MAX_BYTES || invitee.length === 0 || invitee.length > INVITATION_ID_MAX_BYTES) {
    return 'malformed invitation'
  }
  if (signature.length > INVITATION_SIGNATURE_MAX_BYTES) return 'invitation signature too long'
  if (!bytesEqual(inviter, sender) && !core.isMemberHex(toHex(sender))) return 'invitation relayed by a non-member'
  if (!core.isMemberHex(toHex(inviter))) return 'invitation by a non-member'
  const issued = Number(invitation.issuedAtMs)
  if (issued > now + INVITATION_FUTURE_SKEW_MS) return 'invitation dated in the future'
  if (issued + INVITATION_LIFETIME_MS <= now) return 'invitation expired'
  if (!verifyInvitation(core.plugins.consensus.signer, core.id, invitation)) return 'invitation with a bad signature'
  return undefined
}

/**
 * The drop an invitation `InvitationBook.add` did not keep is
 * reported as, or `undefined` when it was kept. A refusal at a bound says
 * which: a member flooding invitations is refused past its own bound and
 * evicts nobody's.
 */
function notKept(result: InvitationAddResult, inviterHex: string): { reason: 'duplicate' | 'invitation-limit'; detail: string } | undefined {
  if (result === 'added') return undefined
  if (result === 'duplicate') return { reason: 'duplicate', detail: 'invitation' }
  return result === 'per-inviter'
    ? { reason: 'invitation-limit', detail: `inviter ${inviterHex} holds ${INVITATIONS_PER_INVITER} open invitations` }
    : { reason: 'invitation-limit', detail: `${INVITATIONS_MAX} open invitations held in all` }
}

/** Keep a verified invitation, after forgetting those that ended (expired, used, revoked) so that only open ones count. */
function keep(core: Pick<InviteComponents, 'invitations' | 'isMemberHex'>, invitation: MemberInvitation, now: number): InvitationAddResult {
  core.invitations.prune(now, (hex) => core.isMemberHex(hex))
  return core.invitations.add(invitation, Number(invitation.issuedAtMs) + INVITATION_LIFETIME_MS)
}

/**
 * An invitation arrived encrypted from `sender`: keep it if valid (an
 * `invite` event), else a typed drop: `invalid-invite`, `duplicate`, or
 * `invitation-limit` past a bound (nothing held is evicted for it).
 */
export function onInvitation(core: InviteComponents, invitation: MemberInvitation, sender: Uint8Array, now: number): void {
  const refusal = invitationRefusal(core, invitation, sender, now)
  if (refusal !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-invite', detail: refusal })
    return
  }
  const drop = notKept(keep(core, invitation, now), toHex(invitation.inviter))
  if (drop !== undefined) {
    core.emit({ type: 'dropped', ...drop })
    return
  }
  const expiresAt = Number(invitation.issuedAtMs) + INVITATION_LIFETIME_MS
  core.emit({ type: 'invite', inviter: invitation.inviter, invitee: invitation.invitee, expiresAt })
}

/**
 * Invitations a committing steward sends a joiner in the sync at most:
 * eight inviters' full share ({@link INVITATIONS_PER_INVITER}), about
 * 135 KB at most (a few KB for honest use).
 */
export const SYNCED_INVITATIONS_MAX = 512

/**
 * The invitations for a joiner's sync: the open ones we hold at `now`
 * (valid, invitee not a member yet, inviter a member), taken in turns from
 * each inviter, newest first, up to {@link SYNCED_INVITATIONS_MAX}: an
 * inviter flooding invitations cannot crowd the others out of the sync.
 */
export function invitationsForSync(core: Pick<InviteComponents, 'invitations' | 'isMemberHex'>, now: number): MemberInvitation[] {
  core.invitations.prune(now, (hex) => core.isMemberHex(hex))
  const byInviter = new Map<string, MemberInvitation[]>()
  for (const { invitation } of core.invitations.all().reverse()) {
    const key = toHex(invitation.inviter)
    const list = byInviter.get(key)
    if (list === undefined) byInviter.set(key, [invitation])
    else list.push(invitation)
  }
  const out: MemberInvitation[] = []
  const lists = [...byInviter.values()]
  for (let round = 0; out.length < SYNCED_INVITATIONS_MAX; round++) {
    let took = false
    for (const list of lists) {
      const next = list[round]
      if (next === undefined || out.length >= SYNCED_INVITATIONS_MAX) continue
      out.push(next)
      took = true
    }
    if (!took) break
  }
  return out
}

/**
 * A joiner takes the invitations its sync carried, each checked as if its
 * inviter had sent it (a bad one, or one past a bound, is a typed drop,
 * never kept).
 */
export function adoptSyncedInvitations(core: InviteComponents, invitations: readonly MemberInvitation[], now: number): void {
  for (const invitation of invitations.slice(0, SYNCED_INVITATIONS_MAX)) {
    const refusal = invitationRefusal(core, invitation, invitation.inviter, now)
    if (refusal !== undefined) {
      core.emit({ type: 'dropped', reason: 'invalid-invite', detail: `synced: ${refusal}` })
      continue
    }
    const drop = notKept(keep(core, invitation, now), toHex(invitation.inviter))
    if (drop !== undefined && drop.reason === 'invitation-limit') core.emit({ type: 'dropped', reason: drop.reason, detail: `synced: ${drop.detail}` })
  }
}

/**
 * Which bound an invitation of ours for `invitee` would pass, with
 * `pending` more of ours waiting to be sent (the send queue), after
 * forgetting the invitations that ended; `undefined` when it fits.
 */
export function ownInvitationBound(
  core: Pick<InviteComponents, 'invitations' | 'isMemberHex' | 'memberId'>,
  invitee: Uint8Array,
  now: number,
  pending = 0,
): InvitationLimitError['reason'] | undefined {
  core.invitations.prune(now, (hex) => core.isMemberHex(hex))
  return core.invitations.wouldExceed(toHex(core.memberId), toHex(invitee), pending)
}

/** The typed error for a bound {@link ownInvitationBound} found. */
export function invitationLimitError(
  core: Pick<InviteComponents, 'id' | 'invitations' | 'memberId'>,
  bound: InvitationLimitError['reason'],
  pending = 0,
): InvitationLimitError {
  return bound === 'per-inviter'
    ? new InvitationLimitError(core.id, bound, INVITATIONS_PER_INVITER, core.invitations.heldFrom(toHex(core.memberId)) + pending)
    : new InvitationLimitError(core.id, bound, INVITATIONS_MAX, core.invitations.size + pending)
}

/**
 * Vouch for `invitee`: sign an invitation, keep it (we vote YES on its
 * join) and send it encrypted to the group. Returns when it stops
 * vouching (ms).
 *
 * @throws {InvitationLimitError} when it would pass a bound on open invitations (nothing is kept or sent)
 */
export async function sendInvitation(core: InviteComponents, invitee: Uint8Array, now: number): Promise<number> {
  const bound = ownInvitationBound(core, invitee, now)
  if (bound !== undefined) throw invitationLimitError(core, bound)
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

/**
 * What the join-proposal evidence flow needs beyond {@link InviteComponents}:
 * the admission policy, and whether we may send now (not while the epoch
 * changes).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { JoinEvidenceComponents } from '../join/invite.js'
 * declare const core: ConversationCore
 * const slices: JoinEvidenceComponents = core
 * ```
 */
export interface JoinEvidenceComponents extends InviteComponents {
  readonly config: Pick<ConversationCore['config'], 'admission'>
  readonly sm: Pick<ConversationCore['sm'], 'blocksMessaging'>
}

/**
 * A join request (`MemberInvite`) we are about to propose, with the proof
 * that a member vouches for its joiner (issue 56: an outcome decided from
 * proofs every member can check): under `'invite'`, the valid invitation
 * we hold for the joiner (the most recently issued) becomes its
 * `demls_invitation`, so every member that receives the proposal checks the
 * vouch itself instead of depending on having received the invitation's
 * own broadcast. A request that carries a valid invitation already (taken
 * from an earlier proposal of the same join) keeps it; one whose carried
 * invitation no longer vouches gets ours, or none. Any other request is
 * returned as it is.
 */
export function withInvitation(
  core: Pick<JoinEvidenceComponents, 'id' | 'config' | 'invitations' | 'isMemberHex' | 'plugins'>,
  request: ConversationUpdateRequest,
  now: number,
): ConversationUpdateRequest {
  const invite = request.payload === 'memberInvite' ? request.memberInvite : undefined
  if (core.config.admission !== 'invite' || invite === undefined) return request
  const carried = invite.demlsInvitation
  if (carried !== undefined && attachedInvitationRefusal(core, invite.memberId, carried, now) === undefined) return request
  const held = core.invitations.vouchFor(toHex(invite.memberId), now, (hex) => core.isMemberHex(hex))
  const { demlsInvitation: _stale, ...bare } = invite
  return { ...request, memberInvite: held === undefined ? bare : { ...bare, demlsInvitation: held } }
}

/**
 * Why the invitation a join request carries does not vouch for its joiner,
 * or `undefined` when it does: checked exactly as a received invitation
 * ({@link invitationRefusal}: inviter a current member, signature over this
 * conversation, lifetime), and naming this joiner.
 */
export function attachedInvitationRefusal(
  core: Pick<InviteComponents, 'id' | 'isMemberHex' | 'plugins'>,
  joiner: Uint8Array,
  invitation: MemberInvitation,
  now: number,
): string | undefined {
  if (!bytesEqual(invitation.invitee, joiner)) return 'invitation for another joiner'
  return invitationRefusal(core, invitation, invitation.inviter, now)
}

/**
 * Take the invitation a join proposal carries (`MemberInvite.demls_invitation`):
 * a valid one is kept like a received one (an `invite` event when new; an
 * `invitation-limit` drop past a bound) and then vouches in our automatic
 * vote; an invalid one (forged, altered, expired, for another conversation
 * or joiner, by a non-member) is a typed `invalid-invite` drop and changes
 * nothing: it never makes our vote YES. Returns whether the proposal
 * carried a valid one. Nothing for other requests or under `'open'`.
 */
export function takeAttachedInvitation(core: JoinEvidenceComponents, request: ConversationUpdateRequest | undefined, now: number): boolean {
  const invite = request?.payload === 'memberInvite' ? request.memberInvite : undefined
  const invitation = invite?.demlsInvitation
  if (core.config.admission !== 'invite' || invite === undefined || invitation === undefined) return false
  const refusal = attachedInvitationRefusal(core, invite.memberId, invitation, now)
  if (refusal !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-invite', detail: `attached to a join proposal: ${refusal}` })
    return false
  }
  const result = keep(core, invitation, now)
  const drop = notKept(result, toHex(invitation.inviter))
  if (drop?.reason === 'invitation-limit') {
    core.emit({ type: 'dropped', ...drop, detail: `attached to a join proposal: ${drop.detail}` })
    return false
  }
  if (result === 'added') {
    core.emit({ type: 'invite', inviter: invitation.inviter, invitee: invitation.invitee, expiresAt: Number(invitation.issuedAtMs) + INVITATION_LIFETIME_MS })
  }
  return true
}

/**
 * A join proposal reached us for the first time (`request`, decoded from
 * its payload): take the invitation it carries ({@link takeAttachedInvitation});
 * when it carries none we accept and we hold one for the joiner, send
 * ours to the group (encrypted, `DemlsControl.invitation`, as relayed by
 * us): its creator lacked the invitation, and so may members that missed
 * its broadcast, who would otherwise vote NO on a joiner a member vouched
 * for. Each member that holds one relays it once per proposal, at once,
 * well before the voting delay ends; under loss one copy of several
 * suffices. Not while the epoch changes (our automatic vote waits too).
 */
export async function onJoinProposal(core: JoinEvidenceComponents, request: ConversationUpdateRequest | undefined, now: number): Promise<void> {
  const invite = request?.payload === 'memberInvite' ? request.memberInvite : undefined
  if (core.config.admission !== 'invite' || invite === undefined) return
  if (takeAttachedInvitation(core, request, now)) return
  if (core.sm.blocksMessaging || core.isMemberHex(toHex(invite.memberId))) return
  const held = core.invitations.vouchFor(toHex(invite.memberId), now, (hex) => core.isMemberHex(hex))
  if (held === undefined) return
  await core.sendEncrypted({ demlsControl: { invitation: held } })
}
