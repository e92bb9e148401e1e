import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AbortError,
  DecodeError,
  DemlsError,
  ENVELOPE_VERSION,
  InvalidMessageError,
  InvalidTopicError,
  MAX_MESSAGE_BYTES,
  MessageTooLargeError,
  Subtopic,
  type EventHandler,
  type SubtopicName,
  type TopicReadiness,
  type Transport,
  type TransportEvents,
  TypedEventEmitter,
  bytesEqual,
  decodeTransportEnvelope,
  encodeEnvelope,
  encodeTransportEnvelope,
  parseTopic,
  systemClock,
  throwIfAborted,
  topicFor,
  unwrapInbound,
  waitForReadiness,
  wrapOutbound,
} from '../src/index.js'

const ME = Uint8Array.from([1, 1, 1, 1])
const PEER = Uint8Array.from([2, 2, 2, 2])
const payload = Uint8Array.from([0x22, 0x00])

describe('topics', () => {
  it('uses the reference layout /{id}/1/{app_msg|welcome}/proto', () => {
    expect(topicFor('chat', 'app')).toBe('/chat/1/app_msg/proto')
    expect(topicFor('chat', 'welcome')).toBe('/chat/1/welcome/proto')
    // reference-safe ids appear unchanged
    expect(topicFor('Group-1_a.b~c', 'app')).toBe('/Group-1_a.b~c/1/app_msg/proto')
    expect(parseTopic('/chat/1/welcome/proto')).toEqual({ conversationId: 'chat', subtopic: 'welcome' })
    // demls only: the aggregators' votes channel.
    expect(topicFor('chat', 'votes')).toBe('/chat/1/demls_votes/proto')
    expect(parseTopic('/chat/1/demls_votes/proto')).toEqual({ conversationId: 'chat', subtopic: 'votes' })
  })

  it.each(['a/b', '/', 'x/1/app_msg/proto', 'é😀 ünïcödé', '100%', '%2F', '?#&= +', '中文/群'])(
    'round-trips the id %j',
    (id) => {
      for (const sub of ['app', 'welcome', 'votes'] as const) {
        const topic = topicFor(id, sub)
        expect(topic.split('/')).toHaveLength(5)
        expect(parseTopic(topic)).toEqual({ conversationId: id, subtopic: sub })
      }
    },
  )

  it.each([
    '',
    'chat',
    '/chat',
    '/chat/1/app_msg',
    'chat/1/app_msg/proto',
    '/chat/1/app_msg/proto/',
    '/chat/1/app_msg/json',
    '/chat/2/app_msg/proto', // unsupported version
    '/chat/1/app/proto', // our name, not the wire name
    '/chat/1/toString/proto', // not an own property lookup
    '/chat/1/__proto__/proto',
    '//1/app_msg/proto', // empty id
    '/a/b/1/app_msg/proto', // unencoded slash
    '/%E0%A4%A/1/app_msg/proto', // malformed percent-encoding
    '/%ED%A0%80/1/app_msg/proto', // encoded surrogate
    '/ch%61t/1/app_msg/proto', // non-canonical spelling of "chat"
    '/a%2fb/1/app_msg/proto', // lower-case hex
    '/é/1/app_msg/proto', // raw non-ASCII
    '/\ud800/1/app_msg/proto', // lone surrogate
  ])('rejects %j with InvalidTopicError', (topic) => {
    expect(() => parseTopic(topic)).toThrow(InvalidTopicError)
  })

  it('parses a topic it saw before the same way, as a fresh object each time, through more topics than it remembers', () => {
    const first = parseTopic('/chat/1/app_msg/proto')
    ;(first as { conversationId: string }).conversationId = 'changed by a caller'
    expect(parseTopic('/chat/1/app_msg/proto')).toEqual({ conversationId: 'chat', subtopic: 'app' })
    for (let i = 0; i < 1_000; i++) expect(parseTopic(topicFor(`c${i}`, i % 2 ? 'app' : 'welcome'))).toEqual({ conversationId: `c${i}`, subtopic: i % 2 ? 'app' : 'welcome' })
    expect(parseTopic('/chat/1/app_msg/proto')).toEqual({ conversationId: 'chat', subtopic: 'app' })
    // A long topic is parsed as well (and not remembered).
    const long = 'x'.repeat(2_000)
    for (let k = 0; k < 2; k++) expect(parseTopic(topicFor(long, 'app'))).toEqual({ conversationId: long, subtopic: 'app' })
    // Only valid topics are remembered: an invalid one is refused every time.
    for (let k = 0; k < 2; k++) expect(() => parseTopic('/ch%61t/1/app_msg/proto')).toThrow(InvalidTopicError)
  })

  it('topicFor rejects empty ids, lone surrogates and unknown subtopics', () => {
    expect(() => topicFor('', 'app')).toThrow(InvalidTopicError)
    expect(() => topicFor('a\ud800', 'app')).toThrow(InvalidTopicError)
    expect(() => topicFor('chat', 'bogus' as SubtopicName)).toThrow(InvalidTopicError)
    expect(() => topicFor('chat', 'toString' as SubtopicName)).toThrow(InvalidTopicError)
    try {
      topicFor('', 'app')
    } catch (err) {
      expect(err).toBeInstanceOf(DemlsError)
      expect((err as InvalidTopicError).code).toBe('INVALID_TOPIC')
    }
  })
})

