import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/** gossipsub refused or failed a publish for a reason other than "no peers" or "duplicate". */
export class PublishFailedError extends DemlsError {
  /** The topic of the failed publish. */
  readonly topic: string

  constructor(topic: string, options: DemlsErrorOptions = {}) {
    const reason = options.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(`publish to ${topic} failed${reason}`, 'PUBLISH_FAILED', options)
    this.name = 'PublishFailedError'
    this.topic = topic
  }
}

/** Dialling a peer failed (refused, unreachable, timed out, wrong peer id). */
export class DialFailedError extends DemlsError {
  /** The multiaddr that was dialled. */
  readonly address: string

  constructor(address: string, options: DemlsErrorOptions = {}) {
    const reason = options.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(`dial ${address} failed${reason}`, 'DIAL_FAILED', options)
    this.name = 'DialFailedError'
    this.address = address
  }
}

/**
 * A libp2p node passed in with `ownNode: false` is not started, or has no
 * gossipsub service under `services.pubsub`.
 */
export class InvalidNodeError extends DemlsError {
  constructor(reason: string) {
    super(`unusable libp2p node: ${reason}`, 'INVALID_NODE')
    this.name = 'InvalidNodeError'
  }
}
