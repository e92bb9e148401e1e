import { EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { describe, expect, it } from 'vitest'
import { blsConsensusPlugin, blsKeyFromMemberKey, createKeyBinding, decodeKeyBinding, encodeKeyBinding } from '../src/index.js'

const keys = [1, 2, 3, 4].map((i) => new Uint8Array(32).fill(i))
const signers = keys.map((k) => new EthereumSigner(k))
const plugins = keys.map((k, i) => blsConsensusPlugin(signers[i]!, { memberSecretKey: k }))
const agg = plugins.map((p) => p.aggregation)
const ctx = { conversationId: 'chat', epoch: 5n, proposalId: 42, proposalDigest: new Uint8Array(32).fill(9), livenessCriteriaYes: true }

describe('the aggregation capability of the BLS plug-in (ConsensusPlugin.aggregation)', () => {
  it('is absent on the default plug-in: the reference path is untouched', () => {
    expect(defaultConsensusPlugin(signers[0]!).aggregation).toBeUndefined()
  })

  it("verifies a member's own binding for its member id, and gives its key", () => {
    const r = agg[0]!.verifyBinding(agg[0]!.binding, signers[0]!.identity)
    expect(r).toEqual({ ok: true, memberId: signers[0]!.identity, publicKey: plugins[0]!.bls.binding.publicKey })
    expect(agg[0]!.verifyBinding(agg[1]!.binding)).toMatchObject({ ok: true, memberId: signers[1]!.identity })
    expect(agg[0]!.binding.length).toBe(agg[0]!.maxBindingBytes)
  })

  it('refuses a binding for another member id, a forged one, a copied key and garbage, with a reason, never a throw', () => {
    expect(agg[0]!.verifyBinding(agg[1]!.binding, signers[0]!.identity)).toEqual({ ok: false, reason: 'wrong-member' })
    // Member 1's key and proof of possession, re-signed by member 0 for itself: the proof names member 1.
    const theirs = decodeKeyBinding(agg[1]!.binding)
    const copied = { ...theirs, memberId: signers[0]!.identity, memberSignature: createKeyBinding(signers[0]!, keys[0]!).memberSignature }
    const resigned = createKeyBinding(signers[0]!, keys[0]!)
    const withTheirKey = encodeKeyBinding({ ...copied, memberSignature: signers[0]!.sign(new Uint8Array(32)) })
    expect(agg[0]!.verifyBinding(withTheirKey, signers[0]!.identity).ok).toBe(false)
    expect(resigned.publicKey).not.toEqual(theirs.publicKey)
    const forged = Uint8Array.from(agg[0]!.binding)
    forged[100] = forged[100]! ^ 1 // inside the proof of possession
    expect(agg[0]!.verifyBinding(forged, signers[0]!.identity)).toMatchObject({ ok: false })
    expect(agg[0]!.verifyBinding(new Uint8Array(5), signers[0]!.identity)).toEqual({ ok: false, reason: 'undecodable' })
  })

  it('builds a proof from member votes that every member verifies with its own key list', () => {
    const ordered = agg.map((a, i) => {
      const r = a.verifyBinding(a.binding, signers[i]!.identity)
      if (!r.ok) throw new Error(r.reason)
      return r.publicKey
    })
    const lists = agg.map((a) => a.memberKeys(ordered))
    expect(lists[0]!.size).toBe(4)
    const votes = [0, 1, 2].map((member) => ({ member, vote: true, signature: agg[member]!.signVote(ctx, true) }))
    const built = agg[3]!.buildProof(ctx, lists[3]!, votes)
    expect(built.invalid).toEqual([])
    expect(built.proof).toBeInstanceOf(Uint8Array)
    for (const [i, a] of agg.entries()) {
      expect(a.verifyProof(built.proof!, ctx, lists[i]!, { requireApproval: true })).toEqual({ ok: true, outcome: 'yes', yes: [0, 1, 2], no: [] })
    }
    // Another proposal, a list of other members (a stale epoch), garbage: refused with reasons.
    expect(agg[0]!.verifyProof(built.proof!, { ...ctx, proposalId: 43 }, lists[0]!)).toEqual({ ok: false, reason: 'wrong-proposal' })
    expect(agg[0]!.verifyProof(built.proof!, ctx, agg[0]!.memberKeys(ordered.slice(1))).ok).toBe(false)
    expect(agg[0]!.verifyProof(new Uint8Array([1, 2, 3]), ctx, lists[0]!)).toEqual({ ok: false, reason: 'undecodable' })
    expect(agg[0]!.verifyProof(built.proof!, ctx, { size: 4 })).toEqual({ ok: false, reason: 'foreign-member-keys' })
    // A decided NO passes verifyProof, not requireApproval.
    const no = agg[0]!.buildProof(ctx, lists[0]!, [0, 1, 2].map((member) => ({ member, vote: false, signature: agg[member]!.signVote(ctx, false) })))
    expect(agg[0]!.verifyProof(no.proof!, ctx, lists[0]!)).toMatchObject({ ok: true, outcome: 'no' })
    expect(agg[0]!.verifyProof(no.proof!, ctx, lists[0]!, { requireApproval: true })).toEqual({ ok: false, reason: 'not-approved' })
  })

  it('refuses a key list with a key twice (a key bound to two members), and reuses the previous list', () => {
    const a = agg[0]!
    const ordered = plugins.map((p) => p.bls.binding.publicKey)
    expect(() => a.memberKeys([ordered[0]!, ordered[1]!, ordered[0]!])).toThrow()
    const first = a.memberKeys(ordered.slice(0, 3))
    expect(a.memberKeys(ordered, first).size).toBe(4)
    expect(blsKeyFromMemberKey(keys[0]!).length).toBe(32)
  })
})
