// Churn as users make it (issue 56): 12 members with invitation admission,
// then at once two invited joins, a removal by explicit votes, a leave and
// chat, under 20 % loss and with none; every remaining member must end on
// one branch with the expected members, and no member may report a wake-up
// loop (a source due at once that its step does not serve, whichever
// source; test/scenarios/churn-run.ts). The table over many seeds is `pnpm --filter @demls/session faults:churn`.
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
    expect(r.wakeupLoops).toEqual([])
  }, 180_000)

  // Seeds repeat exactly, so a seed that once failed is a regression scenario of its shape (each failed before its fix).
  it.each([
    { seed: 93, timing: 'default' as const, shape: 'joiner welcomed by the losing commit' },
    { seed: 154, timing: 'default' as const, shape: 'leave approved on an abandoned branch' },
    { seed: 13, timing: 'default' as const, shape: 'own next commit pending on a branch left and rejoined' },
    { seed: 112, timing: 'fast' as const, shape: 'lagging steward voted out by score' },
    { seed: 383, timing: 'fast' as const, shape: 'an election landing after the commits it ranks, on half the group' },
    { seed: 484, timing: 'fast' as const, shape: 'a lagging steward elected again by a few at a timeout refuses the commit a majority merged' },
    { seed: 340, timing: 'fast' as const, shape: 'laggards refuse the replay of a commit a majority merged, its committer on none of their lists' },
    { seed: 7, timing: 'fast' as const, shape: 'a joiner stranded on a branch left, added by the group an epoch before the commit that welcomed it' },
  ])('$timing timing, 20 % loss, seed $seed ($shape): one branch, the expected members', async ({ seed, timing }) => {
    const r = await churnRun({ seed, loss: 0.2, timing })
    expect(r.outcome, r.detail.join('\n')).toBe('converged')
    expect(r.wakeupLoops).toEqual([])
  }, 180_000)

  it('on the aggregated plug-in (@demls/bls), FAST_TIMING, seed 1, 20 % loss: proofs decide, the broadcast path covers the lost ones, one branch', async () => {
    const r = await churnRun({ seed: 1, loss: 0.2, timing: 'fast', consensus: 'aggregated', churnMs: 120_000, settleMs: 600_000 })
    expect(r.outcome, r.detail.join('\n')).toBe('converged')
    expect(r.wakeupLoops).toEqual([])
    // Aggregation did the deciding, and under loss some votes fell back to the broadcast path (both paths in one run).
    expect(r.aggregate?.proofsTaken).toBeGreaterThan(0)
    expect(r.aggregate?.fallbacks).toBeGreaterThan(0)
    expect(r.aggregate?.conflicts).toBe(0)
  }, 180_000)

  // On the aggregated plug-in, default timing, seed 9 hung for good before the fix: a frozen member whose votes' aggregators an election had
  // changed was woken at once, could not send, and was woken at once again: virtual time never moved past that instant.
  it('on the aggregated plug-in, default timing, 20 % loss, seed 9 (a frozen member woken at once for a resend it cannot send): one branch', async () => {
    const r = await churnRun({ seed: 9, loss: 0.2, timing: 'default', consensus: 'aggregated' })
    expect(r.outcome, r.detail.join('\n')).toBe('converged')
    expect(r.wakeupLoops).toEqual([])
  }, 180_000)

  // Seed 107 stalled before the aggregate proof travelled with the change: seven members refused the replay of a removal a proof had
  // decided (`no verifiable approval for remove:…`), as its certificate held the owner's signed vote alone and five merges of twelve
  // are no quorum. The proof is the change's certificate now (`ApprovalCertificate.demls_aggregate_proof`).
  it('on the aggregated plug-in, default timing, 20 % loss, seed 107 (the replay of a removal a proof decided): one branch', async () => {
    const r = await churnRun({ seed: 107, loss: 0.2, timing: 'default', consensus: 'aggregated' })
    expect(r.outcome, r.detail.join('\n')).toBe('converged')
    expect(r.wakeupLoops).toEqual([])
  }, 180_000)

  it('a seed repeats exactly: the same events and the same end, so a failing seed can be traced again', async () => {
    const once = { seed: 5, loss: 0.2, timing: 'fast' as const, size: 6, churnMs: 30_000, settleMs: 120_000 }
    const a = await churnRun(once)
    const b = await churnRun(once)
    const other = await churnRun({ ...once, seed: 6 })
    expect(a.outcome, a.detail.join('\n')).toBe('converged')
    expect(a.wakeupLoops).toEqual([])
    expect(b.fingerprint).toBe(a.fingerprint)
    expect(other.fingerprint).not.toBe(a.fingerprint)
  }, 180_000)
})
