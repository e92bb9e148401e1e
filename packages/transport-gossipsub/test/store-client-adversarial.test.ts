// A malicious store, as members' clients meet it: a real libp2p node that
// answers /demls/store/1.0.0 with whatever it likes. The client must drop
// what is not a packet of the topic (and say so), stop a store that keeps it
// paging, and bound what it reads and how long it waits.
import { lpStream } from '@libp2p/utils'
import { type DroppedPacket, topicFor, wrapOutbound } from '@demls/wire'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type GossipsubNode,
  type GossipsubTransport,
  STORE_FRAME_LIMITS,
  STORE_PROTOCOL,
  type StoreReply,
  StoreFetchError,
  StoreFrameError,
  createGossipsubNode,
  encodeStoreReply,
  fetchFromStore,
  gossipsubTransport,
} from '../src/index.js'

const ID = 'victim'
const TOPIC = topicFor(ID, 'app')
const enc = new TextEncoder()
const nodes: GossipsubNode[] = []
const transports: GossipsubTransport[] = []

afterEach(async () => {
  for (const t of transports.splice(0)) await t.stop().catch(() => undefined)
  for (const n of nodes.splice(0)) await Promise.resolve(n.stop()).catch(() => undefined)
})

/** A store node that answers every request with `answer(request number)` (raw frame bytes), or never when it returns undefined. */
async function evilStore(answer: (n: number) => Uint8Array | undefined): Promise<{ addr: string; requests: () => number }> {
  const node = await createGossipsubNode()
  await node.start()
  nodes.push(node)
  let n = 0
  await node.handle(STORE_PROTOCOL, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 64 * 1024 * 1024, maxBufferSize: 64 * 1024 * 1024 })
    await lp.read()
    const frame = answer(n++)
    if (frame === undefined) return // hang: never answer
    await lp.write(frame)
    await stream.close()
  })
  return { addr: node.getMultiaddrs()[0]!.toString(), requests: () => n }
}

async function member(stores: string[]): Promise<{ t: GossipsubTransport; drops: DroppedPacket[] }> {
  const t = gossipsubTransport({ stores })
  transports.push(t)
  await t.start()
  const drops: DroppedPacket[] = []
  t.addEventListener('drop', (e) => drops.push(e.detail))
  return { t, drops }
}

const ok = (packets: Uint8Array[], more = false, first = 1): Uint8Array =>
  encodeStoreReply({ status: 'ok', packets: packets.map((data, i) => ({ cursor: first + i, at: Date.now(), data })), more })

describe('members against a malicious store', () => {
  it('garbage, another conversation’s envelope and our own packets are dropped with drop events; the real packet comes through', async () => {
    const stranger = new Uint8Array(16).fill(7)
    const real = wrapOutbound(stranger, { conversationId: ID, subtopic: 'app', payload: enc.encode('real') }).bytes
    const other = wrapOutbound(stranger, { conversationId: 'other', subtopic: 'app', payload: enc.encode('other group') }).bytes
    let ours: Uint8Array | undefined
    const store = await evilStore(() => ok([enc.encode('garbage'), other, ours!, new Uint8Array(0), real]))
    const { t, drops } = await member([store.addr])
    ours = wrapOutbound(t.appId, { conversationId: ID, subtopic: 'app', payload: enc.encode('mine') }).bytes
    const got: string[] = []
    for await (const p of t.fetchStored(TOPIC, { sinceMs: 0 })) got.push(new TextDecoder().decode(p.envelope.payload))
    expect(got).toEqual(['real'])
    expect(drops.map((d) => d.reason).sort()).toEqual(['malformed', 'malformed', 'self', 'topic-mismatch'])
  })

  it('a store that keeps saying "more" with cursors that do not advance is stopped (StoreFrameError), not followed forever', async () => {
    const stranger = new Uint8Array(16).fill(7)
    const real = wrapOutbound(stranger, { conversationId: ID, subtopic: 'app', payload: enc.encode('again') }).bytes
    const store = await evilStore(() => ok([real], true, 5))
    const { t } = await member([store.addr])
    const err = await (async () => {
      for await (const _ of t.fetchStored(TOPIC, { sinceMs: 0 })) void _
    })().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StoreFetchError)
    expect((err as StoreFetchError).failures[0]!.error).toBeInstanceOf(StoreFrameError)
    expect(store.requests()).toBe(2)
  })

  it('a store that pages forever with advancing cursors is cut at maxPages and maxBytes', async () => {
    const stranger = new Uint8Array(16).fill(7)
    const store = await evilStore((n) => ok([wrapOutbound(stranger, { conversationId: ID, subtopic: 'app', payload: new Uint8Array(1000) }).bytes], true, n + 1))
    const node = (await member([])).t.node!
    let pages = 0
    for await (const _ of fetchFromStore(node, multiaddr(store.addr), TOPIC, { maxPages: 7 })) pages++
    expect(pages).toBe(7)
    let kept = 0
    for await (const p of fetchFromStore(node, multiaddr(store.addr), TOPIC, { maxBytes: 5_000 })) kept += p.data.length
    expect(kept).toBeLessThanOrEqual(5_000)
  })

  it('an unreadable reply, a lying packet count, and a reply over the frame limit are StoreFetchErrors', async () => {
    const frames: Uint8Array[] = [
      enc.encode('not a reply'),
      // version 1, reply, ok, a count of a million packets in a 5-byte frame
      Uint8Array.of(1, 2, 0, 0xc0, 0x84, 0x3d),
      new Uint8Array(STORE_FRAME_LIMITS.replyBytes + 1),
    ]
    for (const frame of frames) {
      const store = await evilStore(() => frame)
      const { t } = await member([store.addr])
      const err = await (async () => {
        for await (const _ of t.fetchStored(TOPIC, { sinceMs: 0 })) void _
      })().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(StoreFetchError)
    }
  })

  it('a store that never answers is given up after the page timeout', async () => {
    const store = await evilStore(() => undefined)
    const node = (await member([])).t.node!
    const t0 = Date.now()
    const err = await (async () => {
      for await (const _ of fetchFromStore(node, multiaddr(store.addr), TOPIC, { pageTimeoutMs: 500 })) void _
    })().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(Date.now() - t0).toBeLessThan(5_000)
  })

  it('a refusal is typed, whatever the store', async () => {
    const reply: StoreReply = { status: 'busy' }
    const store = await evilStore(() => encodeStoreReply(reply))
    const { t } = await member([store.addr])
    const err = (await (async () => {
      for await (const _ of t.fetchStored(TOPIC, { sinceMs: 0 })) void _
    })().catch((e: unknown) => e)) as StoreFetchError
    expect(err.failures[0]!.error).toMatchObject({ code: 'STORE_REFUSED', reason: 'busy' })
  })
})