describe('transport envelope', () => {
  const env = { conversationId: 'chat', subtopic: 'welcome' as const, senderAppId: PEER, payload }

  it('round-trips with the current version', () => {
    const back = decodeTransportEnvelope(encodeTransportEnvelope(env))
    expect(back).toStrictEqual({ ...env, version: ENVELOPE_VERSION })
  })

  it('MAX_MESSAGE_BYTES is 4 MiB less 64 KiB', () => {
    expect(MAX_MESSAGE_BYTES).toBe(4 * 1024 * 1024 - 64 * 1024)
  })

  it('refuses to encode over the limit with MessageTooLargeError', () => {
    // a payload alone over the limit (pre-check)
    const big = new Uint8Array(MAX_MESSAGE_BYTES + 1)
    expect(() => encodeTransportEnvelope({ ...env, payload: big })).toThrow(MessageTooLargeError)
    // a payload under the limit whose envelope is over it (post-check)
    const edge = new Uint8Array(MAX_MESSAGE_BYTES - 5)
    try {
      encodeTransportEnvelope({ ...env, payload: edge })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(MessageTooLargeError)
      expect((err as MessageTooLargeError).limit).toBe(MAX_MESSAGE_BYTES)
      expect((err as MessageTooLargeError).size).toBeGreaterThan(MAX_MESSAGE_BYTES)
    }
    // the largest payload that fits: header 2+6+2+6 bytes, payload tag 1 + 4-byte length
    const fits = new Uint8Array(MAX_MESSAGE_BYTES - 21)
    expect(encodeTransportEnvelope({ ...env, payload: fits }).length).toBe(MAX_MESSAGE_BYTES)
    // a custom limit
    expect(() => encodeTransportEnvelope({ ...env, payload: new Uint8Array(10) }, 20)).toThrow(MessageTooLargeError)
  })

  it('refuses an unknown subtopic on encode', () => {
    expect(() => encodeTransportEnvelope({ ...env, subtopic: 'bogus' as SubtopicName })).toThrow(InvalidMessageError)
  })

  it('rejects over-limit packets on decode with DecodeError', () => {
    const bytes = encodeTransportEnvelope({ ...env, payload: new Uint8Array(100) })
    expect(() => decodeTransportEnvelope(bytes, 50)).toThrow(DecodeError)
    expect(() => decodeTransportEnvelope(new Uint8Array(MAX_MESSAGE_BYTES + 1))).toThrow(DecodeError)
  })

  it.each([
    ['garbage', Uint8Array.from([0xff, 0xff])],
    ['empty (version 0)', new Uint8Array(0)],
    ['version 2', encodeEnvelope({ version: 2, conversationId: 'c', subtopic: 1, senderAppId: PEER })],
    ['version 0', encodeEnvelope({ version: 0, conversationId: 'c', subtopic: 1, senderAppId: PEER })],
    ['subtopic unspecified', encodeEnvelope({ version: 1, conversationId: 'c', subtopic: Subtopic.SUBTOPIC_UNSPECIFIED, senderAppId: PEER })],
    ['subtopic 3', encodeEnvelope({ version: 1, conversationId: 'c', subtopic: 3, senderAppId: PEER })],
    ['empty conversation id', encodeEnvelope({ version: 1, conversationId: '', subtopic: 1, senderAppId: PEER })],
    ['empty sender app id', encodeEnvelope({ version: 1, conversationId: 'c', subtopic: 1 })],
    ['invalid UTF-8 conversation id', Uint8Array.from([0x08, 0x01, 0x12, 0x01, 0xff, 0x18, 0x01, 0x22, 0x01, 0x02])],
  ])('rejects %s with DecodeError', (_name, bytes) => {
    try {
      decodeTransportEnvelope(bytes)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError)
      expect((err as DecodeError).name).toBe('DecodeError')
      expect((err as DecodeError).messageType).toBe('demls.transport.v1.Envelope')
    }
  })
})

