import { deadlock } from '@demls/scoring'
import { MemoryNetwork } from '@demls/transport-memory'
import { AbortError, DemlsError, toHex } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import {
  ConversationExistsError,
  InvalidConfigError,
  InvalidConversationIdError,
  InvalidPrivateKeyError,
  InvalidUserInitError,
  User,
  type UserInit,
  UserStoppedError,
} from '../src/index.js'
import { FAST, type Scenario, keyFor, scenario, text } from './scenarios/harness.js'

const startTime = Math.floor(Date.now() / 1000) * 1000
const nets: MemoryNetwork[] = []
const users: User[] = []
let peers = 0

function network(): MemoryNetwork {
  const net = new MemoryNetwork({ seed: 7, startTime })
  nets.push(net)
  return net
}

/** A valid `UserInit` on a fresh memory network, with `patch` applied. */
function init(patch: Record<string, unknown> = {}): UserInit {
  const net = network()
  return { privateKey: keyFor(0), transport: net.createTransport(`p${peers++}`), clock: net.clock, config: FAST, ...patch } as UserInit
}

async function user(patch: Record<string, unknown> = {}): Promise<User> {
  const u = await User.create(init(patch))
  users.push(u)
  return u
}

afterEach(async () => {
  for (const u of users.splice(0)) await u.stop()
})

const aborted = (): AbortSignal => {
  const c = new AbortController()
  c.abort(new Error('cancelled by the test'))
  return c.signal
}

/** Await a rejection and return the error. */
async function rejection(p: Promise<unknown> | (() => Promise<unknown>)): Promise<DemlsError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    expect(err).toBeInstanceOf(DemlsError)
    return err as DemlsError
  }
  throw new Error('expected a rejection')
}

describe('createConversation and join of an existing id', () => {
  it('a second createConversation of an id throws ConversationExistsError', async () => {
    const alice = await user()
    const chat = await alice.createConversation('chat')
    const err = await rejection(alice.createConversation('chat'))
    expect(err).toBeInstanceOf(ConversationExistsError)
    expect(err.code).toBe('CONVERSATION_EXISTS')
    expect((err as ConversationExistsError).state).toBe('member')
    expect(err.docsPath).toBe('/docs/errors.md#conversation-exists')
    expect(alice.conversation('chat')).toBe(chat)
  })

  it('two concurrent creations of one id: the second throws, the first succeeds', async () => {
    const alice = await user()
    const first = alice.createConversation('chat')
    const err = await rejection(alice.createConversation('chat'))
    expect((err as ConversationExistsError).state).toBe('creating')
    const chat = await first
    expect(alice.conversation('chat')).toBe(chat)
  })

  it('createConversation of an id being joined throws; join of a created id returns its handle', async () => {
    const alice = await user()
    const joining = alice.join('pending', { timeoutMs: 60_000 })
    joining.catch(() => undefined)
    const err = await rejection(alice.createConversation('pending'))
    expect((err as ConversationExistsError).state).toBe('joining')
    const chat = await alice.createConversation('chat')
    await expect(alice.join('chat')).resolves.toBe(chat)
  })
})

describe('after user.stop()', () => {
  it('every call throws UserStoppedError at once; a second stop is a no-op', async () => {
    const alice = await user()
    const chat = await alice.createConversation('chat')
    const kp = await alice.keyPackage()
    const first = alice.stop()
    const second = alice.stop()
    expect(second).toBe(first)
    await first
    await alice.stop()
    expect(alice.isStopped).toBe(true)
    const calls: [string, () => Promise<unknown>][] = [
      ['createConversation', () => alice.createConversation('other')],
      ['join', () => alice.join('other')],
      ['keyPackage', () => alice.keyPackage()],
      ['sendMessage', () => chat.sendMessage(text('hi'))],
      ['addMember', () => chat.addMember(kp)],
      ['removeMember', () => chat.removeMember(alice.memberId)],
      ['vote', () => chat.vote(1, true)],
      ['leave', () => chat.leave()],
      ['submitEmergency', () => chat.submitEmergency(deadlock(chat.epoch()))],
      ['regenerateStewardList', () => chat.regenerateStewardList()],
    ]
    for (const [operation, call] of calls) {
      const err = await rejection(call)
      expect(err, operation).toBeInstanceOf(UserStoppedError)
      expect(err.code).toBe('USER_STOPPED')
      expect((err as UserStoppedError).operation).toBe(operation)
    }
  })

  it('aborts a join in flight with AbortError and clears joins()', async () => {
    const alice = await user()
    const joining = alice.join('nobody-here', { timeoutMs: 60_000 })
    expect(alice.joins().map((j) => j.conversationId)).toEqual(['nobody-here'])
    await alice.stop()
    const err = await rejection(joining)
    expect(err).toBeInstanceOf(AbortError)
    expect(alice.joins()).toEqual([])
  })
})

