import { compareBytes, toHex } from '@demls/wire'
import type { Backend, RawOperation } from './backend.js'
import { openKvStorage } from './kv-storage.js'
import type { Storage, StorageInit } from './types.js'

/**
 * Options of {@link memoryStorage}.
 *
 * @example
 * ```ts
 * import { type MemoryStorageInit, memoryStorage } from '@demls/storage'
 * const init: MemoryStorageInit = { encryptionKey: new Uint8Array(32).fill(1) } // exercises the encryption path in tests
 * const store = await memoryStorage(init)
 * console.log(store.encrypted) // true
 * const likeLevel = await memoryStorage({ plaintext: false }) // locked until unlock(key), as levelStorage({ location })
 * console.log(likeLevel.locked) // true
 * ```
 */
export interface MemoryStorageInit extends StorageInit {}

class MemoryBackend implements Backend {
  private readonly map = new Map<string, [Uint8Array, Uint8Array]>()

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.map.get(toHex(key))?.[1].slice()
  }

  async getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return keys.map((k) => this.map.get(toHex(k))?.[1].slice())
  }

  private range(gte: Uint8Array, lt: Uint8Array): [Uint8Array, Uint8Array][] {
    const out: [Uint8Array, Uint8Array][] = []
    for (const entry of this.map.values()) {
      if (compareBytes(entry[0], gte) >= 0 && compareBytes(entry[0], lt) < 0) out.push(entry)
    }
    return out.sort((a, b) => compareBytes(a[0], b[0]))
  }

  async *iterate(gte: Uint8Array, lt: Uint8Array): AsyncGenerator<[Uint8Array, Uint8Array]> {
    for (const [k, v] of this.range(gte, lt)) yield [k.slice(), v.slice()]
  }

  async *keys(gte: Uint8Array, lt: Uint8Array): AsyncGenerator<Uint8Array> {
    for (const [k] of this.range(gte, lt)) yield k.slice()
  }

  async write(operations: RawOperation[]): Promise<void> {
    for (const op of operations) {
      if (op.type === 'put') this.map.set(toHex(op.key), [op.key.slice(), op.value.slice()])
      else this.map.delete(toHex(op.key))
    }
  }

  async close(): Promise<void> {
    this.map.clear()
  }
}

/**
 * A {@link Storage} in memory, for tests and simulations: the same
 * validation, limits, ordering, atomicity and (with `encryptionKey`)
 * encryption as {@link levelStorage}, with nothing on disk. Everything is
 * gone when it is closed or the process ends.
 *
 * Nothing is at rest in memory, so it is plain by default (unlike
 * `levelStorage`, which is encrypted by default). It takes the same
 * options, so code can switch backends: `encryptionKey` encrypts it,
 * `plaintext: true` is the default, and `plaintext: false` opens it locked
 * until {@link Storage.unlock}, like `levelStorage({ location })`.
 *
 * @example
 * ```ts
 * import { memoryStorage } from '@demls/storage'
 * const store = await memoryStorage()
 * await store.put(['conv', 'chat', 'epoch'], new Uint8Array([7]))
 * console.log(await store.get(['conv', 'chat', 'epoch'])) // Uint8Array [7]
 * ```
 */
export function memoryStorage(init: MemoryStorageInit = {}): Promise<Storage> {
  return openKvStorage(new MemoryBackend(), init, true)
}
