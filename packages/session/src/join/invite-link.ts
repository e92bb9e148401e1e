import { type ConsensusSigner, EthereumSigner } from '@demls/consensus'
import {
  type AbortOptions,
  type ConversationUpdateRequest,
  type InviteLinkProofInit,
  type InviteLinkRecord,
  type InviteLinkRecordInit,
  type InviteLinkRevocation,
  type InviteLinkRevocationInit,
  type InviteLinkState,
  type InviteLinkStateInit,
  bytesEqual,
  decodeInviteLink,
  encodeInviteLink,
  encodeInviteLinkRecord,
  encodeInviteLinkRevocation,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { randomBytes } from '@noble/hashes/utils.js'
import type { ConversationCore } from '../core/core.js'
import { InvalidArgumentError, InvalidInviteLinkError, InviteLinkLimitError, UnknownInviteLinkError } from '../errors.js'
import {
  INVITE_LINKS_MAX,
  INVITE_LINKS_PER_CREATOR,
  INVITE_LINK_ADDRESSES_MAX,
  INVITE_LINK_ADDRESS_MAX_BYTES,
  INVITE_LINK_DEFAULT_LIFETIME_MS,
  INVITE_LINK_DEFAULT_USES,
  INVITE_LINK_MAX_LIFETIME_MS,
  INVITE_LINK_MAX_USES,
  type InviteLinkAddResult,
  type InviteLinkBook,
} from '../state/invite-links.js'
import { signedPayload } from './signing.js'

/** Domain tag of invite-link record signatures (by the link's creator). */
export const INVITE_LINK_DOMAIN = 'demls/invite-link/v1'
/** Domain tag of invite-link proofs (by the link key, for one joiner and key package). */
export const INVITE_LINK_PROOF_DOMAIN = 'demls/invite-link-proof/v1'
/** Domain tag of invite-link revocations (by a member). */
export const INVITE_LINK_REVOCATION_DOMAIN = 'demls/invite-link-revocation/v1'
/** The scheme of an invite link string. */
export const INVITE_LINK_SCHEME = 'demls:'
/** Version of the link string's payload. */
export const INVITE_LINK_VERSION = 1
/** A record or revocation dated further ahead of our clock than this is refused. */
const FUTURE_SKEW_MS = 60_000
/** Bytes of a link's secret. */
const SECRET_BYTES = 32
/** Longest link string accepted (characters). */
const LINK_MAX_CHARS = 4096
/** Longest creator or revoker id (bytes), as for invitations. */
const ID_MAX_BYTES = 64
/** Longest signature (bytes), as for invitations. */
const SIGNATURE_MAX_BYTES = 128

const encoder = new TextEncoder()

/**
 * What the invite-link flows need: our ids, the membership, the links we
 * hold, the member key that signs and checks, the admission policy,
 * whether we may send now, events, and the encrypted send of our own.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { InviteLinkComponents } from '../join/invite-link.js'
 * declare const core: ConversationCore
 * const slices: InviteLinkComponents = core // or plain objects with these members, in a test
 * ```
 */
export interface InviteLinkComponents {
  readonly id: string
  readonly memberId: Uint8Array
  isMemberHex(hex: string): boolean
  readonly inviteLinks: InviteLinkBook
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'> }
  readonly config: Pick<ConversationCore['config'], 'admission'>
  readonly sm: Pick<ConversationCore['sm'], 'blocksMessaging'>
  emit: ConversationCore['emit']
  sendEncrypted: ConversationCore['sendEncrypted']
}

/**
 * Options of `ConversationHandle.createInviteLink`.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, InviteLinkOptions } from '@demls/session'
 * declare const chat: ConversationHandle
 * const options: InviteLinkOptions = { uses: 5, expiresInMs: 24 * 60 * 60 * 1000, addresses: ['/dns4/relay.example/tcp/443/wss'] }
 * const { link } = await chat.createInviteLink(options)
 * ```
 */
export interface InviteLinkOptions extends AbortOptions {
  /** How many joiners the link admits (1 to `INVITE_LINK_MAX_USES`, 1000). @default 1 */
  uses?: number
  /** How long it admits, from now (ms, at most `INVITE_LINK_MAX_LIFETIME_MS`, 30 days). @default 7 days */
  expiresInMs?: number
  /** Where the group can be reached (multiaddr strings, at most 4 of at most 128 bytes), signed into the link. @default [] */
  addresses?: readonly string[]
}

/**
 * An invite link we created: the string to hand out, and what the group was told of it.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, CreatedInviteLink } from '@demls/session'
 * declare const chat: ConversationHandle
 * const created: CreatedInviteLink = await chat.createInviteLink({ uses: 3 })
 * console.log(created.link) // demls:… (paste it anywhere; whoever holds it can join)
 * ```
 */
export interface CreatedInviteLink {
  /** The link: `demls:` and base64url, one line, a few hundred characters. A bearer capability. */
  link: string
  /** Its id (hex of the link key), as {@link InviteLinkInfo.id} and `revokeInviteLink` take it. */
  id: string
  /** How many joiners it admits. */
  uses: number
  /** When it stops admitting (ms). */
  expiresAt: number
}

/**
 * One open invite link, as every member knows it.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, InviteLinkInfo } from '@demls/session'
 * declare const chat: ConversationHandle
 * const open: InviteLinkInfo[] = chat.inviteLinks()
 * for (const l of open) console.log(`${l.id}: ${l.used}/${l.uses} used, until ${new Date(l.expiresAt).toISOString()}`)
 * ```
 */
export interface InviteLinkInfo {
  /** Hex of the link key. */
  id: string
  /** The member that created it. */
  creator: Uint8Array
  /** How many joiners it admits in all. */
  uses: number
  /** How many it admitted (members it added, counted in commit order). */
  used: number
  /** When it stops admitting (ms). */
  expiresAt: number
  /** Where the group can be reached, as its creator signed them. */
  addresses: string[]
}

/**
 * What an invite link string says, read without the group (nothing here is
 * verified against the membership: the members check the link when the
 * joiner uses it).
 *
 * @example
 * ```ts
 * import { parseInviteLink } from '@demls/session'
 * declare const link: string
 * const { conversationId, expiresAt, addresses } = parseInviteLink(link)
 * console.log(`joins ${conversationId} until ${new Date(expiresAt).toISOString()} via ${addresses.join(', ') || 'any peer'}`)
 * ```
 */
export interface ParsedInviteLink {
  conversationId: string
  /** Hex of the link key. */
  id: string
  /** The member that created it. */
  inviter: Uint8Array
  uses: number
  expiresAt: number
  addresses: string[]
  /** The link's secret (what proves we hold the link). */
  secret: Uint8Array
  /** The creator's signed record. */
  record: InviteLinkRecord
}

/** Why a link join is refused (see `RejectedError.reason`), or `ok`. */
export type InviteLinkVerdict = 'ok' | 'spent' | 'expired' | 'revoked' | 'invalid'

/**
 * The signer of an invite link's key, derived from its secret:
 * secp256k1 key SHA-256("demls/invite-link-key/v1" ‖ 0x00 ‖ secret ‖ counter),
 * the first valid one. Its identity (20-byte address) is the link key.
 */
export function inviteLinkSigner(secret: Uint8Array): EthereumSigner {
  const tag = encoder.encode('demls/invite-link-key/v1')
  for (let counter = 0; ; counter++) {
    const input = new Uint8Array(tag.length + 1 + secret.length + 1)
    input.set(tag, 0)
    input.set(secret, tag.length + 1)
    input[input.length - 1] = counter & 0xff
    try {
      return new EthereumSigner(sha256(input))
    } catch (err) {
      if (counter >= 255) throw err
    }
  }
}

/** A verifier of link-key signatures (EIP-191 recovery needs no key of ours; any key makes an instance). */
let linkVerifier: EthereumSigner | undefined
function verifier(): EthereumSigner {
  linkVerifier ??= new EthereumSigner(new Uint8Array(32).fill(1))
  return linkVerifier
}

/** The bytes a link record's signature covers (its creator signs them for one conversation). */
export function inviteLinkSigningPayload(conversationId: string, record: InviteLinkRecordInit): Uint8Array {
  return signedPayload(INVITE_LINK_DOMAIN, conversationId, encodeInviteLinkRecord({ ...record, signature: null }))
}

/** The bytes a revocation's signature covers. */
export function inviteLinkRevocationSigningPayload(conversationId: string, revocation: InviteLinkRevocationInit): Uint8Array {
  return signedPayload(INVITE_LINK_REVOCATION_DOMAIN, conversationId, encodeInviteLinkRevocation({ ...revocation, signature: null }))
}

/** The bytes a joiner's proof covers: the conversation, the link key, the joiner and its key package. */
export function inviteLinkProofPayload(conversationId: string, linkKey: Uint8Array, joiner: Uint8Array, keyPackage: Uint8Array): Uint8Array {
  const kp = sha256(keyPackage)
  const body = new Uint8Array(linkKey.length + 1 + joiner.length + 1 + kp.length)
  body.set(linkKey, 0)
  body.set(joiner, linkKey.length + 1)
  body.set(kp, linkKey.length + 1 + joiner.length + 1)
  return signedPayload(INVITE_LINK_PROOF_DOMAIN, conversationId, body)
}

/** The proof an announcement of `joiner` with `keyPackage` carries for a parsed link. */
export function proveInviteLink(link: Pick<ParsedInviteLink, 'conversationId' | 'secret' | 'record'>, joiner: Uint8Array, keyPackage: Uint8Array): InviteLinkProofInit {
  const signer = inviteLinkSigner(link.secret)
  return { record: link.record, signature: signer.sign(inviteLinkProofPayload(link.conversationId, signer.identity, joiner, keyPackage)) }
}

function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url')
  const padded = text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4)
  const raw = atob(padded)
  return Uint8Array.from(raw, (c) => c.charCodeAt(0))
}

