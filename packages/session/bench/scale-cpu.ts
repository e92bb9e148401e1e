// CPU-time helpers of the scale bench (`bench/scale.ts`): process CPU
// (user + system, every thread) rather than wall time, so a preemption by
// another process on this shared 2-core machine does not count; and the
// collector's main-thread pauses, read from V8's `gc` performance entries.
import { PerformanceObserver } from 'node:perf_hooks'

/** Process CPU time so far, in ms. */
export function cpuNow(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** CPU ms of `fn` (which runs `ops` operations), per operation. */
export async function cpuPerOp(ops: number, fn: () => unknown): Promise<number> {
  const c0 = cpuNow()
  await fn()
  return (cpuNow() - c0) / ops
}

/**
 * Mean CPU ms per operation over `rounds` rounds of `batch` operations
 * (`fn(i)` runs operation i), after `warmup` untimed operations.
 */
export async function cpuMean(rounds: number, batch: number, fn: (i: number) => unknown, warmup = Math.min(batch, 20)): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn(i)
  let total = 0
  let i = warmup
  for (let r = 0; r < rounds; r++) {
    total += await cpuPerOp(batch, async () => {
      for (let k = 0; k < batch; k++) await fn(i++)
    })
  }
  return total / rounds
}

/** Total main-thread GC pause time so far (ms); call `read` after the phase's work. */
export function gcPauses(): { read: () => Promise<number>; stop: () => void } {
  let total = 0
  const add = (entries: PerformanceEntryList) => {
    for (const e of entries) total += e.duration
  }
  const observer = new PerformanceObserver((list) => add(list.getEntries()))
  observer.observe({ entryTypes: ['gc'] })
  return {
    async read() {
      // Entries are delivered on a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve))
      add(observer.takeRecords())
      return total
    },
    stop: () => observer.disconnect(),
  }
}
