import { type CryptoProvider, defaultCryptoProvider } from '#ts-mls'
import { createPlatformCryptoBackend } from '#crypto-backend'
import { CryptoBackendError } from '../errors.js'
import type { CryptoBackend } from './backend.js'
import { cryptoProviderFromBackend } from './provider.js'
import { webCryptoBackend } from './web-backend.js'

/**
 * Which crypto implementation an {@link MlsClient} uses:
 * - `'auto'` (default): the fastest correct backend for the platform —
 *   synchronous `node:crypto` with cached KeyObjects in Node, WebCrypto with
 *   keys imported once (plus @noble/hashes) elsewhere. Chosen through the
 *   package's `#crypto-backend` import conditions, so browser bundles never
 *   reference `node:crypto`.
 * - `'web'`: the WebCrypto backend, on any platform.
 * - `'default'`: ts-mls's stock provider (slow; for baselines and interop).
 * - a {@link CryptoBackend}: your own primitives.
 *
 * All choices are wire-compatible; members of one group may differ.
 *
 * @example
 * ```ts
 * import { type CryptoChoice, createMlsClient } from '@demls/mls'
 * const choice: CryptoChoice = 'auto' // WebCrypto where it has Ed25519, else the noble default
 * const client = await createMlsClient({ memberId: new Uint8Array(20).fill(1), crypto: choice })
 * console.log(client.cryptoName)
 * ```
 */
export type CryptoChoice = 'auto' | 'web' | 'default' | CryptoBackend

/** A resolved choice: the ts-mls provider plus a name for diagnostics. */
export interface ResolvedCrypto {
  readonly name: string
  readonly provider: CryptoProvider
}

/**
 * The backend that `'auto'` resolves to on this platform (`node:crypto`
 * and libsodium in Node, WebCrypto elsewhere), as an object to wrap: an
 * application or a simulation may replace one primitive and pass the
 * result as `crypto`, e.g. seeded `randomBytes` and `ed25519Keygen` so
 * that a simulated run repeats exactly (never in production: every secret
 * would follow from the seed).
 *
 * @example
 * ```ts
 * import { type CryptoBackend, createMlsClient, platformCryptoBackend } from '@demls/mls'
 * const base = await platformCryptoBackend()
 * let draws = 0
 * const counted: CryptoBackend = { ...base, randomBytes: (n) => (draws++, crypto.getRandomValues(new Uint8Array(n))) }
 * const client = await createMlsClient({ memberId: new Uint8Array(20).fill(1), crypto: counted })
 * await client.generateKeyPackage()
 * console.log(client.cryptoName, draws > 0) // the wrapped backend served the key package's randomness
 * ```
 */
export function platformCryptoBackend(): Promise<CryptoBackend> {
  return createPlatformCryptoBackend()
}

/** Resolve a {@link CryptoChoice} to a provider. */
export async function resolveCrypto(choice: CryptoChoice = 'auto'): Promise<ResolvedCrypto> {
  try {
    if (choice === 'default') return { name: 'ts-mls-default', provider: defaultCryptoProvider }
    const backend =
      choice === 'auto' ? await createPlatformCryptoBackend() : choice === 'web' ? await webCryptoBackend() : choice
    return { name: backend.name, provider: cryptoProviderFromBackend(backend) }
  } catch (cause) {
    throw new CryptoBackendError(String(cause), { cause })
  }
}