/**
 * Read an invite link string (`demls:` and base64url). Checks its form and
 * that the record names the link's key, never the membership: the group
 * checks the rest when the link is used.
 *
 * @example
 * ```ts
 * import { InvalidInviteLinkError, parseInviteLink } from '@demls/session'
 * declare const pasted: string
 * try {
 *   const link = parseInviteLink(pasted)
 *   console.log(`an invitation to ${link.conversationId}, ${link.uses} use(s), until ${new Date(link.expiresAt).toISOString()}`)
 * } catch (err) {
 *   if (err instanceof InvalidInviteLinkError) console.log('not an invite link')
 * }
 * ```
 *
 * @throws {InvalidInviteLinkError} when the string is not an invite link of a version we read
 */
export function parseInviteLink(link: string): ParsedInviteLink {
  if (typeof link !== 'string') throw new InvalidInviteLinkError('not a string')
  const text = link.trim()
  if (!text.startsWith(INVITE_LINK_SCHEME)) throw new InvalidInviteLinkError(`does not start with ${INVITE_LINK_SCHEME}`)
  if (text.length > LINK_MAX_CHARS) throw new InvalidInviteLinkError(`longer than ${LINK_MAX_CHARS} characters`)
  let decoded: ReturnType<typeof decodeInviteLink>
  try {
    decoded = decodeInviteLink(fromBase64url(text.slice(INVITE_LINK_SCHEME.length)))
  } catch (err) {
    throw new InvalidInviteLinkError('not a base64url-encoded invite link', { cause: err })
  }
  if (decoded.version !== INVITE_LINK_VERSION) throw new InvalidInviteLinkError(`version ${decoded.version} (we read ${INVITE_LINK_VERSION})`)
  const record = decoded.record
  if (record === undefined || decoded.conversationId.length === 0 || decoded.secret.length !== SECRET_BYTES) throw new InvalidInviteLinkError('incomplete')
  if (!bytesEqual(inviteLinkSigner(decoded.secret).identity, record.linkKey)) throw new InvalidInviteLinkError('its secret is not the key its record names')
  return {
    conversationId: decoded.conversationId,
    id: toHex(record.linkKey),
    inviter: record.creator,
    uses: record.uses,
    expiresAt: Number(record.expiresAtMs),
    addresses: [...record.addresses],
    secret: decoded.secret,
    record,
  }
}

