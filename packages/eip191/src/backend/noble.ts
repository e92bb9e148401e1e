import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { Secp256k1Backend } from './types.js'

/** The pure-JavaScript backend on `@noble/curves` (browsers, and Node when the native binary is missing). */
export const nobleBackend: Secp256k1Backend = {
  name: 'noble',
  keccak: 'noble',
  keccak256: keccak_256,
  recoverPublicKey(hash, compact, recovery) {
    try {
      const sig = secp256k1.Signature.fromBytes(compact, 'compact').addRecoveryBit(recovery)
      return sig.recoverPublicKey(hash).toBytes(false)
    } catch {
      return undefined
    }
  },
  sign(hash, privateKey) {
    const rec = secp256k1.sign(hash, privateKey, { prehash: false, format: 'recovered', lowS: true })
    return { compact: rec.slice(1, 65), recovery: rec[0] === 1 ? 1 : 0 }
  },
}
