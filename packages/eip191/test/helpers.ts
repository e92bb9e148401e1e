import { secp256k1 } from '@noble/curves/secp256k1.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { type Secp256k1Backend, nativeSecp256k1Backend, nobleBackend } from '../src/index.js'

/** Hardhat's first three dev keys. */
export const DEV_KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
].map(hexToBytes)

export const N = secp256k1.Point.CURVE().n
export const P = secp256k1.Point.CURVE().p

export function toBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${bytesToHex(b)}`)
}
export function to32(x: bigint): Uint8Array {
  return hexToBytes(x.toString(16).padStart(64, '0'))
}
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m
  return r < 0n ? r + m : r
}

/** 65-byte r ‖ s ‖ v from parts. */
export function rsv(r: bigint, s: bigint, v: number): Uint8Array {
  const out = new Uint8Array(65)
  out.set(to32(r), 0)
  out.set(to32(s), 32)
  out[64] = v
  return out
}

/** The native backend; these tests run where its prebuilt binary exists (linux-x64 CI), and fail otherwise. */
export function native(): Secp256k1Backend {
  const b = nativeSecp256k1Backend()
  if (b === undefined) throw new Error('native secp256k1 backend did not load')
  return b
}

export const noble = nobleBackend
