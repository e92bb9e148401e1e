import { collect } from '@demls-dev/transport-compliance'
import { MAX_MESSAGE_BYTES, type OutboundPacket, bytesEqual, encodeTransportEnvelope, topicFor } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { type GossipsubNode, createGossipsubNode, gossipsubTransport } from '../src/index.js'
import { Nodes, sleep, waitUntil } from './helpers.js'

const conversationId = 'transport'
const topic = topicFor(conversationId, 'app')
const packet = (payload: Uint8Array): OutboundPacket => ({ conversationId, subtopic: 'app', payload })
const text = (s: string) => new TextEncoder().encode(s)

describe('GossipsubTransport', () => {
  const nodes = new Nodes()
  const extra: GossipsubNode[] = []
  afterEach(async () => {
    await nodes.stopAll()
    await Promise.allSettled(extra.map((n) => n.stop()))
    extra.length = 0
  })

  describe('size limit', () => {
    it('delivers a packet just under MAX_MESSAGE_BYTES (under gossipsub 4 MiB limit) and refuses one over it', async () => {
      const [a, b] = await nodes.create(2)
      const got = collect(b!)
      a!.subscribe(topic)
      b!.subscribe(topic)
      await waitUntil(() => a!.readiness(topic).meshPeers === 1)
      const big = new Uint8Array(MAX_MESSAGE_BYTES - 1024).map((_, i) => i & 0xff)
      const t0 = Date.now()
      const r = await a!.publish(packet(big))
      expect(r.bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES)
      await waitUntil(() => got.messages.length === 1, 15_000)
      console.log(`${big.length}-byte payload delivered in ${Date.now() - t0} ms`)
      expect(bytesEqual(got.messages[0]!.envelope.payload, big)).toBe(true)
      await expect(a!.publish(packet(new Uint8Array(MAX_MESSAGE_BYTES)))).rejects.toMatchObject({ name: 'MessageTooLargeError' })
      await sleep(200)
      expect(got.messages).toHaveLength(1)
    })
  })

  describe('no peers', () => {
    it('refuses with NoPeersError (or recipients 0 with allowNoPeers) when nobody is reachable, without crashing or marking the bytes seen', async () => {
      const [a] = await nodes.create(1)
      a!.subscribe(topic)
      const err = await a!.publish(packet(text('x'))).catch((e: unknown) => e)
      expect(err).toMatchObject({ name: 'NoPeersError', code: 'NO_PEERS', topic })
      await expect(a!.publish(packet(text('x')), { allowNoPeers: true })).resolves.toMatchObject({ recipients: 0 })
      // Nothing was sent, so the same bytes publish normally once a peer is there.
      const [b] = await nodes.create(1, { init: { bootstrap: [a!.multiaddrs()[0]!] } })
      const got = collect(b!)
      b!.subscribe(topic)
      await waitUntil(() => a!.readiness(topic).ready)
      await expect(a!.publish(packet(text('x')))).resolves.toMatchObject({ recipients: 1 })
      await waitUntil(() => got.messages.length === 1)
      expect(a!.isStarted).toBe(true)
    })
  })

  describe('duplicates', () => {
    it('publishing the same payload twice sends two distinct messages (envelope sequence), both delivered', async () => {
      const [a, b] = await nodes.create(2)
      const got = collect(b!)
      a!.subscribe(topic)
      b!.subscribe(topic)
      await waitUntil(() => a!.readiness(topic).meshPeers === 1)
      // A deliberate re-send (re-announcement, vote echo, heartbeat) must not be a gossipsub duplicate.
      expect((await a!.publish(packet(text('same')))).recipients).toBe(1)
      expect((await a!.publish(packet(text('same')))).recipients).toBe(1)
      await waitUntil(() => got.messages.length >= 2)
      await sleep(300)
      expect(got.messages).toHaveLength(2)
    })

    it('identical wire bytes published twice reach nobody the second time and are delivered once', async () => {
      const [a, b] = await nodes.create(2)
      const got = collect(b!)
      a!.subscribe(topic)
      b!.subscribe(topic)
      await waitUntil(() => a!.readiness(topic).meshPeers === 1)
      const bytes = encodeTransportEnvelope({ conversationId, subtopic: 'app', senderAppId: a!.appId, payload: text('same') })
      await a!.node!.services.pubsub.publish(topic, bytes)
      // Gossipsub's seen cache: the second publish of the same bytes reaches nobody.
      expect((await a!.node!.services.pubsub.publish(topic, bytes)).recipients).toHaveLength(0)
      await waitUntil(() => got.messages.length >= 1)
      await sleep(300)
      expect(got.messages).toHaveLength(1)
    })

    it('the same bytes published by two peers are delivered once (sha256 message id)', async () => {
      const [a, b, c] = await nodes.create(3)
      const got = collect(c!)
      for (const t of [a!, b!, c!]) t.subscribe(topic)
      await waitUntil(() => [a!, b!, c!].every((t) => t.readiness(topic).meshPeers === 2))
      const bytes = encodeTransportEnvelope({ conversationId, subtopic: 'app', senderAppId: a!.appId, payload: text('twice') })
      await a!.node!.services.pubsub.publish(topic, bytes)
      await b!.node!.services.pubsub.publish(topic, bytes).catch(() => undefined) // may already have it
      await waitUntil(() => got.messages.length >= 1)
      await sleep(300)
      expect(got.messages).toHaveLength(1)
    })
  })

  describe('publish stats', () => {
    it('counts publishes that reached nobody: no peers (rejected or allowNoPeers) and duplicates', async () => {
      const [a] = await nodes.create(1)
      expect(a!.publishStats()).toEqual({ published: 0, reachedNobody: 0, noPeers: 0, duplicates: 0 })
      a!.subscribe(topic)
      await expect(a!.publish(packet(text('alone')))).rejects.toMatchObject({ name: 'NoPeersError' })
      await a!.publish(packet(text('alone')), { allowNoPeers: true })
      expect(a!.publishStats()).toEqual({ published: 2, reachedNobody: 2, noPeers: 2, duplicates: 0 })

      const [b] = await nodes.create(1, { init: { bootstrap: [a!.multiaddrs()[0]!] } })
      b!.subscribe(topic)
      await waitUntil(() => a!.readiness(topic).ready)
      // The same payload again is new bytes (the envelope sequence): delivered, no duplicate.
      expect((await a!.publish(packet(text('once')))).recipients).toBe(1)
      expect((await a!.publish(packet(text('once')))).recipients).toBe(1)
      expect(a!.publishStats()).toEqual({ published: 4, reachedNobody: 2, noPeers: 2, duplicates: 0 })
      // Identical bytes already in gossipsub's seen cache: the exact bytes of a's 5th publish
      // (sequence 5; the rejected publishes counted too), raw-published first.
      const fifth = encodeTransportEnvelope({ conversationId, subtopic: 'app', senderAppId: a!.appId, payload: text('dup'), sequence: 5n })
      await a!.node!.services.pubsub.publish(topic, fifth)
      expect((await a!.publish(packet(text('dup')))).recipients).toBe(0)
      expect((await a!.publish(packet(text('twice')))).recipients).toBe(1)
      expect(a!.publishStats()).toEqual({ published: 6, reachedNobody: 3, noPeers: 2, duplicates: 1 })
      // Refused before anything was attempted: not counted.
      await expect(a!.publish(packet(new Uint8Array(MAX_MESSAGE_BYTES)))).rejects.toMatchObject({ name: 'MessageTooLargeError' })
      expect(a!.publishStats().published).toBe(6)
      // A snapshot, not a live view.
      const snap = a!.publishStats()
      snap.published = 99
      expect(a!.publishStats().published).toBe(6)
    })
  })

  describe('existing node', () => {
    it('uses a node passed in without owning it', async () => {
      const node = await createGossipsubNode()
      extra.push(node)
      await node.start()
      const t = gossipsubTransport({ node })
      nodes.all.push(t)
      await t.start()
      expect(t.node).toBe(node)
      expect(t.peerId?.equals(node.peerId)).toBe(true)
      const [peer] = await nodes.create(1, { init: { bootstrap: [node.getMultiaddrs()[0]!] } })
      const got = collect(t)
      t.subscribe(topic)
      peer!.subscribe(topic)
      await waitUntil(() => peer!.readiness(topic).meshPeers === 1)
      await peer!.publish(packet(text('to the shared node')))
      await waitUntil(() => got.messages.length === 1)
      await t.stop()
      expect(node.status).toBe('started')
      expect(node.services.pubsub.getTopics()).not.toContain(topic)
      await waitUntil(() => peer!.readiness(topic).subscribers === 0)
    })

    it('refuses a node that is not started unless it owns it', async () => {
      const node = await createGossipsubNode()
      extra.push(node)
      await expect(gossipsubTransport({ node }).start()).rejects.toMatchObject({ name: 'InvalidNodeError', code: 'INVALID_NODE' })
      const owned = gossipsubTransport({ node, ownNode: true })
      nodes.all.push(owned)
      await owned.start()
      expect(node.status).toBe('started')
      await owned.stop()
      expect(node.status).toBe('stopped')
    })
  })

  describe('lifecycle and dialling', () => {
    it('honours abort signals on start and dial, and refuses dial before start', async () => {
      const t = gossipsubTransport()
      nodes.all.push(t)
      await expect(t.start({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
      expect(t.isStarted).toBe(false)
      await expect(t.dial('/ip4/127.0.0.1/tcp/1')).rejects.toMatchObject({ name: 'TransportNotStartedError' })
      await t.start()
      await expect(t.dial('/ip4/127.0.0.1/tcp/1', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
    })

    it('reports a failed dial as DialFailedError', async () => {
      const [a] = await nodes.create(1, { init: { dialTimeoutMs: 2_000 } })
      const [gone] = await nodes.create(1)
      const addr = gone!.multiaddrs()[0]!
      await gone!.stop()
      await expect(a!.dial(addr)).rejects.toMatchObject({ name: 'DialFailedError', code: 'DIAL_FAILED' })
    })

    it('dials string bootstrap addresses on start and listens on 127.0.0.1 by default', async () => {
      const [a] = await nodes.create(1)
      expect(a!.multiaddrs()[0]!.toString()).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
      const [b] = await nodes.create(1, { init: { bootstrap: [a!.multiaddrs()[0]!.toString()] } })
      expect(b!.node!.getConnections().map((c) => c.remotePeer.toString())).toEqual([a!.peerId!.toString()])
    })

    it('ignores topics it did not subscribe to (drop "not-subscribed" for demls topics)', async () => {
      const [a, b] = await nodes.create(2)
      const got = collect(b!)
      const other = topicFor('someone-else', 'app')
      b!.node!.services.pubsub.subscribe(other) // a shared node subscribed outside the transport
      await waitUntil(() => a!.readiness(other).ready)
      await a!.node!.services.pubsub.publish(other, encodeTransportEnvelope({ conversationId: 'someone-else', subtopic: 'app', senderAppId: a!.appId, payload: text('?') }))
      await waitUntil(() => got.drops.length === 1)
      expect(got.drops[0]).toMatchObject({ topic: other, reason: 'not-subscribed' })
      expect(got.messages).toHaveLength(0)
    })
  })
})
