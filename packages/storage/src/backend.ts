/** One operation handed to a {@link Backend}. */
export type RawOperation = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array }

/**
 * An ordered byte map: what a store keeps its records in. `write` must be
 * atomic and durable when it resolves. Keys and values handed in may be
 * kept; values handed out belong to the caller.
 */
export interface Backend {
  get(key: Uint8Array): Promise<Uint8Array | undefined>
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | undefined)[]>
  /** Entries with `gte <= key < lt`, in byte order. */
  iterate(gte: Uint8Array, lt: Uint8Array): AsyncIterable<[Uint8Array, Uint8Array]>
  /** Keys with `gte <= key < lt`, in byte order. */
  keys(gte: Uint8Array, lt: Uint8Array): AsyncIterable<Uint8Array>
  write(operations: RawOperation[]): Promise<void>
  /** Rewrite the files so deleted records are gone from them (LevelDB); absent where that is not possible. */
  compact?(): Promise<void>
  close(): Promise<void>
}
