// CPU-time helpers of the scale bench (`bench/scale.ts`): process CPU
// (user + system, every thread) rather than wall time, so a preemption by
// another process on this shared 2-core machine does not count.

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