describe('wrapOutbound / unwrapInbound', () => {
  const packet = { conversationId: 'a/b', subtopic: 'app' as const, payload }

  it('wraps to the topic of the conversation and unwraps at a peer', () => {
    const { topic, bytes } = wrapOutbound(PEER, packet)
    expect(topic).toBe('/a%2Fb/1/app_msg/proto')
    const r = unwrapInbound(ME, topic, bytes, 1234)
    if (!('packet' in r)) throw new Error(`dropped: ${r.drop.reason}`)
    expect(r.packet).toStrictEqual({
      topic,
      bytes: bytes.length,
      receivedAt: 1234,
      envelope: { version: 1, conversationId: 'a/b', subtopic: 'app', senderAppId: PEER, payload, sequence: expect.any(BigInt) },
    })
  })

  it('never writes the same bytes twice for the same packet (gossipsub would drop the re-send)', () => {
    const a = wrapOutbound(PEER, packet)
    const b = wrapOutbound(PEER, packet)
    expect(bytesEqual(a.bytes, b.bytes)).toBe(false)
    const ra = unwrapInbound(ME, a.topic, a.bytes, 0)
    const rb = unwrapInbound(ME, b.topic, b.bytes, 0)
    if (!('packet' in ra) || !('packet' in rb)) throw new Error('dropped')
    // The payload, which receivers deduplicate on, is unchanged.
    expect(ra.packet.envelope.payload).toStrictEqual(rb.packet.envelope.payload)
    expect(rb.packet.envelope.sequence).toBe((ra.packet.envelope.sequence ?? 0n) + 1n)
  })

  it('drops our own packets (self)', () => {
    const { topic, bytes } = wrapOutbound(ME, packet)
    expect(unwrapInbound(ME, topic, bytes, 0)).toEqual({ drop: { topic, reason: 'self', bytes: bytes.length } })
  })

  it('drops malformed packets with the DecodeError', () => {
    const r = unwrapInbound(ME, topicFor('x', 'app'), Uint8Array.from([0x0a, 0x05]), 0)
    if (!('drop' in r)) throw new Error('delivered')
    expect(r.drop.reason).toBe('malformed')
    expect(r.drop.error).toBeInstanceOf(DecodeError)
  })

  it('drops too-large packets without decoding them', () => {
    const r = unwrapInbound(ME, topicFor('x', 'app'), new Uint8Array(MAX_MESSAGE_BYTES + 1), 0)
    if (!('drop' in r)) throw new Error('delivered')
    expect(r.drop.reason).toBe('too-large')
    expect(r.drop.bytes).toBe(MAX_MESSAGE_BYTES + 1)
    expect(r.drop.error).toBeInstanceOf(MessageTooLargeError)
  })

  it('drops packets whose envelope does not match the topic', () => {
    const { bytes } = wrapOutbound(PEER, packet)
    for (const topic of [topicFor('other', 'app'), topicFor('a/b', 'welcome')]) {
      const r = unwrapInbound(ME, topic, bytes, 0)
      if (!('drop' in r)) throw new Error('delivered')
      expect(r.drop.reason).toBe('topic-mismatch')
    }
    // an unparseable topic: topic-mismatch carrying the InvalidTopicError
    const r = unwrapInbound(ME, '/not/a/topic', bytes, 0)
    if (!('drop' in r)) throw new Error('delivered')
    expect(r.drop.reason).toBe('topic-mismatch')
    expect(r.drop.error).toBeInstanceOf(InvalidTopicError)
  })

  it('wrapOutbound refuses too-large payloads', () => {
    expect(() => wrapOutbound(PEER, { ...packet, payload: new Uint8Array(MAX_MESSAGE_BYTES) })).toThrow(MessageTooLargeError)
  })

  it('bytesEqual', () => {
    expect(bytesEqual(ME, Uint8Array.from([1, 1, 1, 1]))).toBe(true)
    expect(bytesEqual(ME, PEER)).toBe(false)
    expect(bytesEqual(ME, ME.subarray(1))).toBe(false)
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })
})

