import { DemlsError, type DemlsErrorOptions } from '@demls/wire'
import type { StoreRefusal } from './codec.js'

/**
 * A store answered a history request with a refusal.
 *
 * @example
 * ```ts
 * import { StoreRefusedError, fetchFromStore } from '@demls/transport-gossipsub'
 * declare const pages: ReturnType<typeof fetchFromStore>
 * try {
 *   for await (const p of pages) console.log(p.cursor)
 * } catch (err) {
 *   if (err instanceof StoreRefusedError) console.log(err.code, err.reason, err.store) // 'STORE_REFUSED' 'not-served' '12D3Koo…'
 * }
 * ```
 */
export class StoreRefusedError extends DemlsError {
  /** Why the store refused. */
  readonly reason: StoreRefusal
  /** The store's peer id or address. */
  readonly store: string

  constructor(store: string, reason: StoreRefusal, options: DemlsErrorOptions = {}) {
    super(`store ${store} refused the request: ${reason}`, 'STORE_REFUSED', options)
    this.name = 'StoreRefusedError'
    this.reason = reason
    this.store = store
  }
}

/**
 * Fetching from one or more stores failed (unreachable, refused, or an
 * unreadable or inconsistent reply); `failures` has each store's error.
 * Packets fetched before the failure were already handed out.
 *
 * @example
 * ```ts
 * import { StoreFetchError, gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport({ stores: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'] })
 * await transport.start()
 * try {
 *   for await (const p of transport.fetchStored('/chat/1/app_msg/proto', { sinceMs: 0 })) console.log(p.bytes)
 * } catch (err) {
 *   if (err instanceof StoreFetchError) for (const f of err.failures) console.log(f.store, f.error.message)
 * }
 * ```
 */
export class StoreFetchError extends DemlsError {
  /** The stores that failed, with their errors. */
  readonly failures: ReadonlyArray<{ store: string; error: Error }>

  constructor(failures: ReadonlyArray<{ store: string; error: Error }>, options: DemlsErrorOptions = {}) {
    super(`fetching from ${failures.length} store(s) failed`, 'STORE_FETCH_FAILED', { cause: failures[0]?.error, ...options })
    this.name = 'StoreFetchError'
    this.failures = failures
  }
}

/**
 * Invalid options of a store service (a limit that is not a positive
 * integer, a per-topic budget above the total, a topic to serve that is
 * neither a demls topic nor a conversation id).
 *
 * @example
 * ```ts
 * import { InvalidStoreConfigError, StoreService, createGossipsubNode } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode()
 * await StoreService.open({ node, directory: './store', limits: { maxTotalBytes: -1 } }).catch((err) => {
 *   if (err instanceof InvalidStoreConfigError) console.log(err.field) // 'maxTotalBytes'
 * })
 * ```
 */
export class InvalidStoreConfigError extends DemlsError {
  /** The option at fault. */
  readonly field: string

  constructor(field: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid store option ${field}: ${reason}`, 'INVALID_STORE_CONFIG', options)
    this.name = 'InvalidStoreConfigError'
    this.field = field
  }
}
