import type { DroppedPacket, InboundPacket, TopicReadiness, Transport } from '@demls/wire'

/** Everything a transport emitted since {@link collect} was called. */
export interface Collected {
  messages: InboundPacket[]
  drops: DroppedPacket[]
  readiness: TopicReadiness[]
  /** Messages received on `topic`. */
  on(topic: string): InboundPacket[]
}

/** Record the `message`, `drop` and `readiness` events of a transport. */
export function collect(transport: Transport): Collected {
  const c: Collected = {
    messages: [],
    drops: [],
    readiness: [],
    on: (topic) => c.messages.filter((m) => m.topic === topic),
  }
  transport.addEventListener('message', (e) => c.messages.push(e.detail))
  transport.addEventListener('drop', (e) => c.drops.push(e.detail))
  transport.addEventListener('readiness', (e) => c.readiness.push(e.detail))
  return c
}
