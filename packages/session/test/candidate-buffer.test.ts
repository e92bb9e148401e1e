import type { CommitCandidate } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type BufferedCandidate, FreezeRounds } from '../src/freeze/candidate-buffer.js'
import { type MlsMessageKind, commitHashOf, precheckCandidate } from '../src/rules/candidate-check.js'
import { toHex } from '../src/util/bytes.js'

const enc = new TextEncoder()
const conv = enc.encode('chat')
// A fake framing for the inspector: first byte 1 = proposal, 2 = commit.
const inspect = (b: Uint8Array): MlsMessageKind => (b[0] === 1 ? 'proposal' : b[0] === 2 ? 'commit' : 'other')
const cand = (tag: number, steward = 7): CommitCandidate => ({
  demlsWelcome: new Uint8Array(0),
  conversationId: conv,
  mlsProposals: [new Uint8Array([1, tag])],
  commitMessage: new Uint8Array([2, tag]),
  stewardMemberId: new Uint8Array(20).fill(steward),
})
const buffered = (c: CommitCandidate): BufferedCandidate => {
  const commitHash = commitHashOf(c.commitMessage)
  return {
    candidate: c,
    commitHash,
    hashHex: toHex(commitHash),
    isLocal: false,
    proposalCount: c.mlsProposals.length,
    stewardMemberId: c.stewardMemberId,
  }
}
const never = () => false

describe('precheckCandidate (reference buffer_commit_candidate pre-checks)', () => {
  it('accepts a well-formed candidate', () => {
    expect(precheckCandidate(cand(1), conv, inspect, never).ok).toBe(true)
  })
  it('drops an empty commit message; a commit without proposals is kept (deviation 9: it drains expired adds)', () => {
    expect(precheckCandidate({ ...cand(1), mlsProposals: [] }, conv, inspect, never).ok).toBe(true)
    expect(precheckCandidate({ ...cand(1), commitMessage: new Uint8Array(0) }, conv, inspect, never)).toEqual({
      ok: false,
      reason: 'empty-payload',
    })
  })
  it('drops already-committed candidates', () => {
    const c = cand(1)
    const hex = toHex(commitHashOf(c.commitMessage))
    expect(precheckCandidate(c, conv, inspect, (h) => h === hex)).toEqual({ ok: false, reason: 'already-committed' })
  })
  it('drops an empty steward id', () => {
    expect(precheckCandidate({ ...cand(1), stewardMemberId: new Uint8Array(0) }, conv, inspect, never)).toEqual({
      ok: false,
      reason: 'empty-steward-id',
    })
  })
  it('drops a candidate for another conversation (deviation 5)', () => {
    expect(precheckCandidate({ ...cand(1), conversationId: enc.encode('other') }, conv, inspect, never)).toEqual({
      ok: false,
      reason: 'wrong-conversation',
    })
  })
  it('drops wire-kind mismatches in either slot', () => {
    expect(precheckCandidate({ ...cand(1), commitMessage: new Uint8Array([1, 1]) }, conv, inspect, never).ok).toBe(false)
    expect(precheckCandidate({ ...cand(1), mlsProposals: [new Uint8Array([2, 1])] }, conv, inspect, never)).toEqual({
      ok: false,
      reason: 'wire-kind-mismatch',
    })
  })
})

describe('FreezeRounds', () => {
  it('stashes early candidates without approved work and replays them for the same epoch only', () => {
    const r = new FreezeRounds()
    expect(r.offer(buffered(cand(1)), 3n, 5, false)).toEqual({ kind: 'stashed-early' })
    expect(r.offer(buffered(cand(1)), 3n, 5, false)).toEqual({ kind: 'dropped', reason: 'duplicate' })
    expect(r.stashedCount).toBe(1)
    expect(r.takeStashed(4n)).toEqual([])
    r.offer(buffered(cand(2)), 3n, 5, false)
    expect(r.takeStashed(3n)).toHaveLength(1)
  })

  it('opens a round on the first candidate when work is approved, deduplicates, and caps', () => {
    const r = new FreezeRounds()
    // Three committers (one candidate each is held per committer).
    const first = r.offer(buffered(cand(1, 7)), 3n, 2, true)
    expect(first).toMatchObject({ kind: 'buffered', opened: true })
    expect(r.offer(buffered(cand(1, 7)), 3n, 2, true)).toEqual({ kind: 'dropped', reason: 'duplicate' })
    expect(r.offer(buffered(cand(2, 8)), 3n, 2, true)).toMatchObject({ kind: 'buffered', opened: false })
    expect(r.offer(buffered(cand(3, 9)), 3n, 2, true)).toEqual({ kind: 'dropped', reason: 'buffer-full' })
    expect(r.count(3n)).toBe(2)
    expect(r.count(4n)).toBe(0)
  })

  it('a round for a new epoch replaces the old one', () => {
    const r = new FreezeRounds()
    r.offer(buffered(cand(1)), 3n, 5, true)
    r.offer(buffered(cand(2)), 4n, 5, true)
    expect(r.openEpoch).toBe(4n)
    expect(r.candidates(3n)).toEqual([])
    expect(r.candidates(4n)).toHaveLength(1)
    r.clear()
    expect(r.openEpoch).toBeUndefined()
  })
})
