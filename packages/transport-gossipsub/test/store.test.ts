import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { type InboundPacket, topicFor, wrapOutbound } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type GossipsubNode,
  type GossipsubTransport,
  STORE_PROTOCOL,
  type StoreLimits,
  StoreFetchError,
  StoreRefusedError,
  StoreService,
  createGossipsubNode,
  decodeStoreReply,
  encodeStoreRequest,
  fetchFromStore,
  gossipsubTransport,
} from '../src/index.js'
import { sleep, waitUntil } from './helpers.js'

const ID = 'stored-chat'
const TOPIC = topicFor(ID, 'app')
const enc = new TextEncoder()

/** Everything a test made, stopped after it. */
class Bed {
  readonly dirs: string[] = []
  readonly stores: StoreService[] = []
  readonly nodes: GossipsubNode[] = []
  readonly transports: GossipsubTransport[] = []

  async dir(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'demls-store-'))
    this.dirs.push(d)
    return d
  }

  /** A started store node serving `serve`, in `directory` (a fresh one by default). */
  async store(serve: string[], limits: Partial<StoreLimits> = {}, directory?: string, clock?: { now(): number }) {
    const node = await createGossipsubNode()
    await node.start()
    this.nodes.push(node)
    const store = await StoreService.open({
      node,
      directory: directory ?? (await this.dir()),
      serve,
      limits,
      ...(clock ? { clock: { now: clock.now, setTimer: setTimeout, clearTimer: clearTimeout } as never } : {}),
    })
    this.stores.push(store)
    return { node, store, addr: node.getMultiaddrs()[0]!.toString() }
  }

  /** A started member transport connected to `peer`, subscribed to `topics`. */
  async member(peer: string | undefined, stores: string[] = [], topics: string[] = [TOPIC]) {
    const t = gossipsubTransport({ ...(peer ? { bootstrap: [peer] } : {}), stores })
    this.transports.push(t)
    await t.start()
    for (const topic of topics) t.subscribe(topic)
    return t
  }

  async stop(): Promise<void> {
    for (const t of this.transports) await t.stop().catch(() => undefined)
    for (const s of this.stores) await s.close().catch(() => undefined)
    for (const n of this.nodes) await Promise.resolve(n.stop()).catch(() => undefined)
    for (const d of this.dirs) await rm(d, { recursive: true, force: true })
    this.transports.length = this.stores.length = this.nodes.length = this.dirs.length = 0
  }
}

async function publishAll(t: GossipsubTransport, topic: string, texts: string[]): Promise<void> {
  await waitUntil(() => t.readiness(topic).ready, 10_000, 'publisher ready')
  const { conversationId } = { conversationId: topic === TOPIC ? ID : decodeURIComponent(topic.split('/')[1]!) }
  for (const s of texts) await t.publish({ conversationId, subtopic: 'app', payload: enc.encode(s) })
}

async function fetchTexts(t: GossipsubTransport, topic = TOPIC, sinceMs = 0): Promise<string[]> {
  const out: string[] = []
  for await (const p of t.fetchStored(topic, { sinceMs, signal: AbortSignal.timeout(20_000) })) out.push(new TextDecoder().decode(p.envelope.payload))
  return out
}

