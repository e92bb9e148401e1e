import type { Transport } from '@demls/wire'
import { type GossipsubTransport, type GossipsubTransportInit, gossipsubTransport } from '../src/index.js'

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Poll `predicate` in real time; reject after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs = 10_000, label = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${label} did not hold within ${timeoutMs} ms`)
    await sleep(10)
  }
}

/** Tracks every transport a test makes so `stopAll` can stop them. */
export class Nodes {
  readonly all: GossipsubTransport[] = []

  /**
   * @param make - the entry's `gossipsubTransport` (Node by default)
   * @param base - options every transport gets (a `create` call's `init` wins)
   */
  constructor(
    readonly make: (init: GossipsubTransportInit) => GossipsubTransport = gossipsubTransport,
    readonly base: GossipsubTransportInit = {},
  ) {}

  /** Make `n` transports; when `started`, start them and dial every pair (full mesh on loopback). */
  async create(n: number, { started = true, init = {} }: { started?: boolean; init?: GossipsubTransportInit } = {}) {
    const made: GossipsubTransport[] = []
    for (let i = 0; i < n; i++) {
      const t = this.make({ ...this.base, ...init })
      this.all.push(t)
      made.push(t)
      if (!started) continue
      await t.start()
      for (const prev of made.slice(0, -1)) await t.dial(prev.multiaddrs()[0]!)
    }
    return made
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.all.map((t) => t.stop()))
    this.all.length = 0
  }
}

/** Publish raw bytes on `topic` from a started transport other than `to`. */
export async function injectRaw(nodes: readonly GossipsubTransport[], to: Transport, topic: string, bytes: Uint8Array): Promise<void> {
  const from = nodes.find((t) => t !== to && t.isStarted && t.node !== undefined)
  if (from === undefined) throw new Error('injectRaw needs another started transport')
  await from.node!.services.pubsub.publish(topic, bytes)
}
