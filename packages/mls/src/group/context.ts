import type { CiphersuiteImpl, ClientConfig } from '#ts-mls'
import { toUnixSeconds } from '../key-package/lifetime.js'

/** Everything a group needs from its client (internal). */
export interface GroupDeps {
  /** Ciphersuite implementation (crypto provider applied). */
  readonly impl: CiphersuiteImpl
  /** Client config re-attached to every state (auth service, key retention). */
  readonly clientConfig: ClientConfig
  /** Our member id. */
  readonly memberId: Uint8Array
  /** Send proposals and commits as PublicMessage instead of PrivateMessage. */
  readonly publicHandshakes: boolean
  /** Refuse leaves not bound to their member id (key packages we add, leaves remote commits add or change). */
  readonly requireIdentityBinding: boolean
}

/**
 * `config` with ts-mls's key-package lifetime check pinned to `nowMs` (the
 * caller's clock) instead of the wall clock. ts-mls checks the lifetime of
 * every added key package while building a commit; without this a virtual
 * or skewed clock made valid key packages fail (or expired ones pass).
 * Relies on the `currentTime` hook of our ts-mls patch.
 */
export function clientConfigAt(config: ClientConfig, nowMs: number): ClientConfig {
  const now = toUnixSeconds(nowMs)
  return { ...config, lifetimeConfig: { ...config.lifetimeConfig, currentTime: () => now } }
}