describe('User.create validates its options', () => {
  it('rejects bad private keys with InvalidPrivateKeyError', async () => {
    const order = Uint8Array.from(Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', 'hex'))
    const cases: [unknown, RegExp][] = [
      [toHex(keyFor(0)), /not a string.*fromHex/],
      [`0x${toHex(keyFor(0))}`, /fromHex/],
      [new Uint8Array(31).fill(1), /must be 32 bytes \(got 31\)/],
      [new Uint8Array(32), /is zero/],
      [order, /curve order/],
      [new Uint8Array(32).fill(0xff), /curve order/],
      [[...keyFor(0)], /Uint8Array of 32 bytes \(got object\)/],
      [undefined, /Uint8Array of 32 bytes \(got undefined\)/],
    ]
    for (const [privateKey, message] of cases) {
      const err = await rejection(User.create(init({ privateKey })))
      expect(err).toBeInstanceOf(InvalidPrivateKeyError)
      expect(err.code).toBe('INVALID_PRIVATE_KEY')
      expect(err.shortMessage).toMatch(message)
    }
  })

  it('rejects a missing or incomplete transport, clock, random, plugins, or an unknown option', async () => {
    const net = network()
    const t = net.createTransport(`p${peers++}`)
    const noPublish = { ...Object.fromEntries(['start', 'stop', 'subscribe', 'unsubscribe', 'getTopics', 'readiness', 'addEventListener', 'removeEventListener'].map((m) => [m, () => undefined])), isStarted: false }
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ transport: undefined }, 'transport', /is required/],
      [{ transport: noPublish }, 'transport', /missing publish\(\)/],
      [{ clock: undefined }, 'clock', /is required/],
      [{ clock: { now: () => 0, clearTimer: () => undefined } }, 'clock', /missing setTimer\(\)/],
      [{ random: 0.5 }, 'random', /must be a function/],
      [{ plugins: 'default' }, 'plugins', /must be an object/],
      [{ privatekey: keyFor(0) }, 'privatekey', /is not an option/],
      [{ relayVotes: 'yes' }, 'relayVotes', /must be a boolean/],
    ]
    for (const [patch, field, message] of cases) {
      const err = await rejection(User.create(init(patch)))
      expect(err, field).toBeInstanceOf(InvalidUserInitError)
      expect(err.code).toBe('INVALID_USER_INIT')
      expect((err as InvalidUserInitError).field).toBe(field)
      expect(err.shortMessage).toMatch(message)
    }
    expect(t.isStarted).toBe(false)
    await expect(User.create(null as unknown as UserInit)).rejects.toBeInstanceOf(InvalidUserInitError)
  })

  it('rejects bad config values, naming the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ commitInactivityMs: '2000' }, 'commitInactivityMs', /must be a number \(got string "2000"\)/],
      [{ commitInactivityMs: 0 }, 'commitInactivityMs', /must be > 0/],
      [{ commitInactivityMs: -5 }, 'commitInactivityMs', /must be > 0/],
      [{ freezeDurationMs: Number.NaN }, 'freezeDurationMs', /must be finite/],
      [{ consensusTimeoutMs: Number.POSITIVE_INFINITY }, 'consensusTimeoutMs', /must be finite/],
      [{ votingDelayMs: 1.5 }, 'votingDelayMs', /must be an integer/],
      [{ commitBatchMax: 2.5 }, 'commitBatchMax', /must be an integer/],
      [{ proposalExpirationMs: 999 }, 'proposalExpirationMs', /≥ 1000/],
      [{ votingInactivityMs: -1 }, 'votingInactivityMs', /≥ 0/],
      [{ livenessCriteriaYes: 'yes' }, 'livenessCriteriaYes', /must be a boolean/],
      [{ stewardList: { snMin: 0 } }, 'stewardList.snMin', /must be > 0/],
      [{ stewardList: { snMin: 3, snMax: 2 } }, 'stewardList.snMin', /snMin ≤ snMax/],
      [{ stewardList: { snMin: 3 } }, 'stewardList.snMin', /snMin ≤ snMax/],
      [{ stewardList: { snMax: 1.5 } }, 'stewardList.snMax', /must be an integer/],
      [{ stewardList: 2 }, 'stewardList', /must be an object/],
      [{ comitInactivityMs: 2000 }, 'comitInactivityMs', /^unknown config key comitInactivityMs \(did you mean commitInactivityMs\?\)$/],
      [{ stewardList: { snmax: 2 } }, 'stewardList.snmax', /did you mean stewardList\.snMax\?/],
      [{ colour: 'blue' }, 'colour', /^unknown config key colour$/],
    ]
    for (const [config, field, message] of cases) {
      const err = await rejection(User.create(init({ config })))
      expect(err, field).toBeInstanceOf(InvalidConfigError)
      expect(err.code).toBe('INVALID_CONFIG')
      expect((err as InvalidConfigError).field, JSON.stringify(config)).toBe(field)
      expect(err.shortMessage).toMatch(message)
    }
  })

  it('validates createConversation(id, config) and join(id, { config }) the same way, before subscribing', async () => {
    const alice = await user()
    const topics = alice.transport.getTopics()
    const bad = { comitInactivityMs: 2000 } as unknown as Record<string, number>
    const a = await rejection(alice.createConversation('chat', bad))
    expect((a as InvalidConfigError).field).toBe('comitInactivityMs')
    const b = await rejection(alice.join('chat', { config: { freezeDurationMs: '1000' as unknown as number } }))
    expect((b as InvalidConfigError).field).toBe('freezeDurationMs')
    expect(alice.transport.getTopics()).toEqual(topics)
    expect(alice.joins()).toEqual([])
    // The conversation's config is layered over the user's, field by field.
    const chat = await alice.createConversation('chat', { stewardList: { snMax: 3 } })
    expect(chat.conversation.config().stewardList).toEqual({ snMin: 1, snMax: 3, allowSubsetCandidates: false })
    expect(chat.conversation.config().commitInactivityMs).toBe(FAST.commitInactivityMs)
  })

  it('rejects conversation ids that cannot name a topic', async () => {
    const alice = await user()
    const cases: [unknown, RegExp][] = [
      ['', /must not be empty/],
      ['a/b', /contains '\/' at index 1/],
      ['a b', /contains U\+0020/],
      ['chat\n', /contains U\+000A/],
      ['\u0007', /contains U\+0007/],
      ['\ud800', /lone surrogate/],
      ['x'.repeat(129), /129 UTF-8 bytes long \(at most 128\)/],
      ['é'.repeat(65), /130 UTF-8 bytes/],
      [42, /must be a string \(got number\)/],
    ]
    for (const [id, message] of cases) {
      for (const call of [() => alice.createConversation(id as string), () => alice.join(id as string)]) {
        const err = await rejection(call)
        expect(err).toBeInstanceOf(InvalidConversationIdError)
        expect(err.code).toBe('INVALID_CONVERSATION_ID')
        expect(err.shortMessage).toMatch(message)
      }
    }
    expect(alice.conversations()).toEqual([])
    await expect(alice.createConversation('café-☕_1.2:x')).resolves.toBeDefined()
    await expect(alice.createConversation('x'.repeat(128))).resolves.toBeDefined()
  })
})

