/**
 * Validity window of a key package, in Unix seconds (inclusive).
 *
 * @example
 * ```ts
 * import { type KeyPackageLifetime, createMlsClient, decodeKeyPackage } from '@demls/mls'
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const { notBefore, notAfter }: KeyPackageLifetime = decodeKeyPackage(await bob.generateKeyPackage()).lifetime
 * console.log(`valid for ${notAfter - notBefore} s`)
 * ```
 */
export interface KeyPackageLifetime {
  /** First second the key package is valid. */
  notBefore: bigint
  /** Last second the key package is valid. */
  notAfter: bigint
}

/** Default key-package validity: 90 days. */
export const DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS = 90 * 24 * 3600

/** Tolerated clock skew applied to `notBefore` (one hour, as OpenMLS). */
export const KEY_PACKAGE_CLOCK_SKEW_SECONDS = 3600

/** Unix seconds of a millisecond timestamp. */
export function toUnixSeconds(nowMs: number): bigint {
  return BigInt(Math.floor(nowMs / 1000))
}

const MAX_UINT64 = (1n << 64n) - 1n

/**
 * The lifetime of a key package generated at `nowMs` valid for `seconds`.
 * Both ends are clamped to the u64 range of the wire format: near the Unix
 * epoch (e.g. a virtual clock starting at 0) `notBefore` would otherwise go
 * negative and encode as a time about 2^64 s in the future.
 */
export function lifetimeFrom(nowMs: number, seconds: number): KeyPackageLifetime {
  const now = toUnixSeconds(nowMs)
  const notBefore = now - BigInt(KEY_PACKAGE_CLOCK_SKEW_SECONDS)
  const notAfter = now + BigInt(Math.floor(seconds))
  return {
    notBefore: notBefore < 0n ? 0n : notBefore > MAX_UINT64 ? MAX_UINT64 : notBefore,
    notAfter: notAfter < 0n ? 0n : notAfter > MAX_UINT64 ? MAX_UINT64 : notAfter,
  }
}
