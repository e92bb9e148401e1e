import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..')
const FLOW_FOLDERS = ['voting', 'freeze', 'stewardship', 'sync', 'join', 'epoch', 'inbound']

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
}

/**
 * Issue 14: every flow module has a unit test of its own, one that imports
 * it directly and builds the state it needs (slices, or a core over a real
 * MLS group) with no `User` and no network, besides the scenario suite
 * (`test/scenarios/`, `test/adversarial/`, `test/durable/`, which run
 * whole users on the memory network and do not count here).
 */
describe('every flow module has a unit test', () => {
  it('each module of the flow folders is imported by a test outside the scenario suites', () => {
    const unitTests = files(join(ROOT, 'test')).filter((f) => !/[/\\](scenarios|adversarial|durable|availability)[/\\]/.test(relative(ROOT, f)))
    const sources = unitTests.map((f) => readFileSync(f, 'utf8'))
    const missing = FLOW_FOLDERS.flatMap((folder) =>
      readdirSync(join(ROOT, 'src', folder))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => `src/${folder}/${name.replace(/\.ts$/, '.js')}`)
        .filter((module) => !sources.some((s) => s.includes(`/${module}'`))),
    )
    expect(missing).toEqual([])
  })
})