/**
 * Why a link record is malformed or not signed by its creator for this
 * conversation, or `undefined` (expiry, revocation, the creator's
 * membership and uses are judged apart).
 */
export function inviteLinkRecordForgery(core: Pick<InviteLinkComponents, 'id' | 'plugins'>, record: InviteLinkRecord, now: number): string | undefined {
  if (record.linkKey.length !== 20 || record.creator.length === 0 || record.creator.length > ID_MAX_BYTES) return 'malformed invite link'
  if (record.signature.length === 0 || record.signature.length > SIGNATURE_MAX_BYTES) return 'malformed invite link signature'
  if (record.uses < 1 || record.uses > INVITE_LINK_MAX_USES) return 'invite link uses out of range'
  const issued = Number(record.issuedAtMs)
  const expires = Number(record.expiresAtMs)
  if (expires <= issued || expires - issued > INVITE_LINK_MAX_LIFETIME_MS) return 'invite link lifetime out of range'
  if (issued > now + FUTURE_SKEW_MS) return 'invite link dated in the future'
  if (record.addresses.length > INVITE_LINK_ADDRESSES_MAX || record.addresses.some((a) => encoder.encode(a).length > INVITE_LINK_ADDRESS_MAX_BYTES)) {
    return 'invite link addresses out of bounds'
  }
  try {
    if (!core.plugins.consensus.signer.verify(record.creator, inviteLinkSigningPayload(core.id, record), record.signature)) return 'invite link with a bad signature'
  } catch {
    return 'invite link with a bad signature'
  }
  return undefined
}

