/// <reference types="node" />
// Node-only: reached through the `#secp256k1-platform` import condition
// "node", so browser bundles never see `node:module` or the native addons.
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { keccak_256 } from '@noble/hashes/sha3.js'
import type { Secp256k1Backend } from './types.js'

/** The subset of the `secp256k1` package's API used here (it has no bundled types). */
interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean, output?: Uint8Array): Uint8Array
  ecdsaSign(msg32: Uint8Array, seckey: Uint8Array): { signature: Uint8Array; recid: number }
}

/** The `keccak` package's addon class (the sponge state). */
type KeccakState = new () => {
  initialize(rate: number, capacity: number): void
  absorb(data: Uint8Array): void
  absorbLastFewBits(bits: number): void
  squeeze(length: number): Uint8Array
}

const require = createRequire(import.meta.url)

/**
 * keccak-256 on the `keccak` package's prebuilt addon, loaded directly with
 * `node-gyp-build` (as that package does) so neither its pure-JS fallback
 * nor its stream wrapper (`readable-stream`) is involved; `undefined` when
 * no binary loads here.
 */
function loadNativeKeccak(): ((data: Uint8Array) => Uint8Array) | undefined {
  try {
    const dir = dirname(require.resolve('keccak/package.json'))
    const State = createRequire(`${dir}/package.json`)('node-gyp-build')(dir) as KeccakState
    if (typeof State !== 'function') return undefined
    const keccak256 = (data: Uint8Array): Uint8Array => {
      const s = new State()
      s.initialize(1088, 512) // rate 1088 bits, capacity 512: keccak-256
      s.absorb(data)
      s.absorbLastFewBits(0x01) // keccak padding (SHA3-256 would be 0x06)
      return Uint8Array.from(s.squeeze(32))
    }
    // Known answer: keccak-256("") = c5d2460186f7…
    if (keccak256(new Uint8Array(0))[0] !== 0xc5) return undefined
    return keccak256
  } catch {
    return undefined
  }
}

/**
 * The backend on libsecp256k1 through the `secp256k1` package's prebuilt
 * binary, or the reason it cannot load. `secp256k1/bindings` is required
 * directly: the package's main entry would silently fall back to a
 * pure-JavaScript `elliptic` build, which is neither native nor needed.
 * keccak-256 is native too when the `keccak` package's binary loads, else
 * @noble/hashes.
 */
export function loadNativeBackend(): Secp256k1Backend | Error {
  let lib: NativeSecp256k1
  try {
    lib = require('secp256k1/bindings') as NativeSecp256k1
  } catch (cause) {
    return cause instanceof Error ? cause : new Error(String(cause))
  }
  const nativeKeccak = loadNativeKeccak()
  return {
    name: 'native',
    keccak: nativeKeccak === undefined ? 'noble' : 'native',
    keccak256: nativeKeccak ?? keccak_256,
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
