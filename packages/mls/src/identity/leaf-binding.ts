import { recoverHashAddress } from '@demls/eip191'
import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { Credential, Extension } from '#ts-mls'
import { IdentityBindingError, type IdentityBindingFailure } from '../errors.js'
import { bytesEqual, toHex } from '../internal/bytes.js'
import { MEMBER_ID_LENGTH } from './member-id.js'

/**
 * LeafNode extension type of the demls identity binding: RFC 9420
 * private-use range (0xF000–0xFFFF). Declared in the leaf's capabilities,
 * so RFC 9420 leaf validation (§7.3: "every extension is listed in
 * capabilities.extensions") accepts it.
 */
export const LEAF_BINDING_EXTENSION_TYPE = 0xf0de

/** Domain-separation label of the binding (ASCII, no terminator; a 0x00 follows it). */
export const LEAF_BINDING_LABEL = 'demls/v1 leaf binding'

/** Length of the extension data: an EIP-191 signature r ‖ s ‖ v. */
export const LEAF_BINDING_PROOF_LENGTH = 65

const LABEL = new TextEncoder().encode(LEAF_BINDING_LABEL)
const EIP191_PREFIX_32 = new TextEncoder().encode('\x19Ethereum Signed Message:\n32')

/**
 * Signs with the member's secp256k1 key as an Ethereum personal message
 * (EIP-191): `@demls/consensus`'s `EthereumSigner` fits as is.
 *
 * @example
 * ```ts
 * import { type IdentitySigner, createMlsClient } from '@demls/mls'
 * import { EthereumSigner } from '@demls/consensus'
 * const identitySigner: IdentitySigner = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const client = await createMlsClient({ memberId: identitySigner.identity, identitySigner })
 * ```
 */
