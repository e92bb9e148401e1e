import {
  MAX_MESSAGE_BYTES,
  type OutboundPacket,
  type Transport,
  encodeTransportEnvelope,
  topicFor,
  waitForReadiness,
} from '@demls/wire'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { collect } from './collect.js'
import type { TransportHarness, TransportHarnessFactory } from './harness.js'

/** Options of {@link transportComplianceTests}. */
export interface TransportComplianceOptions {
  /**
   * The transport may deliver a packet more than once (e.g. a memory
   * network with duplication faults): delivery cases then assert "at least
   * once" instead of "exactly once".
   * @default false
   */
  allowDuplicates?: boolean
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

/**
 * Declare the transport compliance suite (vitest `describe`/`it` blocks)
 * for one implementation. `factory` is called before each test; the
 * harness it returns is torn down after it.
 */
export function transportComplianceTests(
  name: string,
  factory: TransportHarnessFactory,
  options: TransportComplianceOptions = {},
): void {
  describe(`Transport compliance: ${name}`, () => {
    let h: TransportHarness
    let n = 0
    let conversationId: string
    let topic: string
    const packet = (payload: Uint8Array): OutboundPacket => ({ conversationId, subtopic: 'app', payload })
    const expectCount = (count: number, expected: number) => {
      if (options.allowDuplicates && expected > 0) expect(count).toBeGreaterThanOrEqual(expected)
      else expect(count).toBe(expected)
    }
    const subscribeAll = async (ts: Transport[], minPeers = ts.length - 1) => {
      for (const t of ts) t.subscribe(topic)
      await h.waitFor(() => ts.every((t) => t.readiness(topic).meshPeers >= minPeers))
    }

    beforeEach(async () => {
      h = await factory()
      conversationId = `compliance-${++n}`
      topic = topicFor(conversationId, 'app')
    })
    afterEach(async () => {
      await h.teardown()
    })

    describe('publish/subscribe', () => {
      it('delivers a packet to every other subscriber with the sender app id', async () => {
        const [a, b, c] = (await h.create(3)) as [Transport, Transport, Transport]
        const got = [collect(b), collect(c)]
        await subscribeAll([a, b, c])
        const result = await a.publish(packet(text('hello')))
        expect(result.topic).toBe(topic)
        expect(result.recipients).toBe(2)
        expect(result.bytes).toBeGreaterThan(5)
        await h.waitFor(() => got.every((g) => g.on(topic).length >= 1))
        await h.settle()
        for (const g of got) {
          expectCount(g.on(topic).length, 1)
          const m = g.on(topic)[0]!
          expect(m.topic).toBe(topic)
          expect(m.bytes).toBe(result.bytes)
          expect(typeof m.receivedAt).toBe('number')
          expect(m.envelope.conversationId).toBe(conversationId)
          expect(m.envelope.subtopic).toBe('app')
          expect(Array.from(m.envelope.senderAppId)).toEqual(Array.from(a.appId))
          expect(new TextDecoder().decode(m.envelope.payload)).toBe('hello')
        }
      })

      it('keeps the two subtopics of a conversation apart', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const welcome = topicFor(conversationId, 'welcome')
        const got = collect(b)
        b.subscribe(welcome)
        a.subscribe(welcome)
        await h.waitFor(() => a.readiness(welcome).meshPeers >= 1)
        await a.publish({ conversationId, subtopic: 'welcome', payload: text('w') })
        await h.waitFor(() => got.on(welcome).length >= 1)
        expect(got.on(welcome)[0]!.envelope.subtopic).toBe('welcome')
        expect(got.on(topic)).toHaveLength(0)
      })

      it('carries a 64 KiB payload intact', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const got = collect(b)
        await subscribeAll([a, b])
        const payload = new Uint8Array(64 * 1024).map((_, i) => (i * 31) & 0xff)
        await a.publish(packet(payload))
        await h.waitFor(() => got.on(topic).length >= 1)
        expect(got.on(topic)[0]!.envelope.payload).toEqual(payload)
      })

      it('never delivers a packet back to its sender', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const mine = collect(a)
        const theirs = collect(b)
        await subscribeAll([a, b])
        await a.publish(packet(text('me')))
        await h.waitFor(() => theirs.on(topic).length >= 1)
        await h.settle()
        expect(mine.messages).toHaveLength(0)
      })

      it('drops an inbound packet carrying its own app id with reason "self"', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const got = collect(b)
        await subscribeAll([a, b])
        const echo = encodeTransportEnvelope({ conversationId, subtopic: 'app', senderAppId: b.appId, payload: text('echo') })
        await h.injectRaw(b, topic, echo)
        await h.waitFor(() => got.drops.length >= 1)
        expect(got.messages).toHaveLength(0)
        expect(got.drops[0]!.reason).toBe('self')
      })

      it('stops delivering after unsubscribe', async () => {
        const [a, b, c] = (await h.create(3)) as [Transport, Transport, Transport]
        const gotB = collect(b)
        const gotC = collect(c)
        await subscribeAll([a, b, c])
        b.unsubscribe(topic)
        b.unsubscribe(topic) // idempotent
        expect(b.getTopics()).not.toContain(topic)
        await h.waitFor(() => a.readiness(topic).meshPeers === 1)
        await a.publish(packet(text('after')))
        await h.waitFor(() => gotC.on(topic).length >= 1)
        await h.settle()
        expect(gotB.on(topic)).toHaveLength(0)
      })

      it('reports subscribed topics and subscribes idempotently', async () => {
        const [a] = (await h.create(1)) as [Transport]
        const welcome = topicFor(conversationId, 'welcome')
        a.subscribe(topic)
        a.subscribe(topic)
        a.subscribe(welcome)
        expect([...a.getTopics()].sort()).toEqual([topic, welcome].sort())
        a.unsubscribe(welcome)
        expect(a.getTopics()).toEqual([topic])
      })
    })

    describe('duplicates and publish stats', () => {
      it('publishing the same payload again is delivered again: every publish has new wire bytes (the envelope sequence), so gossipsub does not take it for a duplicate', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const got = collect(b)
        await subscribeAll([a, b])
        expect((await a.publish(packet(text('same')))).recipients).toBe(1)
        expect((await a.publish(packet(text('same')))).recipients).toBe(1)
        await h.waitFor(() => got.on(topic).length >= 2)
        await h.settle()
        expect(got.on(topic)).toHaveLength(2)
        expect(got.on(topic)[0]!.envelope.sequence).not.toBe(got.on(topic)[1]!.envelope.sequence)
      })

      it('publishStats (optional) counts publishes that reached nobody: no peers (a repeated payload is no duplicate)', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        if (a.publishStats === undefined) return
        const before = a.publishStats()
        a.subscribe(topic)
        await expect(a.publish(packet(text('alone')))).rejects.toMatchObject({ name: 'NoPeersError' })
        await a.publish(packet(text('alone')), { allowNoPeers: true })
        await subscribeAll([a, b])
        await a.publish(packet(text('dup')))
        await a.publish(packet(text('dup')))
        await a.publish(packet(text('fresh')))
        const after = a.publishStats()
        expect({
          published: after.published - before.published,
          reachedNobody: after.reachedNobody - before.reachedNobody,
          noPeers: after.noPeers - before.noPeers,
          duplicates: after.duplicates - before.duplicates,
        }).toEqual({ published: 5, reachedNobody: 2, noPeers: 2, duplicates: 0 })
        // A snapshot, not a live object.
        after.published += 100
        expect(a.publishStats!().published).toBe(after.published - 100)
      })
    })

    describe('readiness', () => {
      it('counts mesh peers and subscribers as peers subscribe and unsubscribe', async () => {
        const [a, b, c] = (await h.create(3)) as [Transport, Transport, Transport]
        const events = collect(a)
        a.subscribe(topic)
        expect(a.readiness(topic)).toMatchObject({ topic, meshPeers: 0, ready: false })
        b.subscribe(topic)
        c.subscribe(topic)
        await h.waitFor(() => a.readiness(topic).meshPeers === 2)
        const r = a.readiness(topic)
        expect(r.ready).toBe(true)
        expect(r.subscribers).toBeGreaterThanOrEqual(r.meshPeers)
        expect(events.readiness.some((e) => e.topic === topic && e.meshPeers === 2 && e.ready)).toBe(true)
        b.unsubscribe(topic)
        c.unsubscribe(topic)
        await h.waitFor(() => a.readiness(topic).meshPeers === 0)
        expect(a.readiness(topic).ready).toBe(false)
        expect(events.readiness.at(-1)).toMatchObject({ topic, meshPeers: 0, ready: false })
      })

      it('waitForReadiness resolves once enough peers are in the mesh', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        a.subscribe(topic)
        let resolved: number | undefined
        const wait = waitForReadiness(a, topic, { minPeers: 1 }).then((r) => {
          resolved = r.meshPeers
          return r
        })
        await h.settle()
        expect(resolved).toBeUndefined()
        b.subscribe(topic)
        await h.waitFor(() => resolved !== undefined)
        expect((await wait).meshPeers).toBeGreaterThanOrEqual(1)
      })

      it('waitForReadiness rejects with AbortError when aborted', async () => {
        const [a] = (await h.create(1)) as [Transport]
        a.subscribe(topic)
        const controller = new AbortController()
        const wait = waitForReadiness(a, topic, { signal: controller.signal })
        controller.abort()
        await expect(wait).rejects.toMatchObject({ code: 'ABORTED' })
      })
    })

    describe('errors', () => {
      it('refuses a packet over MAX_MESSAGE_BYTES before sending anything', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const got = collect(b)
        await subscribeAll([a, b])
        await expect(a.publish(packet(new Uint8Array(MAX_MESSAGE_BYTES + 1)))).rejects.toMatchObject({
          code: 'MESSAGE_TOO_LARGE',
        })
        await h.settle()
        expect(got.messages).toHaveLength(0)
        expect(got.drops).toHaveLength(0)
      })

      it('rejects with NoPeersError when nobody else is subscribed, unless allowNoPeers', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        a.subscribe(topic)
        await expect(a.publish(packet(text('x')))).rejects.toMatchObject({ code: 'NO_PEERS' })
        const r = await a.publish(packet(text('x')), { allowNoPeers: true })
        expect(r).toMatchObject({ topic, recipients: 0 })
        expect(b.isStarted).toBe(true)
      })

      it('rejects with AbortError when the signal is already aborted, sending nothing', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const got = collect(b)
        await subscribeAll([a, b])
        const controller = new AbortController()
        controller.abort()
        await expect(a.publish(packet(text('x')), { signal: controller.signal })).rejects.toMatchObject({
          code: 'ABORTED',
        })
        await h.settle()
        expect(got.messages).toHaveLength(0)
      })
    })

    describe('lifecycle', () => {
      it('rejects publish before start with TransportNotStartedError', async () => {
        const [a] = (await h.create(1, { started: false })) as [Transport]
        expect(a.isStarted).toBe(false)
        await expect(a.publish(packet(text('x')), { allowNoPeers: true })).rejects.toMatchObject({ code: 'TRANSPORT_NOT_STARTED' })
      })

      it('start and stop are idempotent', async () => {
        const [a] = (await h.create(1, { started: false })) as [Transport]
        await a.start()
        await a.start()
        expect(a.isStarted).toBe(true)
        await a.stop()
        await a.stop()
        expect(a.isStarted).toBe(false)
        await expect(a.publish(packet(text('x')), { allowNoPeers: true })).rejects.toMatchObject({ code: 'TRANSPORT_NOT_STARTED' })
      })

      it('a stopped peer leaves the mesh of the others', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        await subscribeAll([a, b])
        await b.stop()
        await h.waitFor(() => a.readiness(topic).meshPeers === 0)
        expect(a.readiness(topic).ready).toBe(false)
      })
    })

    describe('untrusted input', () => {
      it('never delivers malformed bytes and keeps delivering valid packets', async () => {
        const [a, b] = (await h.create(2)) as [Transport, Transport]
        const got = collect(b)
        await subscribeAll([a, b])
        const valid = encodeTransportEnvelope({ conversationId, subtopic: 'app', senderAppId: a.appId, payload: text('ok') })
        const otherConversation = encodeTransportEnvelope({
          conversationId: `${conversationId}-other`,
          subtopic: 'app',
          senderAppId: a.appId,
          payload: text('wrong topic'),
        })
        const bad = [
          new Uint8Array([0xff, 0xff, 0xff]),
          new Uint8Array(0),
          valid.subarray(0, valid.length - 1),
          new Uint8Array(40).fill(0x0a),
          otherConversation,
        ]
        for (const bytes of bad) await h.injectRaw(b, topic, bytes)
        await h.waitFor(() => got.drops.length >= bad.length)
        expect(got.messages).toHaveLength(0)
        for (const d of got.drops) expect(['malformed', 'topic-mismatch']).toContain(d.reason)
        expect(got.drops.some((d) => d.reason === 'topic-mismatch')).toBe(true)
        await a.publish(packet(text('still works')))
        await h.waitFor(() => got.messages.length >= 1)
        expect(new TextDecoder().decode(got.messages[0]!.envelope.payload)).toBe('still works')
      })
    })
  })
}
