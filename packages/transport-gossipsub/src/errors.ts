import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * gossipsub refused or failed a publish for a reason other than "no peers" or "duplicate".
 *
 * @example
 * ```ts
 * import { PublishFailedError, gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport()
 * await transport.start()
 * await transport.publish({ conversationId: 'chat', subtopic: 'app', payload: new Uint8Array(8) }, { allowNoPeers: true }).catch((err) => {
 *   if (err instanceof PublishFailedError) console.log(`retry later: ${err.topic}`)
 * })
 * ```
 */
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

/**
 * Dialling a peer failed (refused, unreachable, timed out, wrong peer id).
 *
 * @example
 * ```ts
 * import { DialFailedError, gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport()
 * await transport.start()
 * await transport.dial('/ip4/127.0.0.1/tcp/1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN').catch((err) => {
 *   if (err instanceof DialFailedError) console.log(err.code, err.address) // 'DIAL_FAILED' …
 * })
 * ```
 */
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
 *
 * @example
 * ```ts
 * import { InvalidNodeError, createGossipsubNode, gossipsubTransport } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode()
 * await node.stop()
 * await gossipsubTransport({ node }).start().catch((err) => {
 *   if (err instanceof InvalidNodeError) console.log(err.code) // 'INVALID_NODE': e.g. a stopped node
 * })
 * ```
 */
export class InvalidNodeError extends DemlsError {
  constructor(reason: string) {
    super(`unusable libp2p node: ${reason}`, 'INVALID_NODE')
    this.name = 'InvalidNodeError'
  }
}

/**
 * A discovery or NAT-traversal option is invalid (`nat.relayReservations`,
 * a `relay` limit, `rendezvous.intervalMs` / `maxDialsPerRound`,
 * `dht.maxRecords`, or a `services` name the demls node mounts itself);
 * `field` names it.
 *
 * @example
 * ```ts
 * import { InvalidReachConfigError, createGossipsubNode } from '@demls/transport-gossipsub'
 * await createGossipsubNode({ nat: { relayReservations: 100 } }).catch((err) => {
 *   if (err instanceof InvalidReachConfigError) console.log(err.code, err.field) // 'INVALID_REACH_CONFIG' 'nat.relayReservations'
 * })
 * ```
 */
export class InvalidReachConfigError extends DemlsError {
  /** The option at fault. */
  readonly field: string

  constructor(field: string, reason: string) {
    super(`invalid option ${field}: ${reason}`, 'INVALID_REACH_CONFIG')
    this.name = 'InvalidReachConfigError'
    this.field = field
  }
}
