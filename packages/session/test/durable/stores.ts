import type { BatchOperation, Storage, StorageEntry, StorageKey } from '@demls/storage'

/**
 * A view of `inner` that can crash: after {@link Crashable.crash} every
 * call rejects and nothing more is written, and `close` leaves `inner`
 * open (a restarted user reopens the same store through another view).
 * `gate` holds writes until it is opened, to watch what waits for them.
 */
export interface Crashable extends Storage {
  crash(): void
  /** Hold every write until {@link Crashable.open}. */
  hold(): void
  open(): void
  /** Writes that resolved (key of each operation, joined by '/'). */
  readonly writes: string[]
}

export function crashable(inner: Storage): Crashable {
  let crashed = false
  let gate: { promise: Promise<void>; release: () => void } | undefined
  const writes: string[] = []
  const alive = () => {
    if (crashed) throw new Error('crashed')
  }
  const write = async (ops: readonly BatchOperation[]) => {
    alive()
    if (gate !== undefined) await gate.promise
    alive()
    await inner.batch(ops)
    for (const o of ops) writes.push(o.key.join('/'))
  }
  return {
    get closed() {
      return inner.closed
    },
    encrypted: inner.encrypted,
    writes,
    crash: () => {
      crashed = true
      gate?.release()
    },
    hold: () => {
      let release = () => {}
      const promise = new Promise<void>((r) => {
        release = r
      })
      gate = { promise, release }
    },
    open: () => {
      gate?.release()
      gate = undefined
    },
    get: async (key: StorageKey) => {
      alive()
      return inner.get(key)
    },
    getMany: async (keys: readonly StorageKey[]) => {
      alive()
      return inner.getMany(keys)
    },
    entries: (prefix: StorageKey): AsyncIterableIterator<StorageEntry> => {
      alive()
      return inner.entries(prefix)
    },
    batch: (ops) => write(ops),
    put: (key, value) => write([{ type: 'put', key, value }]),
    del: (key) => write([{ type: 'del', key }]),
    delete: async (prefix) => {
      alive()
      const n = await inner.delete(prefix)
      writes.push(`${prefix.join('/')}/*`)
      return n
    },
    close: async () => {},
  }
}
