import { type EpochAttestation, decodeEpochAttestation, encodeEpochAttestation, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins } from '../src/index.js'
import { signAttestation } from '../src/join/signing.js'
import { CertificateState } from '../src/state/certificate-state.js'
import { keyFor } from './scenarios/harness.js'

// What the fork choice's majority counts (`BranchClaim.majority`): each
// member's latest signed word about the commit it merged at an epoch.

const signers = await Promise.all([0, 1, 2, 3].map(async (i) => (await defaultPlugins(keyFor(i))).consensus.signer))
const A = new Uint8Array(32).fill(0xaa)
const B = new Uint8Array(32).fill(0xbb)
const att = (by: number, commitHash: Uint8Array, signedAtMs: number, epoch = 5n): EpochAttestation =>
  decodeEpochAttestation(encodeEpochAttestation(signAttestation(signers[by]!, 'chat', { epoch, commitHash, signedAtMs })))
const electorate = new Set([0, 1, 2].map((i) => toHex(signers[i]!.identity)))

describe('merge support: a member counts once, for the commit it attested last', () => {
  it('a later attestation of another commit at the same epoch moves the member; an earlier one is ignored', () => {
    const s = new CertificateState()
    s.keepMerge(att(0, A, 100))
    s.keepMerge(att(1, A, 100))
    expect(s.mergeSupport(5n, A, electorate)).toBe(2)
    s.keepMerge(att(1, B, 200)) // member 1 switched to B
    expect(s.mergeSupport(5n, A, electorate)).toBe(1)
    expect(s.mergeSupport(5n, B, electorate)).toBe(1)
    expect(s.mergedBy(5n, A).map((a) => toHex(a.memberId))).toEqual([toHex(signers[0]!.identity)])
    s.keepMerge(att(0, B, 50)) // older than member 0's word for A: stands as A
    expect(s.mergeSupport(5n, A, electorate)).toBe(1)
    expect(s.mergeSupport(5n, B, electorate)).toBe(1)
    s.keepMerge(att(0, A, 300, 6n)) // another epoch: its own count
    expect(s.mergeSupport(5n, A, electorate)).toBe(1)
  })

  it('only members of the branch point count: an attester outside it adds nothing', () => {
    const s = new CertificateState()
    s.keepMerge(att(3, A, 100))
    s.keepMerge(att(0, A, 100))
    expect(s.mergeSupport(5n, A, electorate)).toBe(1)
  })

  it('with atLeast: 0 while fewer are kept at all, else the count capped there (what a majority test needs)', () => {
    const s = new CertificateState()
    s.keepMerge(att(3, A, 100)) // outside the electorate
    s.keepMerge(att(0, A, 100))
    expect(s.mergeSupport(5n, A, electorate, 3)).toBe(0) // 2 kept < 3
    expect(s.mergeSupport(5n, A, electorate, 2)).toBe(1) // 2 kept, 1 of them counts
    s.keepMerge(att(1, A, 100))
    s.keepMerge(att(2, A, 100))
    expect(s.mergeSupport(5n, A, electorate)).toBe(3)
    expect(s.mergeSupport(5n, A, electorate, 2)).toBe(2)
    expect(s.mergeSupport(5n, B, electorate, 1)).toBe(0)
  })
})
