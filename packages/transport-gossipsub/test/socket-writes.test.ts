import { topicFor } from '@demls/wire'
import { collect } from '@demls-dev/transport-compliance'
import { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Nodes, sleep, waitUntil } from './helpers.js'

/**
 * What one small gossipsub message costs on the wire, in kernel writes,
 * with the two dependency patches of `patches/` (see the package README):
 * `@libp2p/tcp` hands a tick's frames to the kernel in one writev, and
 * `@chainsafe/libp2p-yamux` sends a window update once half the receive
 * window is used, not after every data frame. Stock, the publisher made two
 * writes per message (noise writes its length prefix and its ciphertext
 * separately) and the subscriber one window update (one more frame, one
 * more write) per message it received.
 */
const conversationId = 'socket-writes'
const topic = topicFor(conversationId, 'app')

/** Count `net.Socket` write operations (each `_write` or `_writev` is one kernel write) per socket. */
function countWrites(): { counts: Map<Socket, number>; restore: () => void } {
  const counts = new Map<Socket, number>()
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>
  const write = proto._write
  const writev = proto._writev
  proto._write = function (this: Socket, ...args: unknown[]) {
    counts.set(this, (counts.get(this) ?? 0) + 1)
    return write.apply(this, args)
  }
  proto._writev = function (this: Socket, ...args: unknown[]) {
    counts.set(this, (counts.get(this) ?? 0) + 1)
    return writev.apply(this, args)
  }
  return {
    counts,
    restore: () => {
      proto._write = write
      proto._writev = writev
    },
  }
}

describe('kernel writes per message (patched @libp2p/tcp and @chainsafe/libp2p-yamux)', () => {
  const nodes = new Nodes()
  let restore = () => {}
  afterEach(async () => {
    restore()
    await nodes.stopAll()
  })

  it('a publisher writes each small message once, and its subscriber sends no frame back per message', async () => {
    const [a, b] = await nodes.create(2)
    const got = collect(b!)
    a!.subscribe(topic)
    b!.subscribe(topic)
    await waitUntil(() => a!.readiness(topic).meshPeers === 1 && b!.readiness(topic).meshPeers === 1)
    await sleep(300)
    const port = Number(a!.multiaddrs()[0]!.toString().split('/')[4])
    const counter = countWrites()
    restore = counter.restore
    const n = 200
    for (let i = 0; i < n; i++) {
      const payload = new Uint8Array(200).fill(i & 0xff)
      payload[0] = i >> 8
      await a!.publish({ conversationId, subtopic: 'app', payload })
      // One message per turn of the event loop, as a peer sends them (a burst in one turn is one write anyway).
      await new Promise((r) => setImmediate(r))
    }
    await waitUntil(() => got.messages.length === n, 15_000, `${n} deliveries`)
    await sleep(100)
    counter.restore()
    const writes = (side: (s: Socket) => boolean) => [...counter.counts].filter(([s]) => side(s)).reduce((sum, [, c]) => sum + c, 0)
    // b dialled a: a's socket has a's listening port locally, b's has it remotely.
    const publisher = writes((s) => s.localPort === port)
    const subscriber = writes((s) => s.remotePort === port)
    console.log(`${n} messages: publisher ${publisher} kernel writes, subscriber ${subscriber}`)
    expect(publisher).toBeGreaterThanOrEqual(n / 2) // it did write them
    expect(publisher).toBeLessThanOrEqual(n + 10) // stock: 2 per message
    expect(subscriber).toBeLessThanOrEqual(10) // stock: 1 window update (and more) per message
  })
})
