import { InvalidConversationIdError, InvalidPrivateKeyError, InvalidUserInitError } from '../errors.js'
import { validateConfigInit } from '../core/config.js'

/** The longest conversation id, in UTF-8 bytes. */
export const MAX_CONVERSATION_ID_BYTES = 128

/** The secp256k1 group order n: a private key is a scalar in [1, n − 1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const USER_INIT_KEYS = ['privateKey', 'transport', 'clock', 'plugins', 'config', 'random', 'storage', 'onCorruptState', 'relayVotes'] as const

const TRANSPORT_METHODS = [
  'start',
  'stop',
  'subscribe',
  'unsubscribe',
  'getTopics',
  'publish',
  'readiness',
  'addEventListener',
  'removeEventListener',
] as const

const CLOCK_METHODS = ['now', 'setTimer', 'clearTimer'] as const

/**
 * Check a conversation id: a non-empty string of at most
 * {@link MAX_CONVERSATION_ID_BYTES} UTF-8 bytes, without `/`, whitespace,
 * control characters or lone surrogates, so that it reads the same in the
 * topic `/{id}/1/app_msg/proto` of every implementation.
 *
 * @throws {InvalidConversationIdError} saying why
 *
 * @example
 * ```ts
 * import { assertConversationId } from '@demls/session'
 * const input: unknown = 'team-chat'
 * assertConversationId(input) // throws InvalidConversationIdError unless 1..128 UTF-8 bytes
 * console.log(input.length)
 * ```
 */
export function assertConversationId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new InvalidConversationIdError(id, `must be a string (got ${typeof id})`)
  if (id.length === 0) throw new InvalidConversationIdError(id, 'must not be empty')
  try {
    encodeURIComponent(id)
  } catch {
    throw new InvalidConversationIdError(id, 'is not well-formed Unicode (lone surrogate)')
  }
  const bytes = new TextEncoder().encode(id).length
  if (bytes > MAX_CONVERSATION_ID_BYTES) {
    throw new InvalidConversationIdError(id, `is ${bytes} UTF-8 bytes long (at most ${MAX_CONVERSATION_ID_BYTES})`)
  }
  const bad = /[/\s\p{Cc}]/u.exec(id)
  if (bad !== null) {
    const what = bad[0] === '/' ? "'/'" : `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`
    throw new InvalidConversationIdError(id, `contains ${what} at index ${bad.index} (no '/', whitespace or control characters in a topic)`)
  }
}

/** Check a secp256k1 private key. */
export function assertPrivateKey(key: unknown): asserts key is Uint8Array {
  if (typeof key === 'string') {
    throw new InvalidPrivateKeyError('must be a Uint8Array of 32 bytes, not a string (for a hex key pass fromHex(key) from @demls/wire)')
  }
  if (!(key instanceof Uint8Array)) {
    throw new InvalidPrivateKeyError(`must be a Uint8Array of 32 bytes (got ${key === null ? 'null' : typeof key})`)
  }
  if (key.length !== 32) throw new InvalidPrivateKeyError(`must be 32 bytes (got ${key.length})`)
  let k = 0n
  for (const b of key) k = (k << 8n) | BigInt(b)
  if (k === 0n) throw new InvalidPrivateKeyError('is zero, which is not a valid secp256k1 private key')
  if (k >= SECP256K1_N) throw new InvalidPrivateKeyError('is not below the secp256k1 curve order, so it is not a valid private key')
}

function missingMethods(obj: object, methods: readonly string[]): string[] {
  return methods.filter((m) => typeof (obj as Record<string, unknown>)[m] !== 'function')
}

/**
 * Check the options of `User.create` (everything but the plug-ins' own
 * checks): no unknown keys, a valid private key, a transport and a clock
 * with their methods, `random` a function, and a valid configuration.
 *
 * @throws {InvalidUserInitError} naming the field
 * @throws {InvalidPrivateKeyError} on a bad private key
 * @throws {InvalidConfigError} on a bad configuration (its `field` names the key)
 */
export function validateUserInit(init: unknown): void {
  if (typeof init !== 'object' || init === null) {
    throw new InvalidUserInitError('init', `must be an object { privateKey, transport, clock } (got ${init === null ? 'null' : typeof init})`)
  }
  for (const key of Object.keys(init)) {
    if (!(USER_INIT_KEYS as readonly string[]).includes(key)) {
      throw new InvalidUserInitError(key, `is not an option (known: ${USER_INIT_KEYS.join(', ')})`)
    }
  }
  const o = init as Record<string, unknown>
  assertPrivateKey(o.privateKey)
  const transport = o.transport
  if (typeof transport !== 'object' || transport === null) {
    throw new InvalidUserInitError('transport', `is required: a Transport such as MemoryNetwork.createTransport() (got ${transport === null ? 'null' : typeof transport})`)
  }
  const tMissing = missingMethods(transport, TRANSPORT_METHODS)
  if (tMissing.length > 0 || typeof (transport as { isStarted?: unknown }).isStarted !== 'boolean') {
    const what = tMissing.length > 0 ? `${tMissing.map((m) => `${m}()`).join(', ')}` : 'isStarted'
    throw new InvalidUserInitError('transport', `is not a Transport (missing ${what})`)
  }
  const clock = o.clock
  if (typeof clock !== 'object' || clock === null) {
    throw new InvalidUserInitError('clock', `is required: a Clock such as MemoryNetwork.clock (got ${clock === null ? 'null' : typeof clock})`)
  }
  const cMissing = missingMethods(clock, CLOCK_METHODS)
  if (cMissing.length > 0) throw new InvalidUserInitError('clock', `is not a Clock (missing ${cMissing.map((m) => `${m}()`).join(', ')})`)
  if ((clock as { track?: unknown }).track !== undefined && typeof (clock as { track?: unknown }).track !== 'function') {
    throw new InvalidUserInitError('clock', 'has a track that is not a function')
  }
  if (o.random !== undefined && typeof o.random !== 'function') {
    throw new InvalidUserInitError('random', `must be a function returning numbers in [0, 1) (got ${typeof o.random})`)
  }
  if (o.storage !== undefined) {
    const st = o.storage as Record<string, unknown> | null
    const methods = ['get', 'put', 'del', 'delete', 'entries', 'batch', 'close']
    if (typeof st !== 'object' || st === null || methods.some((m) => typeof st[m] !== 'function')) {
      throw new InvalidUserInitError('storage', `must be a Storage of @demls/storage (${methods.join(', ')})`)
    }
    if (st.closed === true) throw new InvalidUserInitError('storage', 'is closed')
    if (st.locked === true && typeof st.unlock !== 'function') throw new InvalidUserInitError('storage', 'is locked and has no unlock()')
  }
  if (o.relayVotes !== undefined && typeof o.relayVotes !== 'boolean' && o.relayVotes !== 'auto') {
    throw new InvalidUserInitError('relayVotes', `must be a boolean or 'auto' (got ${typeof o.relayVotes === 'string' ? `'${o.relayVotes}'` : typeof o.relayVotes})`)
  }
  if (o.onCorruptState !== undefined && o.onCorruptState !== 'throw' && o.onCorruptState !== 'skip') {
    throw new InvalidUserInitError('onCorruptState', `must be 'throw' or 'skip' (got ${String(o.onCorruptState)})`)
  }
  if (o.plugins !== undefined && (typeof o.plugins !== 'object' || o.plugins === null)) {
    throw new InvalidUserInitError('plugins', `must be an object of plug-in overrides or a plug-ins factory (got ${o.plugins === null ? 'null' : typeof o.plugins})`)
  }
  validateConfigInit(o.config)
}