/** The smallest Transport: only `readiness` and its event are meaningful. */
class FakeTransport extends TypedEventEmitter<TransportEvents> implements Transport {
  readonly appId = ME
  readonly isStarted = true
  private readonly state = new Map<string, TopicReadiness>()

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  subscribe(): void {}
  unsubscribe(): void {}
  getTopics(): string[] {
    return [...this.state.keys()]
  }
  async publish(): Promise<never> {
    throw new Error('not used')
  }
  readiness(topic: string): TopicReadiness {
    return this.state.get(topic) ?? { topic, meshPeers: 0, subscribers: 0, ready: false }
  }
  set(topic: string, meshPeers: number): void {
    const r = { topic, meshPeers, subscribers: meshPeers, ready: meshPeers > 0 }
    this.state.set(topic, r)
    this.safeDispatch('readiness', r)
  }
  listeners = 0
  override addEventListener<K extends keyof TransportEvents & string>(
    type: K,
    listener: EventHandler<TransportEvents[K]> | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    this.listeners++
    super.addEventListener(type, listener, options)
  }
  override removeEventListener<K extends keyof TransportEvents & string>(
    type: K,
    listener: EventHandler<TransportEvents[K]> | null,
    options?: boolean | EventListenerOptions,
  ): void {
    this.listeners--
    super.removeEventListener(type, listener, options)
  }
}

describe('waitForReadiness', () => {
  const topic = topicFor('chat', 'app')

  it('resolves at once when already ready', async () => {
    const t = new FakeTransport()
    t.set(topic, 2)
    await expect(waitForReadiness(t, topic)).resolves.toMatchObject({ topic, meshPeers: 2 })
    expect(t.listeners).toBe(0)
  })

  it('resolves on a readiness event for the topic with enough peers', async () => {
    const t = new FakeTransport()
    let settled = false
    const p = waitForReadiness(t, topic, { minPeers: 2 }).finally(() => {
      settled = true
    })
    t.set(topicFor('other', 'app'), 5) // another topic
    t.set(topic, 1) // not enough
    await Promise.resolve()
    expect(settled).toBe(false)
    t.set(topic, 2)
    await expect(p).resolves.toMatchObject({ topic, meshPeers: 2, ready: true })
    expect(t.listeners).toBe(0)
  })

  it('rejects with AbortError when aborted, and removes its listener', async () => {
    const t = new FakeTransport()
    const ac = new AbortController()
    const p = waitForReadiness(t, topic, { signal: ac.signal })
    expect(t.listeners).toBe(1)
    ac.abort(new Error('why'))
    const err = await p.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AbortError)
    expect((err as AbortError).name).toBe('AbortError')
    expect((err as AbortError).cause).toEqual(new Error('why'))
    expect(t.listeners).toBe(0)
  })

  it('rejects at once with an already-aborted signal', async () => {
    const t = new FakeTransport()
    await expect(waitForReadiness(t, topic, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError)
    expect(t.listeners).toBe(0)
  })

  it('throwIfAborted', () => {
    expect(() => throwIfAborted(undefined)).not.toThrow()
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow()
    expect(() => throwIfAborted(AbortSignal.abort())).toThrow(AbortError)
  })

  it('AbortError carries the elapsed time when the operation measured it', () => {
    expect(new AbortError().elapsedMs).toBeUndefined()
    const err = new AbortError('join aborted', { elapsedMs: 1_234, cause: 'user' })
    expect(err.elapsedMs).toBe(1_234)
    expect(err.code).toBe('ABORTED')
    expect(err.cause).toBe('user')
  })
})

describe('TypedEventEmitter', () => {
  it('delivers typed details and honours removeEventListener', () => {
    const em = new TypedEventEmitter<{ tick: number }>()
    const seen: number[] = []
    const h = (e: CustomEvent<number>) => seen.push(e.detail)
    em.addEventListener('tick', h)
    em.addEventListener('tick', { handleEvent: (e) => seen.push(e.detail * 10) })
    em.safeDispatch('tick', 1)
    em.removeEventListener('tick', h)
    em.safeDispatch('tick', 2)
    expect(seen).toEqual([1, 10, 20])
  })
})

