import type { CiphersuiteImpl, KeyPackage } from '#ts-mls'
import { verifyKeyPackage } from '#ts-mls/keyPackage.js'
import { verifyLeafNodeSignatureKeyPackage } from '#ts-mls/leafNode.js'
import { InvalidKeyPackageError } from '../errors.js'
import { bytesEqual } from '../internal/bytes.js'
import { type KeyPackageInfo, decodeKeyPackageInternal } from './codec.js'
import { toUnixSeconds } from './lifetime.js'

/**
 * Fully validate a key package: shape (see `decodeKeyPackage`), its
 * signature, its leaf node signature, init key ≠ encryption key, and that
 * `nowMs` lies within its lifetime.
 */
export async function validateKeyPackageInternal(
  bytes: Uint8Array,
  impl: CiphersuiteImpl,
  nowMs: number,
): Promise<{ keyPackage: KeyPackage; info: KeyPackageInfo }> {
  const decoded = decodeKeyPackageInternal(bytes)
  const { keyPackage, info } = decoded
  if (!(await verifyKeyPackage(keyPackage, impl.signature))) throw new InvalidKeyPackageError('bad signature')
  const leaf = keyPackage.leafNode
  const leafOk = await verifyLeafNodeSignatureKeyPackage(leaf, impl.signature).catch(() => false)
  if (!leafOk) throw new InvalidKeyPackageError('bad leaf node signature')
  if (bytesEqual(keyPackage.initKey, leaf.hpkePublicKey)) {
    throw new InvalidKeyPackageError('init key equals the leaf encryption key')
  }
  checkLifetime(info, nowMs)
  return decoded
}

/** Throw {@link InvalidKeyPackageError} unless `nowMs` is within the key package's lifetime. */
export function checkLifetime(info: KeyPackageInfo, nowMs: number): void {
  const now = toUnixSeconds(nowMs)
  if (now < info.lifetime.notBefore) throw new InvalidKeyPackageError('not valid yet')
  if (now > info.lifetime.notAfter) throw new InvalidKeyPackageError('expired')
}
