import { describe, expect, it } from 'vitest'
import { DeadlineTable } from '../src/state/deadlines.js'

describe('state/deadlines: DeadlineTable (set / clear / due / next)', () => {
  it('next is the earliest deadline, undefined when empty', () => {
    const t = new DeadlineTable<number>()
    expect(t.next()).toBeUndefined()
    t.set(1, 300)
    t.set(2, 100)
    t.set(3, 200)
    expect(t.next()).toBe(100)
    t.clear(2)
    expect(t.next()).toBe(200)
    t.clearAll()
    expect(t.next()).toBeUndefined()
    expect(t.size).toBe(0)
  })

  it('due lists the deadlines at or before now in the order they were set, with their values', () => {
    const t = new DeadlineTable<string, { choice: boolean }>()
    t.set('c', 50, { choice: true })
    t.set('a', 10, { choice: false })
    t.set('b', 500, { choice: true })
    expect(t.due(50)).toEqual([
      ['c', { at: 50, value: { choice: true } }],
      ['a', { at: 10, value: { choice: false } }],
    ])
    expect(t.due(9)).toEqual([])
  })

  it('re-setting a present key keeps its place; setting a cleared key moves it to the end', () => {
    const t = new DeadlineTable<string>()
    t.set('a', 1)
    t.set('b', 1)
    t.set('a', 2)
    expect(t.due(5).map(([k]) => k)).toEqual(['a', 'b'])
    t.clear('a')
    t.set('a', 3)
    expect(t.due(5).map(([k]) => k)).toEqual(['b', 'a'])
    expect(t.get('a')).toEqual({ at: 3, value: undefined })
  })

  it('due is a snapshot: entries cleared or re-set while walking it do not disturb the walk', () => {
    const t = new DeadlineTable<number>()
    for (let i = 0; i < 5; i++) t.set(i, i)
    const fired: number[] = []
    for (const [k] of t.due(10)) {
      fired.push(k)
      t.clear(k)
      if (k === 0) t.set(99, 1)
    }
    expect(fired).toEqual([0, 1, 2, 3, 4])
    expect(t.has(99)).toBe(true)
    expect(t.size).toBe(1)
  })
})