/** What one link allows now, judged from its record (the link book aside). */
function recordVerdict(core: Pick<InviteLinkComponents, 'id' | 'plugins' | 'isMemberHex' | 'inviteLinks'>, record: InviteLinkRecord, now: number): InviteLinkVerdict {
  if (inviteLinkRecordForgery(core, record, now) !== undefined) return 'invalid'
  const key = toHex(record.linkKey)
  if (core.inviteLinks.isRevoked(key)) return 'revoked'
  if (!core.isMemberHex(toHex(record.creator))) {
    // A link we knew whose creator left or was removed stopped with it; one by somebody we never saw a member is not the group's.
    core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
    return core.inviteLinks.creatorLeft(key) ? 'revoked' : 'invalid'
  }
  if (Number(record.expiresAtMs) <= now) return 'expired'
  return 'ok'
}

/** The proof a join request carries and its joiner, when it is a link join. */
function linkJoinOf(request: ConversationUpdateRequest | undefined) {
  const invite = request?.payload === 'memberInvite' ? request.memberInvite : undefined
  const proof = invite?.demlsLinkProof
  return invite === undefined || proof === undefined ? undefined : { invite, proof }
}

/**
 * Whether the proof of a link join verifies: a well-formed record signed by
 * its creator for this conversation, and the link key's signature over this
 * joiner and this key package (a copied proof admits nobody else).
 */
function proofVerifies(core: Pick<InviteLinkComponents, 'id' | 'plugins'>, request: ConversationUpdateRequest | undefined, now: number): boolean {
  const join = linkJoinOf(request)
  const record = join?.proof.record
  if (join === undefined || record === undefined) return false
  if (inviteLinkRecordForgery(core, record, now) !== undefined) return false
  if (join.proof.signature.length === 0 || join.proof.signature.length > SIGNATURE_MAX_BYTES) return false
  const payload = inviteLinkProofPayload(core.id, record.linkKey, join.invite.memberId, join.invite.keyPackageBytes)
  try {
    return verifier().verify(record.linkKey, payload, join.proof.signature)
  } catch {
    return false
  }
}

