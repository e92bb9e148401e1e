import { describe, expect, it } from 'vitest'
import { ownProcessOf } from '../../bench/scale-report.js'

describe('scale report: the own-process measurements that calibrate the model', () => {
  it("takes the reference design's plain member at each n, not the aggregated rows of the same report", () => {
    const report = {
      package: '@demls/session-large-1000',
      machine: { date: '2026-11-29' },
      measurements: [
        { name: 'protocol remove, n=1000 [aggregated]: one plain member in its own process (CPU)', p50Ms: 112, params: { n: 1000 } },
        { name: 'protocol remove, n=1000: one plain member in its own process (CPU)', p50Ms: 652, params: { n: 1000 } },
        { name: 'protocol remove, n=1000: the epoch steward (committer) in its own process (CPU)', p50Ms: 1253, params: { n: 1000 } },
        { name: 'protocol remove, n=50: one plain member in its own process (CPU)', p50Ms: 38 },
      ],
    }
    expect(ownProcessOf(report)).toEqual([{ n: 1000, ms: 652, source: '@demls/session-large-1000, 2026-11-29' }])
  })
})
