/** Validity window of a key package, in Unix seconds (inclusive). */
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

/** The lifetime of a key package generated at `nowMs` valid for `seconds`. */
export function lifetimeFrom(nowMs: number, seconds: number): KeyPackageLifetime {
  const now = toUnixSeconds(nowMs)
  return { notBefore: now - BigInt(KEY_PACKAGE_CLOCK_SKEW_SECONDS), notAfter: now + BigInt(Math.floor(seconds)) }
}
