import type { MlsService } from '@demls/mls'
import { describe, expect, it } from 'vitest'
import { CommitFailedError, defaultPlugins } from '../../src/index.js'
import { conv, converged, eventsOf, keyFor, scenario } from './harness.js'

describe('a commit that cannot be minted is reported, never a silent stall', () => {
  it('the failure is an error event with a typed CommitFailedError and its cause; the next round commits', async () => {
    const defaults = await defaultPlugins(keyFor(0))
    let failures = 1
    const flaky = {
      ...defaults,
      createMls: async (id: string, now: number) => {
        const mls = await defaults.createMls(id, now)
        return new Proxy(mls, {
          get(target, prop, receiver) {
            if (prop === 'createCommitCandidate' && failures > 0) {
              return async () => {
                failures--
                throw new Error('key package lifetime rejected (test)')
              }
            }
            const v = Reflect.get(target, prop, receiver)
            return typeof v === 'function' ? v.bind(target) : v
          },
        }) as MlsService
      },
    }
    const s = await scenario(2, { plugins: (i) => (i === 0 ? flaky : {}) })
    await s.members[0]!.user.createConversation('flaky')
    const join = s.members[1]!.user.join('flaky')
    await s.until(() => eventsOf(s, 0, 'error').length > 0)
    const event = eventsOf(s, 0, 'error')[0]!
    expect(event.operation).toBe('build-commit-candidate')
    expect(event.error).toBeInstanceOf(CommitFailedError)
    const err = event.error as CommitFailedError
    expect(err.code).toBe('COMMIT_FAILED')
    expect(err.stage).toBe('mint')
    expect(err.epoch).toBe(0n)
    expect((err.cause as Error).message).toBe('key package lifetime rejected (test)')
    await s.until(() => s.members[1]!.user.conversation('flaky') !== undefined)
    await join
    await s.until(() => converged(s, 'flaky') && conv(s, 0, 'flaky').members().length === 2)
    await s.stop()
  })
})
