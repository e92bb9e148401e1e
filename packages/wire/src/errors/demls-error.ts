/** Options accepted by every {@link DemlsError} constructor. */
export interface DemlsErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown
}

/**
 * Base class of every error thrown by a demls package. Match on `name`
 * (stable even when two copies of a package are installed) or on `code`.
 *
 * @example
 * ```ts
 * import { DemlsError, decodeVote } from '@demls/wire'
 * try {
 *   decodeVote(new Uint8Array([0xff]))
 * } catch (err) {
 *   if (err instanceof DemlsError) console.log(err.name, err.code)
 * }
 * ```
 */
export class DemlsError extends Error {
  /** Stable machine-readable code, e.g. `DECODE_ERROR`. */
  readonly code: string

  constructor(message: string, code = 'DEMLS_ERROR', options: DemlsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DemlsError'
    this.code = code
  }

  /**
   * Walk the `cause` chain and return the first error for which `predicate`
   * is true (or the deepest cause when no predicate is given).
   */
  walk(predicate?: (err: unknown) => boolean): unknown {
    let current: unknown = this
    let last: unknown = this
    const seen = new Set<unknown>()
    while (current != null && !seen.has(current)) {
      seen.add(current)
      if (predicate?.(current)) return current
      last = current
      current = (current as { cause?: unknown }).cause
    }
    return predicate ? undefined : last
  }
}
