// Churn as users make it (issue 56): 12 members with invitation admission,
// then at once two invited joins, a removal by explicit votes, a leave and
// chat, under 20 % loss and with none; every remaining member must end on
// one branch with the expected members (test/scenarios/churn-run.ts). The
// table over many seeds is `pnpm --filter @demls/session faults:churn`.
import { describe, expect, it } from 'vitest'
import { churnRun } from './churn-run.js'

describe('churn: joins, a removal by vote and a leave at once', () => {
  it.each([
    { seed: 1, loss: 0.2 },
    { seed: 2, loss: 0.2 },
    { seed: 3, loss: 0 },
  ])('FAST_TIMING, seed $seed, loss $loss: one branch, the expected members', async ({ seed, loss }) => {
    const r = await churnRun({ seed, loss, timing: 'fast', churnMs: 120_000, settleMs: 600_000 })
    expect(r.outcome, r.detail.join('\n')).toBe('converged')
  }, 180_000)
})
