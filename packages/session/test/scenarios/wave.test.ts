import { describe, expect, it } from 'vitest'
import { waveRun } from './wave-run.js'

/**
 * The real-network soak's staggered phase on the memory network
 * (`faults:wave`, docs/fault-runs.md): 30 members on LAN_TIMING announced
 * 1 s apart, 1.5 s of jitter per delivery. Seeded: a run repeats exactly.
 */
describe('wave runs (issue 56)', () => {
  /**
   * Seed 35: two commits of epoch 6; the creator merged its own, the group
   * the other. The creator then committed epoch 7 on its own branch before
   * the fork choice reached it, so its one branch point lay past the fork:
   * the group's commit of epoch 7 did not stage there, and it stayed alone
   * an epoch ahead for good (506 commit requests, 105 replays in 3 min).
   * It now keeps the branch points of the merges before its last
   * (`priorBranches`), asks for the group's commit of the epoch before when
   * the last one does not stage, and switches there.
   */
  it('seed 35: a member that went on an epoch past a fork it lost heals at the fork, and the wave converges', async () => {
    const r = await waveRun({ seed: 35 })
    expect(r.wakeupLoops).toEqual([])
    expect(r.outcome, r.detail.join('\n')).toBe('converged')
    expect(r.formedAfterLastMs).toBeLessThan(30_000)
  }, 240_000)
})
