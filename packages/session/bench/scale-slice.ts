// The cost of one copy of ts-mls's secret tree at a group size: ts-mls
// replaces one sender's ratchet by `slice`-ing the epoch's secret tree
// (2N − 1 slots) on every message it decrypted before patch §12. The
// numbers quoted in scale-report.ts and UPSTREAM.md §12 come from it; run
// with `tsx bench/scale-slice.ts`.
const COPIES = 5000

for (const n of [1000, 10_000]) {
  let tree = Array.from({ length: 2 * n - 1 }, (_, i) => ({ i }))
  // Warm up, then time copies that each replace one slot, as ts-mls does.
  for (let k = 0; k < 200; k++) tree = tree.slice()
  const t0 = performance.now()
  for (let k = 0; k < COPIES; k++) {
    const next = tree.slice()
    next[k % next.length] = { i: k }
    tree = next
  }
  console.log(`N=${n}: ${(((performance.now() - t0) / COPIES) * 1000).toFixed(1)} µs per copy of ${tree.length} slots`)
}
