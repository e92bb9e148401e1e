import { MemoryNetwork } from '@demls/transport-memory'
import { describe, expect, it } from 'vitest'
import { type ConversationHandle, FAST_TIMING, User } from '../../src/index.js'
import { keyFor } from './harness.js'

// The issue "a virtual clock that starts at 0 makes every join hang": the
// memory network with no options at all (its own default start time, far from
// the wall clock) and with a clock at 0 must both let a joiner in, because
// every MLS-layer time check uses the injected clock.
describe('a memory network with no options', () => {
  for (const [name, make] of [
    ['no options at all', () => new MemoryNetwork()],
    ['a virtual clock at 0', () => new MemoryNetwork({ startTime: 0 })],
  ] as const) {
    it(`${name}: a joiner is admitted and chat flows`, async () => {
      const net = make()
      const [alice, bob] = await Promise.all(
        [0, 1].map((i) => User.create({ privateKey: keyFor(i), transport: net.createTransport(`m${i}`), clock: net.clock, config: FAST_TIMING })),
      )
      const a = await alice!.createConversation('plain')
      // Admission by invitation (the default): alice vouches for bob.
      await a.invite(bob!.memberId)
      let b: ConversationHandle | undefined
      let failure: unknown
      bob!.join('plain').then(
        (h) => {
          b = h
        },
        (e) => {
          failure = e
        },
      )
      await net.runUntil(() => b !== undefined || failure !== undefined, { maxMs: 60_000 })
      expect(failure).toBeUndefined()
      const got: string[] = []
      b!.messages$.subscribe((m) => got.push(new TextDecoder().decode(m.body)))
      await net.runUntil(() => a.state() === 'working' && a.members().length === 2, { maxMs: 30_000 })
      await a.sendMessage(new TextEncoder().encode('hi'))
      await net.runUntil(() => got.length > 0, { maxMs: 30_000 })
      expect(got).toEqual(['hi'])
      await alice!.stop()
      await bob!.stop()
    })
  }
})
