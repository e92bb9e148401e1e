/**
 * Per-vote cost of ConsensusService.receiveVote as the session fills up:
 * N voters, the cost of the last votes (when the session already holds
 * about N), for several N. Flat in N means O(1) bookkeeping.
 */
import { performance } from 'node:perf_hooks'
import { type Measurement, summarise } from '@demls-dev/bench-kit'
import type { Vote } from '@demls/wire'
import {
  type ConsensusSigner,
  ConsensusService,
  EthereumSigner,
  buildVote,
  createProposal,
  defaultConsensusPlugin,
} from '../src/index.js'

const NOW = 1_700_000_000_000

function key(i: number): Uint8Array {
  const k = new Uint8Array(32)
  k[0] = 0x42
  k[28] = (i >>> 24) & 0xff
  k[29] = (i >>> 16) & 0xff
  k[30] = (i >>> 8) & 0xff
  k[31] = (i & 0xff) + 1
  return k
}

/**
 * Signer whose `verify` accepts every signature: isolates the service's own
 * work (hash recompute, encoding, lookup, tally, rule) from the curve. Used
 * only to measure; the "full" rows verify for real.
 */
function trustingSigner(identity: Uint8Array): ConsensusSigner {
  return { identity, sign: () => new Uint8Array(65), verify: () => true }
}

export interface BookkeepingRow {
  n: number
  full: Measurement
  bookkeeping: Measurement
}

/**
 * For each N: `reps` fresh sessions of N voters, timing the last `tail`
 * votes of each. Repetitions are interleaved across the sizes so every N
 * sees the same machine load.
 */
export function benchBookkeeping(sizes: readonly number[], reps: number, tail: number): BookkeepingRow[] {
  const maxN = Math.max(...sizes)
  const signers = Array.from({ length: maxN }, (_, i) => new EthereumSigner(key(i)))
  // No recovery cache: the same votes are received again in every repetition.
  const owner = new EthereumSigner(key(maxN + 1), { recoveryCacheSize: 0 })
  const trusting = trustingSigner(owner.identity)
  const setups = sizes.map((n) => {
    // Expected voters 3N: N votes never reach the 2/3 quorum, so every vote is evaluated.
    const proposal = createProposal({ payload: new Uint8Array(32), owner: owner.identity, expectedVotersCount: 3 * n }, NOW)
    const votes: Vote[] = signers.slice(0, n).map((s, i) => buildVote({ proposal, choice: i % 2 === 0, signer: s, now: NOW + 1000 }))
    return { n, proposal, votes, full: [] as number[], bookkeeping: [] as number[] }
  })
  // Each tail vote is timed on its own (a sample per vote), so a scheduler
  // preemption on this shared machine spoils one sample, not a whole batch.
  const once = (setup: (typeof setups)[number], signer: ConsensusSigner, into: number[]): void => {
    const { n, proposal, votes } = setup
    const k = Math.min(tail, n)
    const svc = new ConsensusService({ plugin: defaultConsensusPlugin(signer) })
    svc.receiveProposal('bench', proposal, NOW + 2000)
    for (let i = 0; i < n - k; i++) svc.receiveVote('bench', votes[i]!, NOW + 2000)
    for (let i = n - k; i < n; i++) {
      const t = performance.now()
      svc.receiveVote('bench', votes[i]!, NOW + 2000)
      into.push(performance.now() - t)
    }
    if (svc.getSession('bench', proposal.proposalId)!.proposal.votes.length !== n) throw new Error('a vote was not accepted')
  }
  for (const setup of setups) once(setup, owner, []) // warm-up
  for (let r = 0; r < reps; r++) {
    for (const setup of setups) {
      once(setup, owner, setup.full)
      once(setup, trusting, setup.bookkeeping)
    }
  }
  return setups.map(({ n, full, bookkeeping }) => ({
    n,
    full: summarise(`receiveVote, session holding ~${n} votes · full (native verification)`, full, { voters: n }),
    bookkeeping: summarise(`receiveVote, session holding ~${n} votes · bookkeeping only (verification skipped)`, bookkeeping, {
      voters: n,
    }),
  }))
}