/**
 * What the admission vote reads of the group beyond the link book: the
 * open proposals' requests, our votes, and the approved work (joins of one
 * link we already said YES to reserve its uses).
 */
export interface LinkJudgeComponents extends Pick<InviteLinkComponents, 'id' | 'plugins' | 'isMemberHex' | 'inviteLinks'> {
  readonly consensus: Pick<ConversationCore['consensus'], 'getSession'>
  readonly voting: Pick<ConversationCore['voting'], 'requests' | 'ownVotes'>
  readonly queues: Pick<ConversationCore['queues'], 'approved'>
}

/**
 * Our verdict on the link join `request` (proposal `proposalId`) at `now`,
 * or `undefined` when it proves no link: `invalid` (forged or altered
 * record, another conversation's, a proof not for this joiner and key
 * package), `revoked` (revoked, or its creator is not a member), `expired`,
 * `spent` (the members it admitted, counted in commit order, and the other
 * joins of it we approved or voted YES on take every use), else `ok`.
 */
export function inviteLinkVerdict(core: LinkJudgeComponents, proposalId: number, request: ConversationUpdateRequest | undefined, now: number): InviteLinkVerdict | undefined {
  const join = linkJoinOf(request)
  if (join === undefined) return undefined
  if (!proofVerifies(core, request, now)) return 'invalid'
  const record = join.proof.record!
  const verdict = recordVerdict(core, record, now)
  if (verdict !== 'ok') return verdict
  core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
  const key = toHex(record.linkKey)
  const joinerHex = toHex(join.invite.memberId)
  const reserved = new Set<string>()
  const reserve = (id: number, r: ConversationUpdateRequest | undefined, approved: boolean) => {
    if (id === proposalId) return
    const other = linkJoinOf(r)
    if (other === undefined || toHex(other.proof.record?.linkKey ?? new Uint8Array()) !== key) return
    const hex = toHex(other.invite.memberId)
    if (hex === joinerHex || core.isMemberHex(hex)) return
    if (approved || (core.consensus.getSession(core.id, id)?.state === 'active' && core.voting.ownVotes.get(id)?.vote === true)) reserved.add(hex)
  }
  for (const [id, r] of core.queues.approved) reserve(id, r, true)
  for (const [id, r] of core.voting.requests) reserve(id, r, false)
  return core.inviteLinks.used(key) + reserved.size >= record.uses ? 'spent' : 'ok'
}

/** Keep a verified record we did not create (from the group, a sync or a proof); the drop or event it makes. */
function keepRecord(core: InviteLinkComponents, record: InviteLinkRecord, now: number, admitted: Iterable<string> = [], quiet = false): InviteLinkAddResult {
  core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
  const result = core.inviteLinks.add(record, admitted)
  if (result === 'added' && !quiet) {
    core.emit({ type: 'invite-link', id: toHex(record.linkKey), creator: record.creator, uses: record.uses, expiresAt: Number(record.expiresAtMs) })
  } else if (result === 'per-creator' || result === 'total') {
    const detail = result === 'per-creator' ? `creator ${toHex(record.creator)} holds ${INVITE_LINKS_PER_CREATOR} open invite links` : `${INVITE_LINKS_MAX} open invite links held in all`
    core.emit({ type: 'dropped', reason: 'invitation-limit', detail })
  }
  return result
}

/**
 * Why a received record is refused, or `undefined`: sent by a member (its
 * creator, or relayed), well-formed, signed by its creator (a member) for
 * this conversation, not expired.
 */
function recordRefusal(core: InviteLinkComponents, record: InviteLinkRecord, sender: Uint8Array, now: number): string | undefined {
  if (!bytesEqual(record.creator, sender) && !core.isMemberHex(toHex(sender))) return 'invite link relayed by a non-member'
  const forged = inviteLinkRecordForgery(core, record, now)
  if (forged !== undefined) return forged
  if (!core.isMemberHex(toHex(record.creator))) return 'invite link by a non-member'
  if (Number(record.expiresAtMs) <= now) return 'invite link expired'
  return undefined
}

