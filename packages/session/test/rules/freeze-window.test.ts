import { describe, expect, it } from 'vitest'
import { freezeEntryWindowFor } from '../../src/rules/freeze-window.js'

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