describe('store for encrypted traffic (real libp2p nodes on 127.0.0.1, LevelDB)', () => {
  const bed = new Bed()
  afterEach(() => bed.stop())

  it('keeps the packets of a served topic exactly as they travelled and hands them to a member that was away, oldest first', async () => {
    const { store, addr } = await bed.store([ID])
    const sender = await bed.member(addr)
    await publishAll(sender, TOPIC, ['one', 'two', 'three'])
    await waitUntil(() => store.stats().packets === 3, 10_000, 'stored')
    expect(store.served()).toEqual([TOPIC])
    // A member that was not connected when they were sent: only the store has them.
    const late = await bed.member(undefined, [addr], [])
    expect(await fetchTexts(late)).toEqual(['one', 'two', 'three'])
    // Exactly the bytes: what the store returns unwraps to the sender's envelope.
    const raw: Uint8Array[] = []
    for await (const p of fetchFromStore(late.node!, multiaddr(addr), TOPIC)) raw.push(p.data)
    expect(raw).toHaveLength(3)
    expect(new TextDecoder().decode(raw[0]!)).toContain('one')
  })

  it('pages: a reply holds at most replyBytes, the cursor moves on, every packet comes once in order', async () => {
    const { store, addr } = await bed.store([ID], { replyBytes: 400, requestsPerPeer: 100 })
    const sender = await bed.member(addr)
    const texts = [...Array(20).keys()].map((k) => `packet ${k} ${'x'.repeat(100)}`)
    await publishAll(sender, TOPIC, texts)
    await waitUntil(() => store.stats().packets === 20, 10_000, 'stored')
    const late = await bed.member(undefined, [addr], [])
    expect(await fetchTexts(late)).toEqual(texts)
    // At most 400 bytes a page: a 150-byte envelope makes 2 a page, 10 pages.
    expect(store.stats().answered).toBeGreaterThanOrEqual(8)
  })

  it('serves only after `sinceMs` (the store clock)', async () => {
    let now = 1_000_000
    const { store, addr } = await bed.store([ID], {}, undefined, { now: () => now })
    const sender = await bed.member(addr)
    await publishAll(sender, TOPIC, ['old'])
    await waitUntil(() => store.stats().packets === 1, 10_000, 'old stored')
    now = 2_000_000
    await publishAll(sender, TOPIC, ['new'])
    await waitUntil(() => store.stats().packets === 2, 10_000, 'new stored')
    const late = await bed.member(undefined, [addr], [])
    expect(await fetchTexts(late, TOPIC, 1_500_000)).toEqual(['new'])
  })

  it('a request for a topic it does not serve gets a typed refusal (StoreRefusedError not-served; the transport throws StoreFetchError)', async () => {
    const { store, addr } = await bed.store([ID])
    const late = await bed.member(undefined, [addr], [])
    const other = topicFor('someone-else', 'app')
    const err = await fetchTexts(late, other).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(StoreFetchError)
    const cause = (err as StoreFetchError).failures[0]!.error
    expect(cause).toBeInstanceOf(StoreRefusedError)
    expect((cause as StoreRefusedError).reason).toBe('not-served')
    expect((cause as StoreRefusedError).code).toBe('STORE_REFUSED')
    expect(store.stats().refused['not-served']).toBe(1)
  })

  it('rate limit per peer: past requestsPerPeer in the window a peer is refused rate-limited, another peer is not', async () => {
    const { store, node, addr } = await bed.store([ID], { requestsPerPeer: 3, requestIntervalMs: 60_000 })
    const a = await bed.member(undefined, [addr], [])
    const b = await bed.member(undefined, [addr], [])
    for (let i = 0; i < 3; i++) expect(await fetchTexts(a)).toEqual([])
    const refused = await fetchTexts(a).catch((e: StoreFetchError) => e.failures[0]!.error)
    expect(refused).toBeInstanceOf(StoreRefusedError)
    expect((refused as StoreRefusedError).reason).toBe('rate-limited')
    expect(await fetchTexts(b)).toEqual([])
    expect(store.stats().refused['rate-limited']).toBe(1)
    expect(node.getProtocols()).toContain(STORE_PROTOCOL)
  })

  it('an oversized request is dropped: the stream is reset, nothing answered, counted', async () => {
    const { store, addr } = await bed.store([ID])
    const late = await bed.member(undefined, [addr], [])
    const stream = await late.node!.dialProtocol(multiaddr(addr), STORE_PROTOCOL)
    const lp = lpStream(stream, { maxDataLength: 16 * 1024 * 1024 })
    await lp.write(new Uint8Array(64 * 1024))
    await expect(lp.read({ signal: AbortSignal.timeout(5_000) })).rejects.toThrow()
    await waitUntil(() => store.stats().dropped === 1, 5_000, 'dropped')
    expect(store.stats().answered).toBe(0)
  })

  it('a garbage request (not a store frame) is refused bad-request', async () => {
    const { store, addr } = await bed.store([ID])
    const late = await bed.member(undefined, [addr], [])
    const stream = await late.node!.dialProtocol(multiaddr(addr), STORE_PROTOCOL)
    const lp = lpStream(stream)
    await lp.write(enc.encode('GET /history'))
    const reply = decodeStoreReply((await lp.read({ signal: AbortSignal.timeout(5_000) })).subarray())
    expect(reply.status).toBe('bad-request')
    expect(store.stats().refused['bad-request']).toBe(1)
    // A well-formed request on a fresh stream still works.
    const s2 = await late.node!.dialProtocol(late.node!.getConnections()[0]!.remotePeer, STORE_PROTOCOL)
    const lp2 = lpStream(s2, { maxDataLength: 16 * 1024 * 1024 })
    await lp2.write(encodeStoreRequest({ topic: TOPIC, sinceMs: 0, after: 0 }))
    expect(decodeStoreReply((await lp2.read()).subarray())).toEqual({ status: 'ok', packets: [], more: false })
  })

  it('a flooding outsider cannot push the store over its byte budgets, and a flood of one topic evicts that topic first', async () => {
    const limits = { maxBytesPerTopic: 20_000, maxTotalBytes: 30_000, maxPacketBytes: 4_000 }
    const quiet = 'quiet-chat'
    const { store, addr } = await bed.store([ID, quiet], limits)
    const member = await bed.member(addr, [], [topicFor(quiet, 'app')])
    await publishAll(member, topicFor(quiet, 'app'), ['keep me 1', 'keep me 2'])
    await waitUntil(() => store.stats().packets === 2, 10_000, 'quiet stored')
    // The outsider floods the served topic: 300 packets of ~1 KiB, and some over the packet limit.
    const flooder = await bed.member(addr)
    await waitUntil(() => flooder.readiness(TOPIC).ready, 10_000, 'flooder ready')
    for (let k = 0; k < 300; k++) await flooder.publish({ conversationId: ID, subtopic: 'app', payload: enc.encode(`${k} ${'f'.repeat(1000)}`) })
    for (let k = 0; k < 5; k++) await flooder.publish({ conversationId: ID, subtopic: 'app', payload: new Uint8Array(8_000).fill(k) })
    await waitUntil(() => store.stats().stored + store.stats().rejected >= 302, 20_000, 'flood seen')
    const s = store.stats()
    expect(s.bytes).toBeLessThanOrEqual(limits.maxTotalBytes)
    expect(s.topics.get(TOPIC)!.bytes).toBeLessThanOrEqual(limits.maxBytesPerTopic)
    expect(s.rejected).toBeGreaterThanOrEqual(5)
    expect(s.evicted).toBeGreaterThan(250)
    // The quiet conversation's packets were not the price of the flood.
    const late = await bed.member(undefined, [addr], [])
    expect(await fetchTexts(late, topicFor(quiet, 'app'))).toEqual(['keep me 1', 'keep me 2'])
    // What is left of the flooded topic is its newest packets.
    const flooded = await fetchTexts(late)
    expect(flooded.at(-1)).toMatch(/^299 /)
  })

  it('garbage published on a served topic (not a demls envelope of that topic) is not kept', async () => {
    const { store, addr } = await bed.store([ID])
    const outsider = await bed.member(addr)
    await waitUntil(() => outsider.readiness(TOPIC).ready, 10_000, 'ready')
    await outsider.node!.services.pubsub.publish(TOPIC, enc.encode('not an envelope'))
    // An envelope of another conversation, sent on this topic.
    await outsider.node!.services.pubsub.publish(TOPIC, wrapOutbound(outsider.appId, { conversationId: 'other', subtopic: 'app', payload: new Uint8Array(4) }).bytes)
    await waitUntil(() => store.stats().rejected === 2, 10_000, 'rejected')
    expect(store.stats().packets).toBe(0)
  })

  it('a restart keeps the packets (LevelDB), and the limits still hold after it', async () => {
    const dir = await bed.dir()
    const first = await bed.store([ID], {}, dir)
    const sender = await bed.member(first.addr)
    await publishAll(sender, TOPIC, ['before restart 1', 'before restart 2'])
    await waitUntil(() => first.store.stats().packets === 2, 10_000, 'stored')
    await first.store.close()
    await first.node.stop()
    const again = await bed.store([ID], { maxPacketsPerTopic: 2 }, dir)
    expect(again.store.stats()).toMatchObject({ packets: 2, writeErrors: 0 })
    const late = await bed.member(again.addr, [again.addr])
    expect(await fetchTexts(late)).toEqual(['before restart 1', 'before restart 2'])
    // New packets after the restart get later cursors; the oldest goes under the per-topic packet cap.
    await publishAll(late, TOPIC, ['after restart'])
    await waitUntil(() => again.store.stats().stored === 1, 10_000, 'stored after restart')
    const other = await bed.member(undefined, [again.addr], [])
    expect(await fetchTexts(other)).toEqual(['before restart 2', 'after restart'])
  })

  it('the age limit: packets older than maxAgeMs are neither served nor kept', async () => {
    let now = 10_000_000
    const { store, addr } = await bed.store([ID], { maxAgeMs: 60_000, sweepIntervalMs: 50 }, undefined, { now: () => now })
    const sender = await bed.member(addr)
    await publishAll(sender, TOPIC, ['aging'])
    await waitUntil(() => store.stats().packets === 1, 10_000, 'stored')
    now += 61_000
    await waitUntil(() => store.stats().packets === 0, 5_000, 'swept')
    const late = await bed.member(undefined, [addr], [])
    expect(await fetchTexts(late)).toEqual([])
  })

  it('a fetch with no store configured yields nothing; a dead store address is a StoreFetchError after the live ones', async () => {
    const { store, addr } = await bed.store([ID])
    const sender = await bed.member(addr)
    await publishAll(sender, TOPIC, ['kept'])
    await waitUntil(() => store.stats().packets === 1, 10_000, 'stored')
    const none = await bed.member(undefined, [], [])
    expect(await fetchTexts(none)).toEqual([])
    const dead = `/ip4/127.0.0.1/tcp/1/p2p/${sender.peerId!.toString()}`
    const mixed = await bed.member(undefined, [dead, addr], [])
    const got: InboundPacket[] = []
    const err = await (async () => {
      for await (const p of mixed.fetchStored(TOPIC, { sinceMs: 0 })) got.push(p)
    })().catch((e: unknown) => e)
    expect(got.map((p) => new TextDecoder().decode(p.envelope.payload))).toEqual(['kept'])
    expect(err).toBeInstanceOf(StoreFetchError)
    expect((err as StoreFetchError).failures.map((f) => f.store)).toEqual([dead])
    await sleep(0)
  })
})