describe('{ signal } on every async call', () => {
  it('an aborted signal throws AbortError before any work', async () => {
    const i = init()
    await expect(User.create(i, { signal: aborted() })).rejects.toBeInstanceOf(AbortError)
    expect(i.transport.isStarted).toBe(false)

    const alice = await user()
    const topics = alice.transport.getTopics()
    const err = await rejection(alice.createConversation('chat', undefined, { signal: aborted() }))
    expect(err).toBeInstanceOf(AbortError)
    expect(err.code).toBe('ABORTED')
    expect(err.details).toBe('cancelled by the test')
    expect(alice.conversation('chat')).toBeUndefined()
    expect(alice.transport.getTopics()).toEqual(topics)
    await expect(alice.keyPackage({ signal: aborted() })).rejects.toBeInstanceOf(AbortError)
    await expect(alice.join('chat', { signal: aborted() })).rejects.toBeInstanceOf(AbortError)
    await expect(alice.stop({ signal: aborted() })).rejects.toBeInstanceOf(AbortError)
    expect(alice.isStopped).toBe(false)
  })

  it("an aborted signal on a handle's calls: nothing is done", async () => {
    const s = await scenario(2)
    try {
      const [alice, bob] = [s.members[0]!.user, s.members[1]!.user]
      const chat = await alice.createConversation('chat')
      const kp = await bob.keyPackage()
      const signal = aborted()
      for (const call of [
        () => chat.sendMessage(text('hi'), { signal }),
        () => chat.addMember(kp, { signal }),
        () => chat.removeMember(alice.memberId, { signal }),
        () => chat.vote(1, true, { signal }),
        () => chat.submitEmergency(deadlock(chat.epoch()), { signal }),
        () => chat.leave({ signal }),
        () => chat.regenerateStewardList({ signal }),
      ]) {
        expect(await rejection(call)).toBeInstanceOf(AbortError)
      }
      // None ran: the first real leave still sends its proposal, the first add opens one.
      expect(typeof (await chat.addMember(kp))).toBe('number')
      await expect(chat.leave()).resolves.toBe(true)
    } finally {
      await s.stop()
    }
  })

  it('an abort while waiting for the conversation mutex rejects without running the operation', async () => {
    const s = await scenario(2)
    try {
      const [alice, bob] = [s.members[0]!.user, s.members[1]!.user]
      const chat = await alice.createConversation('chat')
      const kp = await bob.keyPackage()
      const busy = chat.addMember(kp) // holds the mutex (validates the key package)
      const controller = new AbortController()
      const leaving = chat.leave({ signal: controller.signal })
      const vote = chat.vote(12345, true, { signal: controller.signal })
      controller.abort()
      const err = await rejection(leaving)
      expect(err).toBeInstanceOf(AbortError)
      expect(await rejection(vote)).toBeInstanceOf(AbortError)
      expect(typeof (await busy)).toBe('number')
      // The aborted leave never ran: this one is the first.
      await expect(chat.leave()).resolves.toBe(true)
      await expect(chat.leave()).resolves.toBe(false)
    } finally {
      await s.stop()
    }
  })
})

