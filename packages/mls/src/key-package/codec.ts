import type { KeyPackage } from '#ts-mls'
import { InvalidKeyPackageError, MlsDecodeError } from '../errors.js'
import { isCredentialWellFormed } from '../identity/authentication-service.js'
import { decodeMls, encodeMls } from '../message/codec.js'
import { CIPHERSUITE_NAME } from '../crypto/provider.js'
import type { KeyPackageLifetime } from './lifetime.js'

/**
 * What a key package says about its owner, read without verifying it.
 *
 * @example
 * ```ts
 * import { type KeyPackageInfo, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const info: KeyPackageInfo = await alice.validateKeyPackage(await bob.generateKeyPackage())
 * console.log(info.memberId.length, info.signaturePublicKey.length) // 20 32
 * ```
 */
export interface KeyPackageInfo {
  /** The owner's 20-byte member id (basic-credential identity). */
  memberId: Uint8Array
  /** The owner's Ed25519 MLS signature public key. */
  signaturePublicKey: Uint8Array
  /** Validity window. */
  lifetime: KeyPackageLifetime
  /** Ciphersuite name (always the demls suite once decoded). */
  ciphersuite: string
}

/** Encode a ts-mls key package as an MLSMessage (`mls_key_package`). */
export function encodeKeyPackageMessage(keyPackage: KeyPackage): Uint8Array {
  return encodeMls({ version: 'mls10', wireformat: 'mls_key_package', keyPackage })
}

/** Decode key-package bytes into the ts-mls object and its summary. */
export function decodeKeyPackageInternal(bytes: Uint8Array): { keyPackage: KeyPackage; info: KeyPackageInfo } {
  const message = decodeMls(bytes, 'KeyPackage')
  if (message.wireformat !== 'mls_key_package') {
    throw new MlsDecodeError('KeyPackage', `wire format is ${message.wireformat}`)
  }
  const keyPackage = message.keyPackage
  if (keyPackage.cipherSuite !== CIPHERSUITE_NAME) {
    throw new InvalidKeyPackageError(`unsupported ciphersuite ${keyPackage.cipherSuite}`)
  }
  const leaf = keyPackage.leafNode
  if (!isCredentialWellFormed(leaf.credential) || leaf.credential.credentialType !== 'basic') {
    throw new InvalidKeyPackageError('credential is not a basic credential with a 20-byte member id')
  }
  return {
    keyPackage,
    info: {
      memberId: leaf.credential.identity,
      signaturePublicKey: leaf.signaturePublicKey,
      lifetime: { notBefore: leaf.lifetime.notBefore, notAfter: leaf.lifetime.notAfter },
      ciphersuite: keyPackage.cipherSuite,
    },
  }
}

/**
 * Decode key-package bytes (an MLSMessage of wire format `mls_key_package`)
 * and check its shape: the demls ciphersuite and a basic credential holding
 * a 20-byte member id. Signatures and lifetime are NOT checked; use
 * {@link MlsClient.validateKeyPackage} for that.
 *
 * @throws {@link MlsDecodeError} or {@link InvalidKeyPackageError}
 *
 * @example
 * ```ts
 * import { createMlsClient, decodeKeyPackage, memberIdToHex } from '@demls/mls'
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const info = decodeKeyPackage(await bob.generateKeyPackage()) // no signature checks: use validateKeyPackage for that
 * console.log(memberIdToHex(info.memberId), info.ciphersuite, info.lifetime.notAfter)
 * ```
 */
export function decodeKeyPackage(bytes: Uint8Array): KeyPackageInfo {
  return decodeKeyPackageInternal(bytes).info
}
