/**
 * Options accepted by every {@link DemlsError} constructor.
 *
 * @example
 * ```ts
 * import { DecodeError, type DemlsErrorOptions } from '@demls/wire'
 * const options: DemlsErrorOptions = { cause: new RangeError('index out of range'), details: 'field 21 ends early' }
 * throw new DecodeError('consensus.v1.Vote', 'truncated input', options)
 * ```
 */
export interface DemlsErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown
  /**
   * Technical details. Defaults to the message of the deepest `cause`
   * (its `shortMessage` when it is a {@link DemlsError}).
   */
  details?: string
  /**
   * Path of the documentation page that explains the error. Defaults to
   * the error's section of `docs/errors.md` ({@link docsPathOf}).
   */
  docsPath?: string
}

/** Where `docs/errors.md` lives, relative to the repository root. */
const ERRORS_PAGE = '/docs/errors.md'

/**
 * The default `docsPath` of an error code: its section of `docs/errors.md`
 * (`CONVERSATION_EXISTS` → `/docs/errors.md#conversation-exists`).
 *
 * @example
 * ```ts
 * import { docsPathOf } from '@demls/wire'
 * docsPathOf('DECODE_ERROR') // '/docs/errors.md#decode-error'
 * ```
 */
export function docsPathOf(code: string): string {
  return `${ERRORS_PAGE}#${code.toLowerCase().replace(/_/g, '-')}`
}

/** The deepest error of a `cause` chain (cycles stop the walk). */
function deepest(start: unknown): unknown {
  let current = start
  const seen = new Set<unknown>()
  while (current != null && !seen.has(current)) {
    seen.add(current)
    const next = (current as { cause?: unknown }).cause
    if (next == null || seen.has(next)) return current
    current = next
  }
  return current
}

/** The one-line message of any thrown value. */
function messageOf(err: unknown): string | undefined {
  if (err == null) return undefined
  if (err instanceof DemlsError) return err.shortMessage
  if (err instanceof Error) return err.message
  if (typeof err === 'string') return err
  return String(err)
}

/**
 * Base class of every error thrown by a demls package, in viem's shape: a
 * one-line {@link DemlsError.shortMessage}, the deepest cause's message as
 * {@link DemlsError.details}, a {@link DemlsError.docsPath} into
 * `docs/errors.md`, and a stable {@link DemlsError.code}. `message` joins
 * them:
 *
 * ```text
 * conversation chat already exists
 *
 * Details: …
 * Docs: /docs/errors.md#conversation-exists
 * ```
 *
 * Match on `code` (or `instanceof`), never on `name`.
 *
 * @example
 * ```ts
 * import { DemlsError, decodeVote } from '@demls/wire'
 * try {
 *   decodeVote(new Uint8Array([0xff]))
 * } catch (err) {
 *   if (err instanceof DemlsError && err.code === 'DECODE_ERROR') console.log(err.shortMessage, err.docsPath)
 * }
 * ```
 */
export class DemlsError extends Error {
  /** Stable machine-readable code, e.g. `DECODE_ERROR`. */
  readonly code: string
  /** The one-line message (without details and docs). */
  readonly shortMessage: string
  /** The deepest cause's message (or explicit details), if any. */
  readonly details: string | undefined
  /** Path of the documentation of this error, e.g. `/docs/errors.md#decode-error`. */
  readonly docsPath: string | undefined

  /**
   * @param shortMessage - the one-line message
   * @param code - the stable code (see `docs/errors.md`)
   * @param options - `cause`, and overrides of `details` and `docsPath`
   */
  constructor(shortMessage: string, code = 'DEMLS_ERROR', options: DemlsErrorOptions = {}) {
    const root = options.cause === undefined ? undefined : deepest(options.cause)
    const details = options.details ?? messageOf(root)
    const docsPath = options.docsPath ?? docsPathOf(code)
    const lines = [shortMessage]
    // Details already spelled out in the short message (`cannot decode X: <reason>`) are not repeated.
    if (details !== undefined && details !== '' && !shortMessage.includes(details)) lines.push('', `Details: ${details}`)
    else if (docsPath !== '') lines.push('')
    if (docsPath !== '') lines.push(`Docs: ${docsPath}`)
    super(lines.join('\n'), options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DemlsError'
    this.code = code
    this.shortMessage = shortMessage
    this.details = details === '' ? undefined : details
    this.docsPath = docsPath === '' ? undefined : docsPath
  }

  /**
   * Walk the `cause` chain, starting with this error, and return the first
   * error for which `predicate` is true (`undefined` when none is), or the
   * deepest cause when no predicate is given.
   *
   * @example
   * ```ts
   * import { DemlsError } from '@demls/wire'
   * declare const err: DemlsError // e.g. a session error caused by a decode failure
   * const decode = err.walk((e) => e instanceof DemlsError && e.code === 'DECODE_ERROR')
   * ```
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
