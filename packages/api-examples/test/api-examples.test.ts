// Every exported class, function, interface and type alias of the published
// packages has a TSDoc `@example` whose ```ts code type-checks against the
// built packages, imported by their names. Exports not yet covered are listed
// in remaining.json, which may only shrink: an entry that gains an example or
// disappears must be removed from it, and a new export without an example
// fails here.
import { beforeAll, describe, expect, it } from 'vitest'
import { type ExampleFailure, readRemaining, typecheckExamples } from '../src/check.js'
import { collectExamples, type DocExamples, ENTRY_POINTS, exportKey, type PublicExport } from '../src/collect.js'

let exports: PublicExport[]
let others: DocExamples[]
beforeAll(() => {
  ;({ exports, others } = collectExamples())
})

describe('API examples', () => {
  it('finds the exports of every entry point', () => {
    for (const entry of ENTRY_POINTS) {
      const spec = entry.label ?? entry.specifier
      expect(exports.filter((e) => e.specifier === spec).length, spec).toBeGreaterThan(0)
    }
  })

  it('every export has an @example with a ts code block, except those listed in remaining.json', () => {
    const remaining = readRemaining()
    expect(new Set(remaining).size, 'remaining.json has duplicates').toBe(remaining.length)
    const missing = exports.filter((e) => e.examples.length === 0 || e.examplesWithoutCode > 0).map(exportKey)
    const unlisted = missing.filter((k) => !remaining.includes(k))
    expect(unlisted, 'exports without an @example (write one)').toEqual([])
    const keys = new Set(exports.map(exportKey))
    const stale = remaining.filter((k) => !keys.has(k) || !missing.includes(k))
    expect(stale, 'remaining.json entries that now have an example or no longer exist (remove them)').toEqual([])
  })

  it('every example type-checks (also those of members and package overviews)', () => {
    const { failures, checked } = typecheckExamples([...exports, ...others])
    expect(checked).toBeGreaterThan(0)
    const report = (f: ExampleFailure) => `${f.example}\n  ${f.messages.join('\n  ')}`
    expect(failures.map(report)).toEqual([])
  })
})