describe('DemlsError.walk', () => {
  it('walks the cause chain', () => {
    const root = new TypeError('root')
    const mid = new Error('mid', { cause: root })
    const err = new DecodeError('x.Y', 'bad', { cause: mid })
    expect(err).toBeInstanceOf(DemlsError)
    expect(err.code).toBe('DECODE_ERROR')
    expect(err.shortMessage).toBe('cannot decode x.Y: bad')
    expect(err.walk()).toBe(root)
    expect(err.walk((e) => e instanceof TypeError)).toBe(root)
    expect(err.walk((e) => (e as Error).message === 'mid')).toBe(mid)
    expect(err.walk((e) => e instanceof DecodeError)).toBe(err)
    expect(err.walk((e) => e instanceof RangeError)).toBeUndefined()
    expect(new DemlsError('alone').walk()).toBeInstanceOf(DemlsError)
  })

  it('terminates on a cause cycle', () => {
    const a = new DemlsError('a')
    const b = new DemlsError('b', 'X', { cause: a })
    Object.defineProperty(a, 'cause', { value: b })
    expect(a.walk()).toBe(b)
    expect(a.walk(() => false)).toBeUndefined()
  })

  it('non-Error causes are reached too', () => {
    expect(new DemlsError('x', 'X', { cause: 'str' }).walk()).toBe('str')
  })
})

describe('systemClock', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('never decreases, even when the wall clock goes back', () => {
    let prev = systemClock.now()
    for (let i = 0; i < 1000; i++) {
      const t = systemClock.now()
      expect(t).toBeGreaterThanOrEqual(prev)
      prev = t
    }
    const spy = vi.spyOn(Date, 'now').mockReturnValue(prev - 60_000)
    expect(systemClock.now()).toBe(prev)
    spy.mockReturnValue(prev + 5)
    expect(systemClock.now()).toBe(prev + 5)
  })

  it('fires timers', async () => {
    // (measured with performance.now: the previous test moved the clamp forward)
    const start = performance.now()
    const before = systemClock.now()
    const firedAt = await new Promise<number>((resolve) => systemClock.setTimer(() => resolve(systemClock.now()), 10))
    expect(performance.now() - start).toBeGreaterThanOrEqual(9)
    expect(firedAt).toBeGreaterThanOrEqual(before)
    await new Promise<void>((resolve) => systemClock.setTimer(resolve, -5)) // negative delay = as soon as possible
  })

  it('clearTimer before firing prevents the call', async () => {
    let called = false
    const h = systemClock.setTimer(() => {
      called = true
    }, 5)
    systemClock.clearTimer(h)
    await new Promise((r) => setTimeout(r, 20))
    expect(called).toBe(false)
    systemClock.clearTimer(h) // no-op when already cleared
  })
})

describe('TypedEventEmitter error isolation', () => {
  it('a throwing listener neither throws from dispatch nor stops later listeners', async () => {
    const { TypedEventEmitter } = await import('../src/index.js')
    const errors: unknown[] = []
    const e = new (class extends TypedEventEmitter<{ tick: number }> {
      override onListenerError(error: unknown): void {
        errors.push(error)
      }
    })()
    const seen: number[] = []
    e.addEventListener('tick', () => {
      throw new Error('boom')
    })
    e.addEventListener('tick', (ev) => seen.push(ev.detail))
    expect(() => e.safeDispatch('tick', 1)).not.toThrow()
    expect(seen).toEqual([1])
    expect(errors).toHaveLength(1)
  })

  it('supports once, handleEvent objects, abort signals and de-duplication', async () => {
    const { TypedEventEmitter } = await import('../src/index.js')
    const e = new TypedEventEmitter<{ tick: number }>()
    const seen: string[] = []
    const fn = (ev: CustomEvent<number>) => seen.push(`fn${ev.detail}`)
    e.addEventListener('tick', fn)
    e.addEventListener('tick', fn)
    e.addEventListener('tick', { handleEvent: (ev: CustomEvent<number>) => seen.push(`obj${ev.detail}`) }, { once: true })
    const ac = new AbortController()
    e.addEventListener('tick', () => seen.push('aborted'), { signal: ac.signal })
    ac.abort()
    e.safeDispatch('tick', 1)
    e.safeDispatch('tick', 2)
    expect(seen).toEqual(['fn1', 'obj1', 'fn2'])
    expect(e.listenerCount('tick')).toBe(1)
    e.removeEventListener('tick', fn)
    expect(e.listenerCount('tick')).toBe(0)
  })
})