export interface IdentitySigner {
  /** The 20-byte Ethereum address of the key (= the member id). */
  readonly identity: Uint8Array
  /** 65-byte r ‖ s ‖ v EIP-191 signature of `payload`. */
  sign(payload: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/**
 * The bytes a binding signs (the EIP-191 "message"): SHA-256 of
 *
 * ```text
 * "demls/v1 leaf binding" ‖ 0x00 ‖ member_id (20 bytes) ‖ uint16_be(len(sig_key)) ‖ sig_key
 * ```
 *
 * where `sig_key` is the leaf's MLS signature public key (Ed25519, 32
 * bytes). The signer then signs keccak-256("\x19Ethereum Signed
 * Message:\n32" ‖ digest) with secp256k1 (see {@link leafBindingSignedHash}).
 *
 * @example
 * ```ts
 * import { leafBindingDigest } from '@demls/mls'
 * declare const signaturePublicKey: Uint8Array // the leaf's MLS signature key
 * const digest = leafBindingDigest(signaturePublicKey, new Uint8Array(20).fill(1)) // what the address signs
 * ```
 */
export function leafBindingDigest(signaturePublicKey: Uint8Array, memberId: Uint8Array): Uint8Array {
  const buf = new Uint8Array(LABEL.length + 1 + memberId.length + 2 + signaturePublicKey.length)
  let o = 0
  buf.set(LABEL, o)
  o += LABEL.length
  buf[o++] = 0
  buf.set(memberId, o)
  o += memberId.length
  buf[o++] = (signaturePublicKey.length >> 8) & 0xff
  buf[o++] = signaturePublicKey.length & 0xff
  buf.set(signaturePublicKey, o)
  return sha256(buf)
}

/**
 * The 32-byte hash secp256k1 signs: keccak-256("\x19Ethereum Signed Message:\n32" ‖ {@link leafBindingDigest}).
 *
 * @example
 * ```ts
 * import { leafBindingSignedHash } from '@demls/mls'
 * import { recoverHashAddress } from '@demls/eip191'
 * declare const signaturePublicKey: Uint8Array
 * declare const proof: Uint8Array // 65-byte EIP-191 signature from the leaf's extension
 * const memberId = new Uint8Array(20).fill(1)
 * const signer = recoverHashAddress(leafBindingSignedHash(signaturePublicKey, memberId), proof)
 * ```
 */
export function leafBindingSignedHash(signaturePublicKey: Uint8Array, memberId: Uint8Array): Uint8Array {
  const digest = leafBindingDigest(signaturePublicKey, memberId)
  const buf = new Uint8Array(EIP191_PREFIX_32.length + 32)
  buf.set(EIP191_PREFIX_32, 0)
  buf.set(digest, EIP191_PREFIX_32.length)
  return keccak_256(buf)
}

/** Sign the binding of `signaturePublicKey` to the signer's member id. */
export async function signLeafBinding(signer: IdentitySigner, signaturePublicKey: Uint8Array): Promise<Uint8Array> {
  return (await signer.sign(leafBindingDigest(signaturePublicKey, signer.identity))).slice()
}

/**
 * The 20-byte address that signed `proof` over the binding of `signaturePublicKey` to `memberId`, if any.
 *
 * @example
 * ```ts
 * import { memberIdToHex, recoverLeafBinding } from '@demls/mls'
 * declare const signaturePublicKey: Uint8Array
 * declare const proof: Uint8Array
 * const memberId = new Uint8Array(20).fill(1)
 * const recovered = recoverLeafBinding(signaturePublicKey, memberId, proof)
 * if (recovered) console.log(`signed by ${memberIdToHex(recovered)}`)
 * ```
 */
export function recoverLeafBinding(
  signaturePublicKey: Uint8Array,
  memberId: Uint8Array,
  proof: Uint8Array,
): Uint8Array | undefined {
  if (proof.length !== LEAF_BINDING_PROOF_LENGTH) return undefined
  // Only v = 27/28 (what signers emit); the rest of the acceptance rule
  // (scalar ranges, high-s normalised like alloy) is @demls/eip191's.
  const v = proof[64]
  if (v !== 27 && v !== 28) return undefined
  return recoverHashAddress(leafBindingSignedHash(signaturePublicKey, memberId), proof)
}

/** The extension carrying `proof`. */
export function leafBindingExtension(proof: Uint8Array): Extension {
  return { extensionType: LEAF_BINDING_EXTENSION_TYPE, extensionData: proof.slice() }
}

/**
 * What is needed of a leaf node to check its binding.
 *
 * @example
 * ```ts
 * import { type BindableLeaf, leafBindingFailure } from '@demls/mls'
 * declare const leaves: BindableLeaf[] // leaf nodes of the ratchet tree (credential, signature key, extensions)
 * const unbound = leaves.filter((leaf) => leafBindingFailure(leaf) !== undefined)
 * ```
 */
export interface BindableLeaf {
  credential: Credential
  signaturePublicKey: Uint8Array
  extensions: readonly Extension[]
}

// Verified (signature key, identity, proof) triples: a leaf stays in the
// tree across epochs and groups, so each is recovered once.
const verified = new Set<string>()
const VERIFIED_CAP = 4096

/**
 * Check that `leaf` carries exactly one binding extension whose signature
 * recovers to its credential identity. Returns the failure, or undefined.
 *
 * @example
 * ```ts
 * import { type BindableLeaf, leafBindingFailure } from '@demls/mls'
 * declare const leaf: BindableLeaf
 * switch (leafBindingFailure(leaf)) {
 *   case undefined: console.log('bound'); break
 *   case 'missing': console.log('no binding extension'); break
 *   default: console.log('reject this leaf')
 * }
 * ```
 */
export function leafBindingFailure(leaf: BindableLeaf): IdentityBindingFailure | undefined {
  const cred = leaf.credential
  if (cred.credentialType !== 'basic' || cred.identity.length !== MEMBER_ID_LENGTH) return 'malformed'
  const found = leaf.extensions.filter((e) => e.extensionType === LEAF_BINDING_EXTENSION_TYPE)
  if (found.length === 0) return 'missing'
  const proof = (found[0] as Extension).extensionData
  if (found.length > 1 || proof.length !== LEAF_BINDING_PROOF_LENGTH) return 'malformed'
  const key = `${toHex(leaf.signaturePublicKey)}:${toHex(cred.identity)}:${toHex(proof)}`
  if (verified.has(key)) return undefined
  const signer = recoverLeafBinding(leaf.signaturePublicKey, cred.identity, proof)
  if (signer === undefined) return 'malformed'
  if (!bytesEqual(signer, cred.identity)) return 'mismatch'
  if (verified.size >= VERIFIED_CAP) verified.clear()
  verified.add(key)
  return undefined
}

/** Throw {@link IdentityBindingError} unless `leaf` is bound to its credential identity. */
export function assertLeafBinding(leaf: BindableLeaf): void {
  const failure = leafBindingFailure(leaf)
  if (failure === undefined) return
  const id = leaf.credential.credentialType === 'basic' ? leaf.credential.identity : new Uint8Array(0)
  throw new IdentityBindingError(failure, id)
}
