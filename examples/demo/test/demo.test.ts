// Runs the whole demo end to end (five peer processes over real gossipsub)
// and checks what its summary reports.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { DemoReport } from '../src/summary.js'

const root = fileURLToPath(new URL('..', import.meta.url))

describe('demo', () => {
  it('plays the life of a 5-peer group and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demls-demo-'))
    const file = join(dir, 'report.json')
    try {
      const run = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), 'src/main.ts'], {
        cwd: root,
        env: { ...process.env, DEMO_REPORT: file },
        encoding: 'utf8',
        timeout: 180_000,
      })
      if (run.status !== 0) console.log(run.stdout, run.stderr)
      expect(run.status).toBe(0)
      const report = JSON.parse(readFileSync(file, 'utf8')) as DemoReport
      expect(report.ok).toBe(true)
      expect(report.totalMs).toBeLessThan(150_000)
      expect(report.joined).toBe(5)
      expect(report.chat).toEqual({ delivered: 20, expected: 20 })
      // A peer killed with SIGKILL resumed from its LevelDB directory at the epoch it had, and its next chat reached all 4.
      // The 4 chats sent while it was down came back from the others' history (backfill).
      expect(report.restart).toMatchObject({ chatAfterDelivered: 4, recoveredChats: 4, missedChats: 0 })
      expect(report.restart?.resumedAt).toBe(report.restart?.epochAtKill)
      expect(report.recovery?.how).toMatch(/^(backup-steward|re-election)$/)
      expect(report.recovery?.committer).not.toBe(report.recovery?.silent)
      expect(report.removal).toMatchObject({ sawLeaving: true, members: 2 })
      expect(report.steps.every((s) => s.ok)).toBe(true)
      expect(run.stdout).toContain('── summary')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
