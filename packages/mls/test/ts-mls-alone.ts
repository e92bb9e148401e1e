/**
 * What the tests of ts-mls alone (no demls wrapper: the upstream
 * reproductions of UPSTREAM.md) share: the ciphersuite on ts-mls's own
 * crypto provider, and a key package with a basic credential.
 */
import type { Hash } from '#ts-mls/crypto/hash.js'
import { type KeyPackage, type PrivateKeyPackage, defaultCapabilities, defaultLifetime, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl } from '#ts-mls'

/** MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 on ts-mls's default provider. */
export const impl = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'))

/** A key package (and its private half) for identity `name`. */
export function keyPackage(name: string): Promise<{ publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }> {
  return generateKeyPackage({ credentialType: 'basic', identity: new TextEncoder().encode(name) }, defaultCapabilities(), defaultLifetime, [], impl)
}

/**
 * `impl.hash` counting its digests. The patch's tree-hash caches are kept
 * per hash object: each call gives a hash object of its own, with nothing
 * cached yet.
 */
export function countingHash(): { h: Hash; digests: () => number } {
  let n = 0
  const digest = (d: Uint8Array) => {
    n++
    return impl.hash.digest(d)
  }
  const h: Hash = { digest, mac: (k, d) => impl.hash.mac(k, d), verifyMac: (k, m, d) => impl.hash.verifyMac(k, m, d) }
  return { h, digests: () => n }
}
