/// <reference types="node" />
// Node-only: reached through the `#secp256k1-platform` import condition
// "node", so browser bundles never see `node:module` or the native addon.
import { createRequire } from 'node:module'
import type { Secp256k1Backend } from './types.js'

/** The subset of the `secp256k1` package's API used here (it has no bundled types). */
interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean, output?: Uint8Array): Uint8Array
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number }
}

/**
 * The backend on libsecp256k1 through the `secp256k1` package's prebuilt
 * binary, or the reason it cannot load. `secp256k1/bindings` is required
 * directly: the package's main entry would silently fall back to a
 * pure-JavaScript `elliptic` build, which is neither native nor needed.
 */
export function loadNativeBackend(): Secp256k1Backend | Error {
  let lib: NativeSecp256k1
  try {
    lib = createRequire(import.meta.url)('secp256k1/bindings') as NativeSecp256k1
  } catch (cause) {
    return cause instanceof Error ? cause : new Error(String(cause))
  }
  return {
    name: 'native',
    recoverPublicKey(hash, compact, recovery) {
      try {
        return lib.ecdsaRecover(compact, recovery, hash, false, new Uint8Array(65))
      } catch {
        return undefined
      }
    },
    sign(hash, privateKey) {
      const { signature, recid } = lib.ecdsaSign(hash, privateKey)
      return { compact: Uint8Array.from(signature), recovery: recid === 1 ? 1 : 0 }
    },
  }
}
