import { ConsensusService, DEFAULT_CONSENSUS_PLUGIN_ID, DEFAULT_CONSENSUS_PLUGIN_VERSION, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { decodeProposal, decodeVote, encodeProposal, encodeVote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  BLS_CONSENSUS_PLUGIN_ID,
  BLS_CONSENSUS_PLUGIN_VERSION,
  BLS_SECRET_KEY_LENGTH,
  blsConsensusPlugin,
  blsKeyFromMemberKey,
  blsPublicKey,
  blsSign,
  blsVoteMessage,
  blsVerify,
  buildApprovalProof,
  isBlsConsensusPlugin,
  prepareMemberKeys,
  verifyApprovalProof,
  verifyKeyBinding,
} from '../src/index.js'

const keys = [1, 2, 3].map((i) => new Uint8Array(32).fill(i))
const plugins = keys.map((k) => blsConsensusPlugin(new EthereumSigner(k), { memberSecretKey: k }))

/** The session's plug-in comparison (`pluginMismatch` in packages/session/src/sync/conversation-sync.ts): role=id@version strings. */
const consensusEntry = (p: { id: string; version: string }) => `consensus=${p.id}@${p.version}`

describe('the BLS consensus plug-in', () => {
  it('has an identity distinct from the default plug-in, so the join check refuses mixing them either way', () => {
    const def = defaultConsensusPlugin(new EthereumSigner(keys[0]!))
    expect(plugins[0]!.id).toBe(BLS_CONSENSUS_PLUGIN_ID)
    expect(plugins[0]!.version).toBe(BLS_CONSENSUS_PLUGIN_VERSION)
    expect(BLS_CONSENSUS_PLUGIN_VERSION).toBe(`2/BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_/${DEFAULT_CONSENSUS_PLUGIN_VERSION}`)
    expect(consensusEntry(plugins[0]!)).not.toBe(consensusEntry(def))
    expect(def.id).toBe(DEFAULT_CONSENSUS_PLUGIN_ID)
    // Every BLS member presents the same entry.
    expect(new Set(plugins.map(consensusEntry)).size).toBe(1)
    expect(isBlsConsensusPlugin(plugins[0]!)).toBe(true)
    expect(isBlsConsensusPlugin(def)).toBe(false)
    expect(isBlsConsensusPlugin({ ...def, id: BLS_CONSENSUS_PLUGIN_ID })).toBe(false) // the id alone is not the plug-in
  })

  it('carries a valid key binding of the key derived from the member key, and signs votes with it', () => {
    const p = plugins[1]!
    expect(verifyKeyBinding(p.bls.binding, p.signer.identity)).toEqual({ ok: true })
    expect(p.bls.binding.publicKey).toEqual(blsPublicKey(blsKeyFromMemberKey(keys[1]!)))
    const ctx = { conversationId: 'chat', epoch: 3n, proposalId: 9, proposalDigest: new Uint8Array(32).fill(1) }
    const sig = p.bls.signVote(ctx, true)
    expect(sig).toEqual(blsSign(blsKeyFromMemberKey(keys[1]!), blsVoteMessage(ctx, true)))
    expect(blsVerify(p.bls.binding.publicKey, blsVoteMessage(ctx, true), sig)).toBe(true)
  })

  it('three members vote with their plug-ins, an aggregator builds the proof from the bound keys, and every member verifies it', () => {
    const members = prepareMemberKeys(plugins.map((p) => p.bls.binding.publicKey))
    const ctx = { conversationId: 'chat', epoch: 1n, proposalId: 77, proposalDigest: new Uint8Array(32).fill(7), livenessCriteriaYes: true }
    const votes = plugins.map((p, member) => ({ member, vote: true, signature: p.bls.signVote(ctx, true) }))
    const { proof } = buildApprovalProof(ctx, members, votes)
    expect(verifyApprovalProof(proof!, ctx, members, plugins[0]!.rule)).toMatchObject({ ok: true, yes: [0, 1, 2] })
  })

  it('is a working ConsensusPlugin: the broadcast path (EIP-191 votes) runs on it unchanged', () => {
    const alice = new ConsensusService({ plugin: plugins[0]! })
    const bob = new ConsensusService({ plugin: plugins[1]! })
    const now = 1_700_000_000_000
    const proposal = alice.createProposal('chat', { payload: new Uint8Array([1]), expectedVotersCount: 2, vote: true }, now)
    bob.receiveProposal('chat', decodeProposal(encodeProposal(proposal)), now + 10)
    const vote = bob.castVote('chat', proposal.proposalId, true, now + 20)
    alice.receiveVote('chat', decodeVote(encodeVote(vote)), now + 30)
    expect(alice.drainEvents()).toEqual([expect.objectContaining({ type: 'ConsensusReached', result: true })])
  })

  it('needs a key; takes an explicit BLS key and a custom rule', () => {
    expect(() => blsConsensusPlugin(new EthereumSigner(keys[0]!), {})).toThrow(expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }))
    expect(() => blsConsensusPlugin(new EthereumSigner(keys[0]!), { blsSecretKey: new Uint8Array(BLS_SECRET_KEY_LENGTH) })).toThrow(
      expect.objectContaining({ code: 'BLS_INVALID_ARGUMENT' }),
    )
    const rule = () => 'no' as const
    const p = blsConsensusPlugin(new EthereumSigner(keys[0]!), { blsSecretKey: blsKeyFromMemberKey(keys[2]!), rule })
    expect(p.rule).toBe(rule)
    expect(p.bls.binding.publicKey).toEqual(plugins[2]!.bls.binding.publicKey)
  })
})