/** A link record arrived encrypted from `sender`: keep it (an `invite-link` event) or a typed drop. */
export function onInviteLinkRecord(core: InviteLinkComponents, record: InviteLinkRecord, sender: Uint8Array, now: number): void {
  const refusal = recordRefusal(core, record, sender, now)
  if (refusal !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-invite-link', detail: refusal })
    return
  }
  const result = keepRecord(core, record, now)
  if (result === 'duplicate') core.emit({ type: 'dropped', reason: 'duplicate', detail: 'invite link' })
  else if (result === 'revoked') core.emit({ type: 'dropped', reason: 'invalid-invite-link', detail: 'invite link revoked' })
}

/** Why a revocation is refused, or `undefined`: signed by its revoker, a member, for this conversation; sent by a member. */
function revocationRefusal(core: InviteLinkComponents, revocation: InviteLinkRevocation, sender: Uint8Array, now: number): string | undefined {
  if (!bytesEqual(revocation.revoker, sender) && !core.isMemberHex(toHex(sender))) return 'invite link revocation relayed by a non-member'
  if (revocation.linkKey.length !== 20 || revocation.revoker.length === 0 || revocation.revoker.length > ID_MAX_BYTES) return 'malformed invite link revocation'
  if (revocation.signature.length === 0 || revocation.signature.length > SIGNATURE_MAX_BYTES) return 'malformed invite link revocation'
  if (!core.isMemberHex(toHex(revocation.revoker))) return 'invite link revocation by a non-member'
  if (Number(revocation.revokedAtMs) > now + FUTURE_SKEW_MS) return 'invite link revocation dated in the future'
  if (Number(revocation.revokedAtMs) + INVITE_LINK_MAX_LIFETIME_MS <= now) return 'invite link revocation too old'
  try {
    if (!core.plugins.consensus.signer.verify(revocation.revoker, inviteLinkRevocationSigningPayload(core.id, revocation), revocation.signature)) {
      return 'invite link revocation with a bad signature'
    }
  } catch {
    return 'invite link revocation with a bad signature'
  }
  return undefined
}

/** Keep a verified revocation until no link it could name is still valid; `true` when new. */
function keepRevocation(core: InviteLinkComponents, revocation: InviteLinkRevocation, now: number): boolean {
  core.inviteLinks.prune(now)
  return core.inviteLinks.revoke(revocation, Number(revocation.revokedAtMs) + INVITE_LINK_MAX_LIFETIME_MS)
}

/** A revocation arrived encrypted from `sender`: keep it (an `invite-link-revoked` event) or a typed drop. */
export function onInviteLinkRevocation(core: InviteLinkComponents, revocation: InviteLinkRevocation, sender: Uint8Array, now: number): void {
  const refusal = revocationRefusal(core, revocation, sender, now)
  if (refusal !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-invite-link', detail: refusal })
    return
  }
  if (!keepRevocation(core, revocation, now)) {
    core.emit({ type: 'dropped', reason: 'duplicate', detail: 'invite link revocation' })
    return
  }
  core.emit({ type: 'invite-link-revoked', id: toHex(revocation.linkKey), revoker: revocation.revoker })
}

/**
 * A join proposal reached us for the first time: when it proves a link,
 * keep the link's record (members that missed its broadcast learn it from
 * the proof) and note the joiner's use (counted once it is a member); when
 * we hold a revocation of that link, relay it to the group before anyone
 * votes, so members that missed it vote on it too. A join that proves no
 * link forgets an earlier link join of that joiner.
 */
export async function onLinkJoinProposal(core: InviteLinkComponents, request: ConversationUpdateRequest | undefined, now: number): Promise<void> {
  const revocation = takeLinkJoin(core, request, now)
  if (revocation !== undefined && !core.sm.blocksMessaging) await core.sendEncrypted({ demlsControl: { inviteLinkRevocation: revocation } })
}

/**
 * The bookkeeping of {@link onLinkJoinProposal} (also for a join we open
 * ourselves): returns the revocation we hold of the link it proves, if any.
 */
