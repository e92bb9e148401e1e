import { describe, expect, it } from 'vitest'
import { DEFAULT_START_TIME, SchedulerBusyError, TimeoutError, VirtualClock } from '../src/index.js'

describe('VirtualClock', () => {
  it('starts at a fixed realistic epoch, configurable', () => {
    expect(new VirtualClock().now()).toBe(1_700_000_000_000)
    expect(DEFAULT_START_TIME).toBe(1_700_000_000_000)
    expect(new VirtualClock({ startTime: 5 }).now()).toBe(5)
  })

  it('fires a timer 60 s ahead after advance(60_000), in a few ms of real time', async () => {
    const clock = new VirtualClock()
    const t0 = clock.now()
    let firedAt: number | undefined
    clock.setTimer(() => {
      firedAt = clock.now()
    }, 60_000)
    const real = performance.now()
    await clock.advance(59_999)
    expect(firedAt).toBeUndefined()
    await clock.advance(1)
    expect(firedAt).toBe(t0 + 60_000)
    expect(clock.now()).toBe(t0 + 60_000)
    expect(performance.now() - real).toBeLessThan(500)
  })

  it('runs ten minutes of a 50 ms poll loop quickly', async () => {
    const clock = new VirtualClock()
    let polls = 0
    const poll = () => {
      polls++
      clock.setTimer(poll, 50)
    }
    clock.setTimer(poll, 50)
    const real = performance.now()
    await clock.advance(10 * 60_000)
    expect(polls).toBe(12_000)
    expect(performance.now() - real).toBeLessThan(5_000)
  })

  it('runs events in (time, insertion) order, including ones scheduled while advancing', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    const log: string[] = []
    clock.setTimer(() => log.push('b@20'), 20)
    clock.setTimer(() => log.push('a@10'), 10)
    clock.setTimer(() => {
      log.push('c@20')
      clock.setTimer(() => log.push('e@25'), 5)
      clock.setTimer(() => log.push('f@200'), 180)
    }, 20)
    clock.setTimer(() => log.push('d@20'), 20)
    await clock.advance(100)
    expect(log).toEqual(['a@10', 'b@20', 'c@20', 'd@20', 'e@25'])
    expect(clock.pendingEvents).toBe(1)
    expect(clock.nextEventAt()).toBe(200)
  })

  it('clearTimer cancels; clearing twice or an unknown handle is a no-op', async () => {
    const clock = new VirtualClock()
    let fired = 0
    const h = clock.setTimer(() => fired++, 10)
    clock.setTimer(() => fired++, 20)
    clock.clearTimer(h)
    clock.clearTimer(h)
    clock.clearTimer(12345)
    clock.clearTimer({})
    expect(clock.pendingEvents).toBe(1)
    await clock.advance(100)
    expect(fired).toBe(1)
  })

  it('treats a negative or NaN delay as 0, and negative advance as 0', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    const at: number[] = []
    clock.setTimer(() => at.push(clock.now()), -5)
    clock.setTimer(() => at.push(clock.now()), Number.NaN)
    await clock.advance(-10)
    expect(at).toEqual([0, 0])
    expect(clock.now()).toBe(0)
  })

  it('track makes advance wait for async work before the next event', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    const log: string[] = []
    clock.setTimer(() => {
      clock.track(
        (async () => {
          await new Promise((r) => setTimeout(r, 5)) // real time
          log.push(`slow done @${clock.now()}`)
          clock.setTimer(() => log.push(`follow-up @${clock.now()}`), 10)
        })(),
      )
    }, 10)
    clock.setTimer(() => log.push(`next @${clock.now()}`), 15)
    await clock.advance(100)
    expect(log).toEqual(['slow done @10', 'next @15', 'follow-up @20'])
  })

  it('track waits for crypto.subtle work and for nested tracked work', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    const log: string[] = []
    clock.setTimer(() => {
      clock.track(
        crypto.subtle.digest('SHA-256', new Uint8Array(1024)).then((d) => {
          log.push(`digest ${new Uint8Array(d).length} @${clock.now()}`)
          clock.track(
            crypto.subtle.digest('SHA-256', new Uint8Array(d)).then(() => {
              clock.setTimer(() => log.push(`follow-up @${clock.now()}`), 1)
            }),
          )
        }),
      )
    }, 5)
    await clock.advance(6)
    expect(log).toEqual(['digest 32 @5', 'follow-up @6'])
  })

  it('settles untracked microtask chains and setImmediate hops', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    const log: number[] = []
    clock.setTimer(() => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => clock.setTimer(() => log.push(clock.now()), 1))
    }, 1)
    await clock.advance(2)
    expect(log).toEqual([2])
  })

  it('runUntil resolves with the virtual time elapsed when the predicate holds', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    let count = 0
    const tick = () => {
      count++
      clock.setTimer(tick, 100)
    }
    clock.setTimer(tick, 100)
    expect(await clock.runUntil(() => true)).toBe(0)
    expect(await clock.runUntil(() => count === 5)).toBe(500)
    expect(clock.now()).toBe(500)
    expect(await clock.runUntil(async () => count === 7)).toBe(200)
  })

  it('runUntil throws a TimeoutError after maxMs of virtual time', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    const err = await clock.runUntil(() => false, { maxMs: 1_000, label: 'never' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TimeoutError)
    expect(err).toMatchObject({ name: 'TimeoutError', code: 'TIMEOUT', elapsedMs: 1_000 })
    expect((err as Error).message).toContain('"never"')
    expect(clock.now()).toBe(1_000)
  })

  it('runUntil honours time-based predicates at the deadline', async () => {
    const clock = new VirtualClock({ startTime: 0 })
    expect(await clock.runUntil(() => clock.now() >= 300, { maxMs: 300 })).toBe(300)
  })

  it('surfaces errors from timers and tracked work, or hands them to onError', async () => {
    const clock = new VirtualClock()
    clock.setTimer(() => {
      throw new Error('boom')
    }, 1)
    let after = false
    clock.setTimer(() => {
      after = true
    }, 2)
    await expect(clock.advance(10)).rejects.toThrow('boom')
    expect(after).toBe(false)
    await clock.advance(10)
    expect(after).toBe(true)

    clock.setTimer(() => clock.track(Promise.reject(new Error('async boom'))), 1)
    await expect(clock.advance(10)).rejects.toThrow('async boom')

    const seen: unknown[] = []
    const quiet = new VirtualClock({ onError: (e) => seen.push(e) })
    quiet.setTimer(() => {
      throw new Error('x')
    }, 1)
    quiet.setTimer(() => quiet.track(Promise.reject(new Error('y'))), 2)
    await quiet.advance(10)
    expect(seen.map((e) => (e as Error).message)).toEqual(['x', 'y'])
  })

  it('refuses to be driven from two places at once', async () => {
    const clock = new VirtualClock()
    clock.setTimer(() => clock.track(new Promise((r) => setTimeout(r, 5))), 1)
    const first = clock.advance(10)
    await expect(clock.advance(10)).rejects.toBeInstanceOf(SchedulerBusyError)
    await expect(clock.settle()).rejects.toMatchObject({ code: 'SCHEDULER_BUSY' })
    expect(clock.isAdvancing).toBe(true)
    await first
    expect(clock.isAdvancing).toBe(false)
    await clock.settle()
  })
})
