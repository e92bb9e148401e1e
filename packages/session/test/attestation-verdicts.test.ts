import type { ConsensusSigner } from '@demls/consensus'
import { type EpochAttestation, decodeEpochAttestation, encodeEpochAttestation } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins } from '../src/index.js'
import { signAttestation, verifyAttestation } from '../src/join/signing.js'
import { keyFor } from './scenarios/harness.js'

// Issue 18: one received attestation is judged by up to four flows
// (liveness, a joiner's branch, the group's epoch, merge evidence); its
// EIP-191 signature is recovered once per decoded object, and that verdict
// never stands for another conversation, another verifier or other bytes.

const signer = (await defaultPlugins(keyFor(0))).consensus.signer
const other = (await defaultPlugins(keyFor(1))).consensus.signer

/** A verifier that counts the signature checks it makes (the real secp256k1 check underneath). */
function counting(inner: Pick<ConsensusSigner, 'verify'>): Pick<ConsensusSigner, 'verify'> & { calls: number } {
  const v = {
    calls: 0,
    verify(identity: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
      v.calls++
      return inner.verify(identity, payload, signature)
    },
  }
  return v
}

const received = (conversationId = 'chat'): EpochAttestation =>
  decodeEpochAttestation(encodeEpochAttestation(signAttestation(signer, conversationId, { epoch: 7n, commitHash: new Uint8Array(32).fill(9), signedAtMs: 1000n })))

describe('attestation verdicts: one signature check per received attestation', () => {
  it('a genuine attestation judged four times is checked once', () => {
    const v = counting(signer)
    const a = received()
    for (let i = 0; i < 4; i++) expect(verifyAttestation(v, 'chat', a)).toBe(true)
    expect(v.calls).toBe(1)
  })

  it('a forged attestation is refused every time, and checked once', () => {
    const v = counting(signer)
    const a = received()
    const forged = { ...a, memberId: other.identity }
    for (let i = 0; i < 3; i++) expect(verifyAttestation(v, 'chat', forged)).toBe(false)
    expect(v.calls).toBe(1)
  })

  it('the verdict is not reused for another conversation or another verifier', () => {
    const v = counting(signer)
    const w = counting(signer)
    const a = received()
    expect(verifyAttestation(v, 'chat', a)).toBe(true)
    // The same object in another conversation: its signature does not cover that id.
    expect(verifyAttestation(v, 'other-chat', a)).toBe(false)
    expect(verifyAttestation(w, 'chat', a)).toBe(true)
    expect([v.calls, w.calls]).toEqual([2, 1])
  })

  it('a copy with one field changed is a new object: judged on its own bytes', () => {
    const v = counting(signer)
    const a = received()
    expect(verifyAttestation(v, 'chat', a)).toBe(true)
    expect(verifyAttestation(v, 'chat', { ...a, epoch: 8n })).toBe(false)
    expect(verifyAttestation(v, 'chat', { ...a, signature: new Uint8Array(0) })).toBe(false)
    expect(v.calls).toBe(2) // the empty signature is refused before any check
  })
})
