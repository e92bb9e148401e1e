// The per-member cost model of the scale bench: fits of each measured
// per-operation cost against N, and the CPU one member pays per
// membership change composed from them.
import { type MlsCosts, mlsCostsAt } from './scale-mls.js'
import { type VoteCosts, voteCostsAt, voteMessages } from './scale-votes.js'


/** Everything measured at one group size. */
export interface Row {
  n: number
  mls: MlsCosts
  votes: VoteCosts
}

/** Measure every operation of the model at `n` (fewer repetitions from 500 members on): one row. `log` hears each step. */
export async function measureRow(n: number, log: (step: string) => void = () => {}): Promise<Row> {
  log('votes')
  const votes = await voteCostsAt(n, n >= 500 ? 3 : 5)
  log('MLS')
  const mls = await mlsCostsAt(n, n >= 500 ? 2 : 3, voteMessages(2).bytes[0]!)
  return { n, votes, mls }
}

/** A component of the model: how to read it from a row, and how many times a member pays it per change (N-fold ones: n - 1). */
export interface Component {
  name: string
  of: (r: Row) => number
  /** Times per change for a group of n (votes: n - 1). */
  count: (n: number) => number
  /** Fit against log2 N instead of N (a secret-tree path: O(log N) derivations). */
  log?: boolean
}

/** The components one member pays per change (an add change; `removal` swaps in the remove commit). */
export function components(removal: boolean): Component[] {
  const perVote = (n: number) => n - 1
  const once = () => 1
  return [
    { name: 'MLS decrypt of a vote message', of: (r) => r.mls.decrypt, count: perVote, log: true },
    { name: 'decode the vote AppMessage', of: (r) => r.votes.decode, count: perVote },
    { name: 'consensus receiveVote (signature validation included)', of: (r) => r.votes.receiveVote, count: perVote },
    // The binding its voter sends with a vote is kept unchecked (voting/certificates.ts noteBindings): whoever reads a certificate checks it.
    // The `candidateEchoers` members (3) closest to a candidate's hash echo it once (freeze/commit-flow.ts);
    // a copy of a candidate the round holds is dropped before any MLS decoding, so the echoes cost no
    // authentication.
    { name: 'proposal: MLS decrypt + decode + receiveProposal', of: (r) => r.mls.decrypt + r.votes.decode + r.votes.receiveProposal, count: once },
    { name: 'own vote: sign vote + binding, encode, MLS encrypt', of: (r) => r.votes.castVote + r.mls.encrypt, count: once },
    { name: 'candidate: authenticateCommit', of: (r) => r.mls.authenticate, count: once },
    removal
      ? { name: 'commit: stage + merge (remove, with update path)', of: (r) => r.mls.stageRemove, count: once }
      : { name: 'commit: stage + merge (add)', of: (r) => r.mls.stageAdd, count: once },
  ]
}

/** Least-squares fit c(N) = a + b·x (x = N, or log2 N), and the log-log slope between the smallest and largest N. */
export interface Fit {
  a: number
  b: number
  /** x is log2 N. */
  log: boolean
  /** d log c / d log N between the ends: ~0 constant, ~1 linear. */
  exponent: number
  shape: 'constant' | 'sub-linear' | 'linear' | 'super-linear'
}

/** Fit `ys` against `ns`. A negative slope (noise around a constant) fits as the mean. */
export function fit(ns0: readonly number[], ys: readonly number[], log = false): Fit {
  const ns = log ? ns0.map(Math.log2) : ns0
  const k = ns.length
  const mx = ns.reduce((s, x) => s + x, 0) / k
  const my = ys.reduce((s, y) => s + y, 0) / k
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < k; i++) {
    sxy += (ns[i]! - mx) * (ys[i]! - my)
    sxx += (ns[i]! - mx) ** 2
  }
  const exponent = k > 1 ? Math.log(ys[k - 1]! / ys[0]!) / Math.log(ns0[k - 1]! / ns0[0]!) : 0
  const shape = exponent < 0.15 ? 'constant' : exponent < 0.85 ? 'sub-linear' : exponent <= 1.15 ? 'linear' : 'super-linear'
  const b = sxx > 0 ? sxy / sxx : 0
  if (b <= 0 || shape === 'constant') return { a: my, b: 0, log, exponent, shape }
  return { a: Math.max(0, my - b * mx), b, log, exponent, shape }
}

/** The fitted cost at `n`. */
export function fitted(f: Fit, n: number): number {
  return f.a + f.b * (f.log ? Math.log2(n) : n)
}

/** A component's cost at `n`: measured when `n` was measured, else from its fit. */
export function costAt(c: Component, rows: readonly Row[], f: Fit, n: number): { ms: number; measured: boolean } {
  const row = rows.find((r) => r.n === n)
  return row !== undefined ? { ms: c.of(row), measured: true } : { ms: fitted(f, n), measured: false }
}

/** Per-member CPU ms of one change at `n`: each component's cost × its count, and the total. */
export function perMember(rows: readonly Row[], n: number, removal: boolean, votesPerChange?: (n: number) => number) {
  const ns = rows.map((r) => r.n)
  const parts = components(removal).map((c) => {
    const f = fit(
      ns,
      rows.map((r) => c.of(r)),
      c.log,
    )
    const { ms, measured } = costAt(c, rows, f, n)
    const count = votesPerChange !== undefined && c.count(n) === n - 1 ? votesPerChange(n) : c.count(n)
    return { name: c.name, fit: f, ms, measured, count, total: ms * count }
  })
  return { parts, totalMs: parts.reduce((s, p) => s + p.total, 0) }
}
