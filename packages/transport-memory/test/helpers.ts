import type { InboundPacket } from '@demls/wire'
import { topicFor } from '@demls/wire'
import { MemoryNetwork, type MemoryNetworkInit, type MemoryTransport } from '../src/index.js'

export const CONV = 'chat'
export const TOPIC = topicFor(CONV, 'app')

export const payload = (n: number): Uint8Array => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}
export const seqOf = (m: InboundPacket): number => new DataView(m.envelope.payload.buffer, m.envelope.payload.byteOffset).getUint32(0)

/** A network with `n` started peers `p0…`, all subscribed to TOPIC, plus their inboxes. */
export async function mesh(n: number, init: MemoryNetworkInit = {}) {
  const net = new MemoryNetwork(init)
  const peers: MemoryTransport[] = []
  const inbox = new Map<string, InboundPacket[]>()
  for (let i = 0; i < n; i++) {
    const t = net.createTransport(`p${i}`)
    await t.start()
    t.subscribe(TOPIC)
    const box: InboundPacket[] = []
    inbox.set(t.peerId, box)
    t.addEventListener('message', (e) => box.push(e.detail))
    peers.push(t)
  }
  const box = (t: MemoryTransport) => inbox.get(t.peerId)!
  const send = (t: MemoryTransport, n: number) => t.publish({ conversationId: CONV, subtopic: 'app', payload: payload(n) }, { allowNoPeers: true })
  return { net, peers, box, send }
}
