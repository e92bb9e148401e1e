import { describe, expect, it } from 'vitest'
import { faultRun, joinBoundMs } from './fault-run.js'

// Issue 8: seeded fault runs. 10 % loss with duplication, reordering and
// jitter; seeds ≡ 3 (mod 10) partition a member during a join and seeds ≡ 7
// mute the epoch steward during a removal (see fault-run.ts). Honest members
// must never end a step on different branches at one epoch, nobody is added
// without an approving vote, and every approved join lands within the bound
// derived from the timers. `pnpm --filter @demls/session faults` prints the
// same runs as a table over several loss rates (docs/fault-runs.md).
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1)

describe('seeded fault runs at 10 % loss (50 seeds)', () => {
  it.each(SEEDS)('seed %i: converges without forks, unapproved joins or late joins', async (seed) => {
    const r = await faultRun({ seed, loss: 0.1 })
    const context = `seed ${seed}: ${r.outcome} at ${r.failedStep ?? '-'}\n${[...r.forks, ...r.detail].join('\n')}`
    expect(r.forks, context).toEqual([])
    expect(r.outcome, context).toBe('converged')
    expect(r.unapprovedJoins, `seed ${seed}`).toEqual([])
    // Every member is honest: nobody is caught signing two votes or two commits with the same changes.
    expect(r.equivocations, `seed ${seed}: an honest member accused of equivocation`).toBe(0)
    expect(r.joinLatencyMs.length, `seed ${seed}: every join had an approving outcome`).toBe(4)
    for (const ms of r.joinLatencyMs) expect(ms, `seed ${seed}: approval → join`).toBeLessThanOrEqual(joinBoundMs())
    // Seeds ≡ 5: the forged removal was refused (and, by the checks above, never applied).
    if (seed % 10 === 5) expect(r.refusedReplays, `seed ${seed}: forged replay refused`).toBeGreaterThan(0)
  }, 120_000)
})
