import { DemlsError, encodeVote } from '@demls/wire'
import { bytesToHex } from '@noble/hashes/utils.js'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CONSENSUS_PLUGIN_ID,
  DEFAULT_CONSENSUS_PLUGIN_VERSION,
  type ConsensusSession,
  EthereumSigner,
  InMemoryConsensusStorage,
  InvalidConsensusArgumentError,
  buildVote,
  consensusResult,
  createProposal,
  defaultConsensusPlugin,
  nowSeconds,
} from '../src/index.js'
import * as E from '../src/index.js'
import { ALICE_KEY, BOB_KEY, T0, seededRandom } from './helpers.js'

describe('vote signature known answer (viem)', () => {
  it('a built vote is signed over encodeVote(vote without signature), identical to viem', async () => {
    const alice = new EthereumSigner(ALICE_KEY)
    const bob = new EthereumSigner(BOB_KEY)
    const p = createProposal({ payload: new Uint8Array([7]), owner: alice.identity, expectedVotersCount: 3, random: seededRandom(11) }, T0)
    const a = buildVote({ proposal: p, choice: true, signer: alice, now: T0, random: seededRandom(12) })
    const b = buildVote({ proposal: { ...p, votes: [a] }, choice: false, signer: bob, now: T0 + 5000, random: seededRandom(13) })
    const viemSig = await privateKeyToAccount(`0x${bytesToHex(BOB_KEY)}`).signMessage({
      message: { raw: encodeVote({ ...b, signature: undefined }) },
    })
    expect(`0x${bytesToHex(b.signature)}`).toBe(viemSig)
    // Deterministic: same RNG seed and time → same bytes.
    const again = buildVote({ proposal: { ...p, votes: [a] }, choice: false, signer: bob, now: T0 + 5000, random: seededRandom(13) })
    expect(encodeVote(again)).toEqual(encodeVote(b))
  })
})

describe('plug-in, storage, time', () => {
  it('the default plug-in carries the crate rule, a stable id and version', () => {
    const plugin = defaultConsensusPlugin(new EthereumSigner(ALICE_KEY))
    expect(plugin.id).toBe(DEFAULT_CONSENSUS_PLUGIN_ID)
    expect(plugin.version).toBe(DEFAULT_CONSENSUS_PLUGIN_VERSION)
    expect(plugin.rule).toBe(consensusResult)
    expect(plugin.storage).toBeInstanceOf(InMemoryConsensusStorage)
  })

  it('InMemoryConsensusStorage saves, lists, removes and deletes by scope', () => {
    const s = new InMemoryConsensusStorage()
    const owner = new Uint8Array(20)
    const mk = (scope: string, id: number): ConsensusSession => ({
      scope,
      proposal: { ...createProposal({ payload: new Uint8Array(0), owner, expectedVotersCount: 1, proposalId: id }, T0) },
      state: 'active',
      createdAt: 0,
    })
    s.saveSession(mk('a', 1))
    s.saveSession(mk('a', 2))
    s.saveSession(mk('b', 1))
    expect(s.listScopes().sort()).toEqual(['a', 'b'])
    expect(s.listScopeSessions('a')).toHaveLength(2)
    expect(s.getSession('b', 1)?.scope).toBe('b')
    expect(s.removeSession('a', 1)).toBe(true)
    expect(s.removeSession('a', 1)).toBe(false)
    expect(s.removeSession('zz', 1)).toBe(false)
    s.removeSession('b', 1)
    expect(s.listScopes()).toEqual(['a'])
    s.deleteScope('a')
    expect(s.listScopes()).toEqual([])
  })

  it('now is milliseconds, floored to whole seconds; bad values are refused', () => {
    expect(nowSeconds(T0 + 999)).toBe(BigInt(T0 / 1000))
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => nowSeconds(bad)).toThrow(InvalidConsensusArgumentError)
  })

  it('every error is a DemlsError with its class name and a stable code', () => {
    const errors = [
      new E.InvalidVoteError('hash-mismatch'),
      new E.InvalidSignatureError(),
      new E.InvalidHashChainError('parent-hash'),
      new E.InvalidProposalError('x'),
      new E.ProposalExpiredError(1),
      new E.SessionNotFoundError('s', 1),
      new E.SessionNotActiveError(1),
      new E.AlreadyVotedError(1),
      new E.SessionLimitError('s', 10),
      new E.UnauthorizedError('not-a-member', 'x'),
      new E.InvalidConsensusArgumentError('x'),
    ]
    const codes = new Set<string>()
    for (const err of errors) {
      expect(err).toBeInstanceOf(DemlsError)
      expect(err.name).toBe(err.constructor.name)
      expect(err.code).toMatch(/^[A-Z_]+$/)
      codes.add(err.code)
    }
    expect(codes.size).toBe(errors.length)
  })
})
