import type { AbortOptions } from '@demls/wire'
import type { ConversationConfigInit } from '../../core/config.js'
import type { JoinRetryInit } from './backoff.js'
import type { JoinProgress } from './progress.js'

/**
 * Options of `User.join`.
 *
 * @example
 * ```ts
 * import { type JoinOptions, type User } from '@demls/session'
 * declare const bob: User
 * const options: JoinOptions = { timeoutMs: 120_000, onProgress: (p) => console.log(p.phase), retry: { initialMs: 2_000, maxMs: 20_000 } }
 * const chat = await bob.join('chat', options)
 * ```
 */
export interface JoinOptions extends AbortOptions {
  /** Conversation configuration (the group's synced values overwrite the shared ones). */
  config?: ConversationConfigInit
  /**
   * Announce a fresh key package on the welcome channel. Set to `false` when
   * a member adds us with a key package we gave it out of band
   * (`User.keyPackage`); we then only wait for the Welcome.
   * @default true
   */
  announce?: boolean
  /**
   * Probe for a ready member before announcing, and announce only once a
   * signed beacon answered. Set to `false` for groups of reference peers,
   * which never answer probes: the key package is then announced at once.
   * @default the value of `announce`
   */
  probe?: boolean
  /**
   * The join deadline (ms from the call): `NoReadyPeersError` or
   * `WelcomeTimeoutError` after it.
   * @default 3 × commitInactivityMs of the configuration
   */
  timeoutMs?: number
  /** Called for every {@link JoinProgress} step of this join (also on `User.joinProgress$`). */
  onProgress?: (progress: JoinProgress) => void
  /**
   * Member ids we trust out of band (a sponsor, an inviter). When given,
   * only beacons and statuses signed by one of them count, and only a
   * Welcome into a group one of them is a member of is accepted; otherwise
   * any valid signature counts, and a Welcome is accepted into a group a
   * beacon signer is a member of (see the trust limits in the package
   * README).
   */
  trustedMembers?: readonly Uint8Array[]
  /** Retry schedule of key-package announcements. @default { initialMs: 3_000, maxMs: 30_000 } */
  retry?: JoinRetryInit
  /**
   * Retry schedule of probes. Probes are small and their answers
   * rate-limited, so they repeat faster than announcements: under loss the
   * first ready member is found within a few seconds.
   * @default { initialMs: 1_000, maxMs: 5_000 }
   */
  probeRetry?: JoinRetryInit
}

/**
 * Options of `User.joinByLink`: those of `User.join` (but `announce`: a
 * link join always announces, with its proof), and how to reach the
 * addresses the link carries.
 *
 * @example
 * ```ts
 * import { type JoinByLinkOptions, type User } from '@demls/session'
 * declare const bob: User
 * declare const link: string
 * declare function dial(address: string): Promise<void> // e.g. a libp2p node's dial
 * const options: JoinByLinkOptions = {
 *   signal: AbortSignal.timeout(120_000),
 *   connect: async (addresses) => {
 *     for (const a of addresses) await dial(a).catch(() => undefined)
 *   },
 * }
 * const chat = await bob.joinByLink(link, options)
 * ```
 */
export interface JoinByLinkOptions extends Omit<JoinOptions, 'announce'> {
  /**
   * Called before joining with the addresses the link carries (signed by
   * its creator), when it carries any: connect the transport to them. The
   * join goes on when it resolves; a rejection fails the join with it.
   */
  connect?: (addresses: readonly string[], options: AbortOptions) => void | Promise<void>
}

/**
 * Options of `User.knock`.
 *
 * @example
 * ```ts
 * import type { KnockOptions, User } from '@demls/session'
 * declare const bob: User
 * const options: KnockOptions = { note: 'bob from the climbing club', expiresInMs: 15 * 60 * 1000, onProgress: (p) => console.log(p.phase) }
 * const chat = await bob.knock('climbing', options)
 * ```
 */
export interface KnockOptions extends AbortOptions {
  /** Conversation configuration (the group's synced values overwrite the shared ones). */
  config?: ConversationConfigInit
  /** A few words for the members (at most 256 bytes of UTF-8). @default '' */
  note?: string
  /** How long the knock waits for an answer (ms, at most 1 hour). @default 10 minutes */
  expiresInMs?: number
  /**
   * How long the join may take once a member let us in (ms).
   * @default 3 × commitInactivityMs of the configuration
   */
  timeoutMs?: number
  /** Called for every step (`knocking`, `let-in`, then the join's phases). */
  onProgress?: (progress: JoinProgress) => void
  /** As for `User.join`: only answers, beacons and statuses signed by one of these count. */
  trustedMembers?: readonly Uint8Array[]
}
