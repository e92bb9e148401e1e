import { describe, expect, it } from 'vitest'
import { DropCounter } from '../src/core/drop-counter.js'

describe('DropCounter: repeated drops are counted, not emitted one by one', () => {
  it('emits the first drop of each reason and detail per epoch and counts the repeats', () => {
    const d = new DropCounter()
    expect(d.admit({ type: 'dropped', reason: 'duplicate' }, 1n)).toBe(true)
    expect(d.admit({ type: 'dropped', reason: 'duplicate' }, 1n)).toBe(false)
    expect(d.admit({ type: 'dropped', reason: 'duplicate' }, 1n)).toBe(false)
    expect(d.admit({ type: 'dropped', reason: 'candidate', detail: 'stale-epoch' }, 1n)).toBe(true)
    expect(d.admit({ type: 'dropped', reason: 'candidate', detail: 'future-epoch' }, 1n)).toBe(true)
    expect(d.admit({ type: 'dropped', reason: 'candidate', detail: 'stale-epoch' }, 1n)).toBe(false)
    expect(d.takeSummary(1n)).toBeUndefined()
    expect(d.takeSummary(2n)).toEqual({ type: 'drops-suppressed', epoch: 1n, counts: { duplicate: 2, candidate: 1 } })
    // Reported once.
    expect(d.takeSummary(2n)).toBeUndefined()
    // A new epoch emits each kind again.
    expect(d.admit({ type: 'dropped', reason: 'duplicate' }, 2n)).toBe(true)
    expect(d.totals()).toEqual({ duplicate: 4, candidate: 3 })
  })

  it('a flood of distinct details cannot grow memory: past 256 kinds per epoch everything is only counted', () => {
    const d = new DropCounter()
    let emitted = 0
    for (let i = 0; i < 10_000; i++) if (d.admit({ type: 'dropped', reason: 'invalid-proposal', detail: `proposal ${i}` }, 5n)) emitted++
    expect(emitted).toBe(256)
    expect(d.totals()).toEqual({ 'invalid-proposal': 10_000 })
    expect(d.takeSummary(6n)?.counts).toEqual({ 'invalid-proposal': 10_000 - 256 })
  })
})
