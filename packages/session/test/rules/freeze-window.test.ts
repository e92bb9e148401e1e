import { describe, expect, it } from 'vitest'
import { freezeEntryWindowFor, selectionAwaitsOpenWork } from '../../src/rules/freeze-window.js'

const config = { recoveryInactivityMs: 7_000, commitBatchWindowMs: 300, commitInactivityMs: 2_000, freezeDurationMs: 1_000 }
const role = { recovering: false, actingEpochSteward: false, mayCommit: false }

describe('rules/freeze-window: how long approved work waits before we freeze', () => {
  it('the acting epoch steward after the batching window, other stewards after commit inactivity, plain members after both inactivities', () => {
    expect(freezeEntryWindowFor({ ...role, actingEpochSteward: true, mayCommit: true }, config)).toBe(300)
    expect(freezeEntryWindowFor({ ...role, mayCommit: true }, config)).toBe(2_000)
    expect(freezeEntryWindowFor(role, config)).toBe(9_000)
  })

  it('in recovery (or after a rejected election) everyone waits the recovery window, the epoch steward too', () => {
    expect(freezeEntryWindowFor({ recovering: true, actingEpochSteward: true, mayCommit: true }, config)).toBe(7_000)
    expect(freezeEntryWindowFor({ ...role, recovering: true }, config)).toBe(7_000)
  })

  it('the order of the windows: steward first, then the other stewards, then members', () => {
    const steward = freezeEntryWindowFor({ ...role, actingEpochSteward: true, mayCommit: true }, config)
    const other = freezeEntryWindowFor({ ...role, mayCommit: true }, config)
    const member = freezeEntryWindowFor(role, config)
    expect(steward).toBeLessThan(other)
    expect(other).toBeLessThan(member)
  })

  it('the epoch steward waits at most one freeze duration more while other joins of its wave are still being voted on; nobody else waits longer for them', () => {
    expect(freezeEntryWindowFor({ ...role, actingEpochSteward: true, mayCommit: true, waveOpen: true }, config)).toBe(1_300)
    expect(freezeEntryWindowFor({ ...role, mayCommit: true, waveOpen: true }, config)).toBe(2_000)
    expect(freezeEntryWindowFor({ ...role, waveOpen: true }, config)).toBe(9_000)
    expect(freezeEntryWindowFor({ recovering: true, actingEpochSteward: true, mayCommit: true, waveOpen: true }, config)).toBe(7_000)
  })
})

describe('rules/freeze-window: a selection waits for proposals a held candidate already carries', () => {
  it('waits while a received candidate carries more than our prefix and proposals are open', () => {
    expect(selectionAwaitsOpenWork([2], 1, 1)).toBe(true)
    expect(selectionAwaitsOpenWork([1, 3], 1, 2)).toBe(true)
  })

  it('does not wait when every candidate carries at most our prefix, or nothing is open to wait for', () => {
    expect(selectionAwaitsOpenWork([1], 1, 1)).toBe(false)
    expect(selectionAwaitsOpenWork([0, 1], 1, 3)).toBe(false)
    expect(selectionAwaitsOpenWork([], 0, 1)).toBe(false)
    // A candidate claiming work nobody proposed here: nothing will be decided, so no wait (its selection judges it).
    expect(selectionAwaitsOpenWork([5], 1, 0)).toBe(false)
  })
})