describe('user.joins()', () => {
  let s: Scenario | undefined
  afterEach(async () => {
    await s?.stop()
    s = undefined
  })

  it('lists the joins in flight with phase, startedAt and elapsedMs; conversations() only working ones', async () => {
    s = await scenario(2)
    const [alice, bob] = [s.members[0]!.user, s.members[1]!.user]
    await alice.createConversation('chat')
    const t0 = s.net.clock.now()
    const joining = bob.join('chat')
    expect(bob.joins()).toEqual([{ conversationId: 'chat', phase: 'starting', startedAt: t0, elapsedMs: 0 }])
    expect(bob.conversations()).toEqual([])
    const phases = new Set<string>()
    await s.until(() => {
      for (const j of bob.joins()) phases.add(j.phase)
      const phase = bob.joins()[0]?.phase
      return phase !== undefined && phase !== 'starting' && phase !== 'probing'
    })
    const [j] = bob.joins()
    expect(j!.startedAt).toBe(t0)
    expect(j!.elapsedMs).toBe(s.net.clock.now() - t0)
    expect(phases.has('probing')).toBe(true)
    const handle = await (async () => {
      await s!.until(() => bob.conversation('chat') !== undefined)
      return joining
    })()
    expect(handle).toBe(bob.conversation('chat'))
    expect(bob.joins()).toEqual([])
    expect(bob.conversations()).toEqual(['chat'])
  })

  it('a failed join leaves the list', async () => {
    s = await scenario(1)
    const bob = s.members[0]!.user
    const joining = bob.join('nobody', { timeoutMs: 3_000 })
    joining.catch(() => undefined)
    expect(bob.joins().map((j) => j.conversationId)).toEqual(['nobody'])
    await s.until(() => bob.joins().length === 0, 10_000)
    await expect(joining).rejects.toMatchObject({ code: 'NO_READY_PEERS' })
    expect(bob.conversations()).toEqual([])
  })
})
