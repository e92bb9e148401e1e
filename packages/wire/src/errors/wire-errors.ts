import { DemlsError, type DemlsErrorOptions } from './demls-error.js'

/**
 * Untrusted bytes could not be decoded as the expected message. Decoders
 * in `@demls/wire` throw nothing else.
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

/** A value passed to an encoder cannot be represented on the wire. */
export class InvalidMessageError extends DemlsError {
  /** Fully qualified protobuf name of the message being encoded. */
  readonly messageType: string

  constructor(messageType: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`cannot encode ${messageType}: ${reason}`, 'INVALID_MESSAGE', options)
    this.name = 'InvalidMessageError'
    this.messageType = messageType
  }
}

/** A packet is larger than {@link MAX_MESSAGE_BYTES}. */
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

/** A topic string is not a demls topic. */
export class InvalidTopicError extends DemlsError {
  /** The refused topic (or conversation id). */
  readonly topic: string

  constructor(topic: string, reason: string) {
    super(`invalid topic ${JSON.stringify(topic)}: ${reason}`, 'INVALID_TOPIC')
    this.name = 'InvalidTopicError'
    this.topic = topic
  }
}

/** Options of the {@link AbortError} constructor. */
export interface AbortErrorOptions extends DemlsErrorOptions {
  /** How long the operation ran before it was aborted, in ms. */
  elapsedMs?: number
}

/** An operation was cancelled through its `AbortSignal`. */
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

/** A transport operation was attempted while the transport is not started. */
export class TransportNotStartedError extends DemlsError {
  constructor(operation: string) {
    super(`cannot ${operation}: the transport is not started`, 'TRANSPORT_NOT_STARTED')
    this.name = 'TransportNotStartedError'
  }
}

/** Nobody is subscribed to the topic, so a publish would reach no one. */
export class NoPeersError extends DemlsError {
  /** The topic nobody else is subscribed to. */
  readonly topic: string

  constructor(topic: string, options: DemlsErrorOptions = {}) {
    super(`no peers are subscribed to ${topic}`, 'NO_PEERS', options)
    this.name = 'NoPeersError'
    this.topic = topic
  }
}
