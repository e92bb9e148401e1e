import type { ConsensusSigner } from '@demls/consensus'
import {
  type EpochAttestation,
  type EpochAttestationInit,
  type JoinBeacon,
  type JoinBeaconInit,
  type JoinStatus,
  type JoinStatusInit,
  encodeEpochAttestation,
  encodeJoinBeacon,
  encodeJoinStatus,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'

/** Domain tag of {@link signJoinBeacon} signatures. */
export const JOIN_BEACON_DOMAIN = 'demls/join-beacon/v1'
/** Domain tag of {@link signJoinStatus} signatures. */
export const JOIN_STATUS_DOMAIN = 'demls/join-status/v1'

/** Domain tag of {@link signAttestation} signatures. */
export const ATTESTATION_DOMAIN = 'demls/epoch-attestation/v1'

const encoder = new TextEncoder()

/** `domain ‖ 0x00 ‖ SHA-256(body)`: what the member key signs (as an EIP-191 personal message by default). */
function signingPayload(domain: string, body: Uint8Array): Uint8Array {
  const tag = encoder.encode(domain)
  const out = new Uint8Array(tag.length + 1 + 32)
  out.set(tag, 0)
  out.set(sha256(body), tag.length + 1)
  return out
}

/**
 * The bytes a beacon's signature covers: its canonical encoding with an empty signature, domain-separated.
 *
 * @example
 * ```ts
 * import { joinBeaconSigningPayload } from '@demls/session'
 * import type { JoinBeacon } from '@demls/wire'
 * declare const beacon: JoinBeacon
 * const signed = joinBeaconSigningPayload(beacon) // domain-separated bytes the responder signed
 * ```
 */
export function joinBeaconSigningPayload(beacon: JoinBeaconInit): Uint8Array {
  return signingPayload(JOIN_BEACON_DOMAIN, encodeJoinBeacon({ ...beacon, signature: null }))
}

/**
 * The bytes a status's signature covers: its canonical encoding with an empty signature, domain-separated.
 *
 * @example
 * ```ts
 * import { joinStatusSigningPayload } from '@demls/session'
 * import type { JoinStatus } from '@demls/wire'
 * declare const status: JoinStatus
 * const signed = joinStatusSigningPayload(status)
 * ```
 */
export function joinStatusSigningPayload(status: JoinStatusInit): Uint8Array {
  return signingPayload(JOIN_STATUS_DOMAIN, encodeJoinStatus({ ...status, signature: null }))
}

/**
 * Sign a beacon with a member's key: `responder` becomes the signer's
 * identity. With the default plug-ins the signature is EIP-191 secp256k1
 * and recovers the member id.
 *
 * @example
 * ```ts
 * import { signJoinBeacon, verifyJoinBeacon } from '@demls/session'
 * import { EthereumSigner } from '@demls/consensus'
 * import { decodeJoinBeacon, encodeJoinBeacon } from '@demls/wire'
 * const key = crypto.getRandomValues(new Uint8Array(32))
 * const nonce = crypto.getRandomValues(new Uint8Array(16)) // the probe's nonce
 * const beacon = signJoinBeacon(new EthereumSigner(key), { conversationId: 'chat', epoch: 3n, nonce, signedAtMs: Date.now() })
 * const otherKey = crypto.getRandomValues(new Uint8Array(32))
 * verifyJoinBeacon(new EthereumSigner(otherKey), decodeJoinBeacon(encodeJoinBeacon(beacon))) // true: anyone can verify
 * ```
 */
export function signJoinBeacon(
  signer: Pick<ConsensusSigner, 'identity' | 'sign'>,
  fields: Omit<JoinBeaconInit, 'responder' | 'signature'>,
): JoinBeaconInit {
  const unsigned: JoinBeaconInit = { ...fields, responder: signer.identity }
  return { ...unsigned, signature: signer.sign(joinBeaconSigningPayload(unsigned)) }
}

/**
 * Sign a join status with a member's key: `responder` becomes the signer's identity.
 *
 * @example
 * ```ts
 * import { signJoinStatus, verifyJoinStatus } from '@demls/session'
 * import { EthereumSigner } from '@demls/consensus'
 * import { JoinStatusKind, decodeJoinStatus, encodeJoinStatus } from '@demls/wire'
 * const member = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const status = signJoinStatus(member, { conversationId: 'chat', joiner: new Uint8Array(20).fill(2), status: JoinStatusKind.JOIN_STATUS_ACKED, proposalId: 7, signedAtMs: Date.now() })
 * verifyJoinStatus(member, decodeJoinStatus(encodeJoinStatus(status))) // true
 * ```
 */
export function signJoinStatus(
  signer: Pick<ConsensusSigner, 'identity' | 'sign'>,
  fields: Omit<JoinStatusInit, 'responder' | 'signature'>,
): JoinStatusInit {
  const unsigned: JoinStatusInit = { ...fields, responder: signer.identity }
  return { ...unsigned, signature: signer.sign(joinStatusSigningPayload(unsigned)) }
}

/**
 * Whether a beacon's signature is by its `responder`. Never throws.
 *
 * @example
 * ```ts
 * import { verifyJoinBeacon } from '@demls/session'
 * import { EthereumSigner } from '@demls/consensus'
 * import type { JoinBeacon } from '@demls/wire'
 * declare const beacon: JoinBeacon // received on the welcome subtopic
 * const anyone = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))) // verification needs no particular key
 * if (!verifyJoinBeacon(anyone, beacon)) console.log('forged beacon: ignore it')
 * ```
 */
export function verifyJoinBeacon(verifier: Pick<ConsensusSigner, 'verify'>, beacon: JoinBeacon): boolean {
  try {
    return verifier.verify(beacon.responder, joinBeaconSigningPayload(beacon), beacon.signature)
  } catch {
    return false
  }
}

/**
 * Probes one beacon answers at most (`nonce` and `more_nonces`): 512 bytes
 * of nonces. A beacon naming more is malformed; nobody takes it.
 *
 * @example
 * ```ts
 * import { MAX_BEACON_NONCES } from '@demls/session'
 * const fits = (moreNonces: readonly Uint8Array[]) => 1 + moreNonces.length <= MAX_BEACON_NONCES
 * ```
 */
export const MAX_BEACON_NONCES = 32

/**
 * The nonces a beacon answers: `nonce` and `more_nonces`, or `undefined`
 * when it names more than {@link MAX_BEACON_NONCES} (malformed: nobody
 * takes it, whatever its signature).
 *
 * @example
 * ```ts
 * import { beaconNonces } from '@demls/session'
 * beaconNonces({ nonce: new Uint8Array(16), moreNonces: [new Uint8Array(16).fill(1)] })?.length // 2
 * ```
 */
export function beaconNonces(beacon: Pick<JoinBeacon, 'nonce' | 'moreNonces'>): readonly Uint8Array[] | undefined {
  if (beacon.moreNonces.length >= MAX_BEACON_NONCES) return undefined
  return [beacon.nonce, ...beacon.moreNonces]
}

/**
 * Whether a status's signature is by its `responder`. Never throws.
 *
 * @example
 * ```ts
 * import { verifyJoinStatus } from '@demls/session'
 * import { EthereumSigner } from '@demls/consensus'
 * import type { JoinStatus } from '@demls/wire'
 * declare const status: JoinStatus
 * if (verifyJoinStatus(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))), status)) console.log(`proposal ${status.proposalId}`)
 * ```
 */
export function verifyJoinStatus(verifier: Pick<ConsensusSigner, 'verify'>, status: JoinStatus): boolean {
  try {
    return verifier.verify(status.responder, joinStatusSigningPayload(status), status.signature)
  } catch {
    return false
  }
}

/**
 * The bytes an epoch attestation's signature covers: the conversation id,
 * a zero byte and its canonical encoding with an empty signature, hashed
 * and domain-separated (so it cannot be replayed into another group).
 */
export function attestationSigningPayload(conversationId: string, attestation: EpochAttestationInit): Uint8Array {
  return signedPayload(ATTESTATION_DOMAIN, conversationId, encodeEpochAttestation({ ...attestation, signature: null }))
}

/**
 * `domain ‖ 0x00 ‖ SHA-256(conversation id ‖ 0x00 ‖ body)`: what a member
 * key signs for a conversation-bound statement (`body` is the message
 * encoded with an empty signature).
 */
export function signedPayload(domain: string, conversationId: string, body: Uint8Array): Uint8Array {
  const id = encoder.encode(conversationId)
  const joined = new Uint8Array(id.length + 1 + body.length)
  joined.set(id, 0)
  joined.set(body, id.length + 1)
  return signingPayload(domain, joined)
}

/** Sign an epoch attestation with a member's key: `memberId` becomes the signer's identity. */
export function signAttestation(
  signer: Pick<ConsensusSigner, 'identity' | 'sign'>,
  conversationId: string,
  fields: Omit<EpochAttestationInit, 'memberId' | 'signature'>,
): EpochAttestationInit {
  const unsigned: EpochAttestationInit = { ...fields, memberId: signer.identity }
  return { ...unsigned, signature: signer.sign(attestationSigningPayload(conversationId, unsigned)) }
}

/**
 * Verdicts of {@link verifyAttestation} per decoded attestation object: one
 * received attestation is judged by up to four flows (liveness, a joiner's
 * branch, the group's epoch, merge evidence), and each paid an EIP-191
 * recovery for the same bytes. Decoded messages are never mutated, so the
 * object stands for its bytes; the verdict is reused only for the same
 * verifier and conversation.
 */
const attestationVerdicts = new WeakMap<EpochAttestation, { verifier: object; conversationId: string; ok: boolean }>()

/** Whether an attestation carries a signature by its `memberId`. Never throws. The signature of one decoded attestation is checked once. */
export function verifyAttestation(verifier: Pick<ConsensusSigner, 'verify'>, conversationId: string, a: EpochAttestation): boolean {
  if (a.signature.length === 0) return false
  const kept = attestationVerdicts.get(a)
  if (kept !== undefined && kept.verifier === verifier && kept.conversationId === conversationId) return kept.ok
  let ok: boolean
  try {
    ok = verifier.verify(a.memberId, attestationSigningPayload(conversationId, a), a.signature)
  } catch {
    ok = false
  }
  attestationVerdicts.set(a, { verifier, conversationId, ok })
  return ok
}
