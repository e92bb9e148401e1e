import { DemlsError, type DemlsErrorOptions } from './demls-error.js'

/**
 * Untrusted bytes could not be decoded as the expected message. Decoders
 * in `@demls/wire` throw nothing else.
 *
 * @example
 * ```ts
 * import { DecodeError, decodeTransportEnvelope } from '@demls/wire'
 * try {
 *   decodeTransportEnvelope(new Uint8Array([0xff, 0xff]))
 * } catch (err) {
 *   if (err instanceof DecodeError) console.log(err.code, err.messageType) // 'DECODE_ERROR' …
 * }
 * ```
 */
export class DecodeError extends DemlsError {
  /** Fully qualified protobuf name of the message being decoded. */
  readonly messageType: string

  constructor(messageType: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`cannot decode ${messageType}: ${reason}`, 'DECODE_ERROR', options)
    this.name = 'DecodeError'
    this.messageType = messageType
  }
}

/**
 * A value passed to an encoder cannot be represented on the wire.
 *
 * @example
 * ```ts
 * import { InvalidMessageError, encodeVote } from '@demls/wire'
 * try {
 *   encodeVote({ proposalId: 2 ** 40 }) // out of uint32 range
 * } catch (err) {
 *   if (err instanceof InvalidMessageError) console.log(err.code) // 'INVALID_MESSAGE'
 * }
 * ```
 */
export class InvalidMessageError extends DemlsError {
  /** Fully qualified protobuf name of the message being encoded. */
  readonly messageType: string

  constructor(messageType: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`cannot encode ${messageType}: ${reason}`, 'INVALID_MESSAGE', options)
    this.name = 'InvalidMessageError'
    this.messageType = messageType
  }
}

/**
 * A packet is larger than {@link MAX_MESSAGE_BYTES}.
 *
 * @example
 * ```ts
 * import { MAX_MESSAGE_BYTES, MessageTooLargeError, encodeTransportEnvelope } from '@demls/wire'
 * const payload = new Uint8Array(MAX_MESSAGE_BYTES + 1)
 * try {
 *   encodeTransportEnvelope({ conversationId: 'chat', subtopic: 'app', senderAppId: new Uint8Array(8), payload })
 * } catch (err) {
 *   if (err instanceof MessageTooLargeError) console.log(err.size, '>', err.limit)
 * }
 * ```
 */
export class MessageTooLargeError extends DemlsError {
  /** Size of the refused packet (or payload), in bytes. */
  readonly size: number
  /** The limit it exceeds, in bytes. */
  readonly limit: number

  constructor(size: number, limit: number) {
    super(`message of ${size} bytes exceeds the ${limit}-byte limit`, 'MESSAGE_TOO_LARGE')
    this.name = 'MessageTooLargeError'
    this.size = size
    this.limit = limit
  }
}

/**
 * A topic string is not a demls topic.
 *
 * @example
 * ```ts
 * import { InvalidTopicError, parseTopic } from '@demls/wire'
 * try {
 *   parseTopic('/not/a/demls/topic')
 * } catch (err) {
 *   if (err instanceof InvalidTopicError) console.log(err.code, err.topic) // 'INVALID_TOPIC' …
 * }
 * ```
 */
export class InvalidTopicError extends DemlsError {
  /** The refused topic (or conversation id). */
  readonly topic: string

  constructor(topic: string, reason: string) {
    super(`invalid topic ${JSON.stringify(topic)}: ${reason}`, 'INVALID_TOPIC')
    this.name = 'InvalidTopicError'
    this.topic = topic
  }
}

/**
 * Options of the {@link AbortError} constructor.
 *
 * @example
 * ```ts
 * import { AbortError, type AbortErrorOptions } from '@demls/wire'
 * const options: AbortErrorOptions = { elapsedMs: 5_000, cause: new Error('timeout') }
 * throw new AbortError('gave up waiting for peers', options)
 * ```
 */
export interface AbortErrorOptions extends DemlsErrorOptions {
  /** How long the operation ran before it was aborted, in ms. */
  elapsedMs?: number
}

/**
 * An operation was cancelled through its `AbortSignal`.
 *
 * @example
 * ```ts
 * import { AbortError, waitForReadiness } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const transport = new MemoryNetwork().createTransport('alice')
 * await transport.start()
 * await waitForReadiness(transport, '/chat/1/app_msg/proto', { signal: AbortSignal.timeout(100) }).catch((err) => {
 *   if (err instanceof AbortError) console.log(err.code, err.elapsedMs) // 'ABORTED' …
 * })
 * ```
 */
export class AbortError extends DemlsError {
  /**
   * How long the operation ran before it was aborted (ms), when the
   * operation measures it (e.g. `User.join`).
   */
  readonly elapsedMs: number | undefined

  constructor(message = 'the operation was aborted', options: AbortErrorOptions = {}) {
    super(message, 'ABORTED', options)
    this.name = 'AbortError'
    this.elapsedMs = options.elapsedMs
  }
}

/**
 * A transport operation was attempted while the transport is not started.
 *
 * @example
 * ```ts
 * import { TransportNotStartedError } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const alice = new MemoryNetwork().createTransport('alice') // not started
 * await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new Uint8Array([1]) }).catch((err) => {
 *   if (err instanceof TransportNotStartedError) console.log(err.code) // 'TRANSPORT_NOT_STARTED'
 * })
 * ```
 */
export class TransportNotStartedError extends DemlsError {
  constructor(operation: string) {
    super(`cannot ${operation}: the transport is not started`, 'TRANSPORT_NOT_STARTED')
    this.name = 'TransportNotStartedError'
  }
}

/**
 * Nobody is subscribed to the topic, so a publish would reach no one.
 *
 * @example
 * ```ts
 * import { NoPeersError } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const alice = new MemoryNetwork().createTransport('alice')
 * await alice.start()
 * await alice.publish({ conversationId: 'chat', subtopic: 'app', payload: new Uint8Array([1]) }).catch((err) => {
 *   if (err instanceof NoPeersError) console.log(`nobody on ${err.topic} yet`) // 'NO_PEERS'
 * })
 * ```
 */
export class NoPeersError extends DemlsError {
  /** The topic nobody else is subscribed to. */
  readonly topic: string

  constructor(topic: string, options: DemlsErrorOptions = {}) {
    super(`no peers are subscribed to ${topic}`, 'NO_PEERS', options)
    this.name = 'NoPeersError'
    this.topic = topic
  }
}
