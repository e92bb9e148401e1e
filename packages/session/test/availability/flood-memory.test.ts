import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const here = fileURLToPath(new URL('.', import.meta.url))

describe('a flood cannot make a member hold more than 16 MiB per conversation', () => {
  it('100 future-epoch ciphertexts, 100 beyond the horizon, 50 Welcomes and 50 future commit candidates of 1 MiB, and 500 forged attestations: the heap grows < 16 MiB per member, and the group then admits and chats', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', import.meta.resolve('tsx'), 'flood-process.ts'], { cwd: here, encoding: 'utf8', timeout: 170_000 })
    if (r.status !== 0) console.log(r.stdout, r.stderr)
    expect(r.status).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
    console.log('flood:', out)
    // About 300 MiB was sent at each member; it keeps its budgets (future stash 4 MiB, unmatched Welcomes 1 MiB, …).
    expect(out.growthPerMemberMiB).toBeLessThan(16)
    expect(out.delivered).toBe(3)
  }, 180_000)
})
