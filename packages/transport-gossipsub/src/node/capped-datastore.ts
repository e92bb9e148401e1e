import type { AbortOptions } from '@libp2p/interface'
import { MemoryDatastore } from 'datastore-core/memory'
import { InvalidReachConfigError } from '../errors.js'

type Key = Parameters<MemoryDatastore['put']>[0]

/**
 * libp2p's in-memory datastore with a cap on the records kept under one
 * prefix (the DHT's, `/dht/`: provider records and values other peers
 * ask a DHT server to store). A new key over the cap is refused (the
 * DHT request that wanted it fails; the server keeps what it has);
 * overwriting a key it holds, and everything outside the prefix (the peer
 * store), is unaffected.
 */
export class CappedMemoryDatastore extends MemoryDatastore {
  readonly #prefix: string
  readonly #max: number
  readonly #keys = new Set<string>()
  /** Records refused because the cap was reached. */
  refused = 0

  constructor(prefix: string, max: number) {
    super()
    if (!Number.isSafeInteger(max) || max < 1) throw new InvalidReachConfigError('dht.maxRecords', 'a positive integer')
    this.#prefix = prefix
    this.#max = max
  }

  /** Records held under the prefix. */
  get records(): number {
    return this.#keys.size
  }

  override put(key: Key, val: Uint8Array, options?: AbortOptions): Key | Promise<Key> {
    const k = key.toString()
    if (k.startsWith(this.#prefix) && !this.#keys.has(k)) {
      if (this.#keys.size >= this.#max) {
        this.refused++
        throw new Error(`DHT records full (${this.#max})`)
      }
      this.#keys.add(k)
    }
    return super.put(key, val, options)
  }

  override delete(key: Key, options?: AbortOptions): void | Promise<void> {
    this.#keys.delete(key.toString())
    return super.delete(key, options)
  }
}
