// The list the fork choice ranks two commits of one epoch on (sync/catch-up.ts rankingList, churn FAST_TIMING seed 383).
import type { StewardList } from '@demls/steward'
import { describe, expect, it } from 'vitest'
import { type ControlComponents, branchClaim, rankingList } from '../../src/sync/catch-up.js'

const a = new Uint8Array(20).fill(0xa0)
const b = new Uint8Array(20).fill(0x99)
const list = (electionEpoch: bigint, members: Uint8Array[], retryRound = 0): StewardList => ({
  members,
  electionEpoch,
  retryRound,
  config: { snMin: 1, snMax: 2, allowSubsetCandidates: false },
})

/** The slices rankingList and branchClaim read: a branch point at `bpEpoch` holding `held`, and `current` installed now. */
function core(bpEpoch: bigint | undefined, held: StewardList | undefined, current: StewardList | undefined) {
  return {
    branch:
      bpEpoch === undefined
        ? undefined
        : { epoch: bpEpoch, hashHex: '00', committer: a, mlsState: new Uint8Array(0), session: { steward: held === undefined ? undefined : { list: held, nextElectionRound: 0, maxRetries: 3 } } },
    steward: { currentList: () => current },
    epoch: () => (bpEpoch ?? 13n) + 1n,
    certificates: { mergeSupport: () => 0 },
    liveness: { settleWaiting: () => false },
  } as unknown as ControlComponents
}

describe('rankingList: the list two commits of one epoch are ranked on', () => {
  const old = list(12n, [a, b]) // serves epoch 13 with b (slot 1)
  const elected = list(13n, [a, b]) // elected at epoch 13: a serves it (slot 0)

  it('an election of the branch point epoch installed after our merge outranks the list held there', () => {
    const c = core(13n, old, elected)
    expect(rankingList(c)).toBe(elected)
    // Both halves of the split of seed 383 now rank a's commit first.
    expect(branchClaim(c, a, new Uint8Array(32)).committerRank).toBe(0)
    expect(branchClaim(c, b, new Uint8Array(32)).committerRank).toBe(1)
    expect(branchClaim(core(13n, elected, elected), a, new Uint8Array(32)).committerRank).toBe(0)
    // Before: ranked on the list held at the branch point, b's commit came first on that half.
    expect(branchClaim(core(13n, old, undefined), b, new Uint8Array(32)).committerRank).toBe(0)
  })

  it('a list elected after the branch point epoch (on the branch we are on) does not rank it', () => {
    expect(rankingList(core(13n, old, list(14n, [a, b])))).toBe(old)
  })

  it('a later retry round of the same election epoch outranks an earlier one; an older list never replaces a newer one', () => {
    const retried = list(13n, [b, a], 1)
    expect(rankingList(core(13n, elected, retried))).toBe(retried)
    expect(rankingList(core(13n, retried, elected))).toBe(retried)
    expect(rankingList(core(13n, elected, old))).toBe(elected)
  })

  it('without a branch point, or without one of the two lists, the one there is', () => {
    expect(rankingList(core(undefined, undefined, elected))).toBe(elected)
    expect(rankingList(core(13n, undefined, elected))).toBe(elected)
    expect(rankingList(core(13n, old, undefined))).toBe(old)
  })
})
