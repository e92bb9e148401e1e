import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import type { AppMessageInit } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/index.js'
import { type OutgoingVote, type VoteSendSlices, bundleWindowMs, sendVotes } from '../../src/voting/vote-bundles.js'
import { keyFor } from '../scenarios/harness.js'

/** `voting/vote-bundles.ts`: how votes cast together are sent, on real signed votes and a recording send slice. */
describe('voting/vote-bundles', () => {
  const votes = (n: number, bound = true): OutgoingVote[] => {
    const service = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(1))), maxSessionsPerScope: 100 })
    return Array.from({ length: n }, (_, k) => {
      const p = service.createProposal('vb', { payload: new Uint8Array([k]), expectedVotersCount: 3, expirationSeconds: 600, livenessCriteriaYes: true }, 1_000_000)
      const vote = service.castVote('vb', p.proposalId, true, 1_000_000)
      return { vote, binding: bound ? new Uint8Array(65).fill(k) : undefined }
    })
  }
  const recorder = () => {
    const sent: AppMessageInit[] = []
    const slices: VoteSendSlices = { sendEncrypted: async (m) => void sent.push(m) }
    return { sent, slices }
  }

  it('a lone vote goes as the reference sends it; votes cast together as one bundle, bindings parallel', async () => {
    const one = recorder()
    const [lone] = votes(1)
    await sendVotes(one.slices, [lone!])
    expect(one.sent).toEqual([{ vote: lone!.vote, demlsVoteBindings: [lone!.binding] }])
    const three = recorder()
    const vs = votes(3)
    await sendVotes(three.slices, vs)
    expect(three.sent).toEqual([{ demlsVotes: { votes: vs.map((v) => v.vote) }, demlsVoteBindings: vs.map((v) => v.binding) }])
  })

  it('bundles are split at 32 votes; a vote without a binding goes alone', async () => {
    const { sent, slices } = recorder()
    const vs = votes(41)
    const unbound = { ...vs[40]!, binding: undefined }
    await sendVotes(slices, [...vs.slice(0, 40), unbound])
    expect(sent.map((m) => m.demlsVotes?.votes?.length ?? (m.vote !== undefined ? 'lone' : '?'))).toEqual(['lone', 32, 8])
    expect(sent[0]).toEqual({ vote: unbound.vote, demlsVoteBindings: [] })
  })

  it('the bundle window: half the shorter voting delay with bundles on, none with them off', () => {
    expect(bundleWindowMs(resolveConfig({ voteBundles: true, votingDelayMs: 300, electionVotingDelayMs: 500 }))).toBe(150)
    expect(bundleWindowMs(resolveConfig({ voteBundles: false, votingDelayMs: 300 }))).toBe(0)
    expect(bundleWindowMs(resolveConfig())).toBe(0)
  })
})