export function takeLinkJoin(core: InviteLinkComponents, request: ConversationUpdateRequest | undefined, now: number): InviteLinkRevocation | undefined {
  const invite = request?.payload === 'memberInvite' ? request.memberInvite : undefined
  if (invite === undefined || core.config.admission !== 'invite') return undefined
  const joinerHex = toHex(invite.memberId)
  const record = invite.demlsLinkProof?.record
  if (record === undefined || !proofVerifies(core, request, now)) {
    core.inviteLinks.noteJoin(joinerHex, undefined)
    return undefined
  }
  const key = toHex(record.linkKey)
  const revocation = core.inviteLinks.revocationOf(key)
  if (revocation !== undefined) return revocation
  if (core.isMemberHex(toHex(record.creator)) && Number(record.expiresAtMs) > now) keepRecord(core, record, now)
  core.inviteLinks.noteJoin(joinerHex, key)
  return undefined
}

/** Check a link option value: a whole number within bounds. */
function wholeIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max} (got ${value})`)
  return value
}

/** The checked record fields of a link we are about to create. */
export function inviteLinkFields(options: Omit<InviteLinkOptions, 'signal'>, now: number): { uses: number; expiresAt: number; addresses: string[] } {
  const uses = wholeIn('uses', options.uses ?? INVITE_LINK_DEFAULT_USES, 1, INVITE_LINK_MAX_USES)
  const lifetime = wholeIn('expiresInMs', options.expiresInMs ?? INVITE_LINK_DEFAULT_LIFETIME_MS, 1, INVITE_LINK_MAX_LIFETIME_MS)
  const addresses = [...(options.addresses ?? [])]
  if (addresses.length > INVITE_LINK_ADDRESSES_MAX || addresses.some((a) => typeof a !== 'string' || a.length === 0 || encoder.encode(a).length > INVITE_LINK_ADDRESS_MAX_BYTES)) {
    throw new InvalidArgumentError(`addresses: at most ${INVITE_LINK_ADDRESSES_MAX} non-empty strings of at most ${INVITE_LINK_ADDRESS_MAX_BYTES} bytes`)
  }
  return { uses, expiresAt: now + lifetime, addresses }
}

/**
 * Create an invite link: a fresh secret, its record signed with our member
 * key, kept and sent encrypted to the group. Returns the link string.
 *
 * @throws {InvalidArgumentError} on `uses`, `expiresInMs` or `addresses` out of bounds
 * @throws {InviteLinkLimitError} when we already have `INVITE_LINKS_PER_CREATOR` open links, or the members hold `INVITE_LINKS_MAX`
 */
export async function createInviteLink(core: InviteLinkComponents, options: Omit<InviteLinkOptions, 'signal'>, now: number): Promise<CreatedInviteLink> {
  const { uses, expiresAt, addresses } = inviteLinkFields(options, now)
  core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
  const bound = core.inviteLinks.wouldExceed(toHex(core.memberId))
  if (bound !== undefined) {
    throw new InviteLinkLimitError(core.id, bound, bound === 'per-creator' ? INVITE_LINKS_PER_CREATOR : INVITE_LINKS_MAX)
  }
  const secret = randomBytes(SECRET_BYTES)
  const unsigned: InviteLinkRecordInit = {
    linkKey: inviteLinkSigner(secret).identity,
    creator: core.memberId,
    uses,
    issuedAtMs: BigInt(Math.floor(now)),
    expiresAtMs: BigInt(Math.floor(expiresAt)),
    addresses,
  }
  const signer: Pick<ConsensusSigner, 'sign'> = core.plugins.consensus.signer
  const record: InviteLinkRecord = {
    linkKey: unsigned.linkKey as Uint8Array,
    creator: core.memberId,
    uses,
    issuedAtMs: BigInt(Math.floor(now)),
    expiresAtMs: BigInt(Math.floor(expiresAt)),
    addresses,
    signature: signer.sign(inviteLinkSigningPayload(core.id, unsigned)),
  }
  core.inviteLinks.add(record)
  await core.sendEncrypted({ demlsControl: { inviteLink: record } })
  const id = toHex(record.linkKey)
  core.emit({ type: 'invite-link', id, creator: record.creator, uses, expiresAt: Number(record.expiresAtMs) })
  const link = `${INVITE_LINK_SCHEME}${base64url(encodeInviteLink({ version: INVITE_LINK_VERSION, conversationId: core.id, secret, record }))}`
  return { link, id, uses, expiresAt: Number(record.expiresAtMs) }
}

/**
 * Revoke an invite link for the whole group: a revocation signed with our
 * member key, kept and sent encrypted. Any member may revoke any link.
 *
 * @throws {UnknownInviteLinkError} when we hold no open link with this id
 */
export async function revokeInviteLink(core: InviteLinkComponents, id: string, now: number): Promise<void> {
  core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
  const held = typeof id === 'string' ? core.inviteLinks.get(id.toLowerCase()) : undefined
  if (held === undefined) throw new UnknownInviteLinkError(core.id, String(id))
  const unsigned: InviteLinkRevocationInit = { linkKey: held.record.linkKey, revoker: core.memberId, revokedAtMs: BigInt(Math.floor(now)) }
  const revocation: InviteLinkRevocation = {
    linkKey: held.record.linkKey,
    revoker: core.memberId,
    revokedAtMs: BigInt(Math.floor(now)),
    signature: core.plugins.consensus.signer.sign(inviteLinkRevocationSigningPayload(core.id, unsigned)),
  }
  keepRevocation(core, revocation, now)
  await core.sendEncrypted({ demlsControl: { inviteLinkRevocation: revocation } })
  core.emit({ type: 'invite-link-revoked', id: toHex(revocation.linkKey), revoker: core.memberId })
}

/** The open links we hold at `now`, oldest first. */
export function openInviteLinks(core: Pick<InviteLinkComponents, 'inviteLinks' | 'isMemberHex'>, now: number): InviteLinkInfo[] {
  core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
  return core.inviteLinks.all().map((l) => ({
    id: toHex(l.record.linkKey),
    creator: l.record.creator,
    uses: l.record.uses,
    used: l.admitted.size,
    expiresAt: Number(l.record.expiresAtMs),
    addresses: [...l.record.addresses],
  }))
}

/** The links and revocations a joiner's sync carries (what we hold at `now`, after counting the uses of the members just added). */
export function inviteLinksForSync(
  core: Pick<InviteLinkComponents, 'inviteLinks' | 'isMemberHex'>,
  now: number,
): { links: InviteLinkStateInit[]; revocations: InviteLinkRevocation[] } {
  core.inviteLinks.prune(now, (hex) => core.isMemberHex(hex))
  const hexToBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16))
  return {
    links: core.inviteLinks.all().map((l) => ({ record: l.record, admitted: [...l.admitted].map(hexToBytes) })),
    revocations: core.inviteLinks.revocations().map((r) => r.revocation),
  }
}

/** A joiner takes the links and revocations its sync carried, each checked as if received (a bad one is a typed drop). */
export function adoptSyncedInviteLinks(core: InviteLinkComponents, links: readonly InviteLinkState[], revocations: readonly InviteLinkRevocation[], now: number): void {
  for (const r of revocations.slice(0, 512)) {
    const refusal = revocationRefusal(core, r, r.revoker, now)
    if (refusal === undefined) keepRevocation(core, r, now)
    else core.emit({ type: 'dropped', reason: 'invalid-invite-link', detail: `synced: ${refusal}` })
  }
  for (const l of links.slice(0, INVITE_LINKS_MAX)) {
    const record = l.record
    if (record === undefined) continue
    const refusal = recordRefusal(core, record, record.creator, now)
    if (refusal !== undefined) {
      core.emit({ type: 'dropped', reason: 'invalid-invite-link', detail: `synced: ${refusal}` })
      continue
    }
    keepRecord(core, record, now, l.admitted.slice(0, record.uses).map((a) => toHex(a)), true)
  }
}
