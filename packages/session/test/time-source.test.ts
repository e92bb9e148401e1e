import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', 'src')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** Code lines (not comment lines) of `path` that read the core's remembered time. */
function readsCoreNow(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => !/^\s*(\*|\/\/)/.test(line) && /\bcore\.now\b|\bthis\.now\b/.test(line))
    .map(([line, n]) => `${relative(SRC, path)}:${n}: ${line.trim()}`)
}

/**
 * One way to pass time (issue 14): flows and the core's derived views take
 * the call's time as a positional `now`; only `Conversation` remembers the
 * latest time it was given (for its public queries, the wake-up table and
 * the save), so no decision depends on a clock hidden in the state.
 */
describe('time is passed, not read from the state', () => {
  it('no module but conversation/conversation.ts reads core.now', () => {
    const offenders = files(SRC)
      .filter((f) => !f.endsWith(join('conversation', 'conversation.ts')))
      .flatMap(readsCoreNow)
    expect(offenders).toEqual([])
  })
})
