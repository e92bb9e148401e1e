// The per-vote and per-proposal costs of the scale bench that are not MLS:
// decoding the AppMessage a vote arrives in, the consensus service taking
// it (vote signature validation included), the vote's binding signature
// (certificates), taking the proposal, and signing our own vote.
import { ConsensusService, EthereumSigner, buildVote, createProposal, defaultConsensusPlugin, validateVote } from '@demls/consensus'
import { type Proposal, type Vote, decodeAppMessage, encodeAppMessage } from '@demls/wire'
import { verifyVoteBinding, voteBindingPayload } from '../src/rules/index.js'
import { cpuMean, cpuPerOp } from './scale-cpu.js'

const NOW = 1_700_000_000_000
const SCOPE = 'scale'

/** Deterministic secp256k1 key of voter `i`. */
export function voterKey(i: number): Uint8Array {
  const k = new Uint8Array(32)
  k[0] = 0x5c
  k[29] = (i >>> 16) & 0xff
  k[30] = (i >>> 8) & 0xff
  k[31] = (i & 0xff) + 1
  return k
}

/** CPU ms per operation at one group size (see {@link voteCostsAt}). */
export interface VoteCosts {
  /** decodeAppMessage of a vote with its binding. */
  decode: number
  /** validateVote alone (hash, encoding, EIP-191 recovery, window). */
  validate: number
  /** ConsensusService.receiveVote, mean over the N-1 votes of one proposal (validation included). */
  receiveVote: number
  /** verifyVoteBinding (a second recovery, certificates on). */
  binding: number
  /** receiveProposal of the proposal carrying its owner's vote. */
  receiveProposal: number
  /** Our vote: buildVote + binding signature + encodeAppMessage (MLS encryption not included). */
  castVote: number
  /** Size of the AppMessage carrying one vote and its binding. */
  voteMessageBytes: number
}

/** The vote messages of one proposal voted by `n` members, as they arrive (AppMessage bytes). */
export function voteMessages(n: number): { proposal: Proposal; votes: Vote[]; bindings: Uint8Array[]; bytes: Uint8Array[]; signers: EthereumSigner[] } {
  const signers = Array.from({ length: n }, (_, i) => new EthereumSigner(voterKey(i)))
  const proposal = createProposal({ payload: new Uint8Array(64).fill(7), owner: signers[0]!.identity, expectedVotersCount: n }, NOW)
  proposal.votes.push(buildVote({ proposal, choice: true, signer: signers[0]!, now: NOW }))
  const votes = signers.slice(1).map((s) => buildVote({ proposal, choice: true, signer: s, now: NOW + 1000 }))
  const bindings = votes.map((v, i) => signers[i + 1]!.sign(voteBindingPayload(SCOPE, proposal, v.voteHash)))
  const bytes = votes.map((vote, i) => encodeAppMessage({ vote, demlsVoteBindings: [bindings[i]!] }))
  return { proposal, votes, bindings, bytes, signers }
}

/** Measure the non-MLS per-vote costs with `n` voters (one proposal, `reps` fresh consensus services). */
export async function voteCostsAt(n: number, reps: number): Promise<VoteCosts> {
  const { proposal, votes, bindings, bytes } = voteMessages(n)
  // The receiving member; no recovery cache, since the same votes are checked in every repetition (a member checks each once).
  const me = new EthereumSigner(voterKey(n + 1), { recoveryCacheSize: 0 })
  const nowSec = BigInt(NOW / 1000) + 2n
  const k = votes.length
  const decode = await cpuMean(4, k, (i) => decodeAppMessage(bytes[i % k]!))
  const validate = await cpuMean(4, k, (i) => validateVote(votes[i % k]!, proposal, nowSec, me))
  const binding = await cpuMean(4, k, (i) => {
    if (!verifyVoteBinding(me, SCOPE, proposal, votes[i % k]!, bindings[i % k]!)) throw new Error('binding refused')
  })
  let receiveVote = 0
  let receiveProposal = 0
  for (let r = 0; r < reps + 1; r++) {
    const svc = new ConsensusService({ plugin: defaultConsensusPlugin(me) })
    const p = await cpuPerOp(1, () => svc.receiveProposal(SCOPE, structuredClone(proposal), NOW + 1500))
    const v = await cpuPerOp(k, () => {
      for (const vote of votes) svc.receiveVote(SCOPE, vote, NOW + 2000)
    })
    if (svc.getResult(SCOPE, proposal.proposalId) !== true) throw new Error('the proposal was not decided')
    if (r === 0) continue // warm-up
    receiveVote += v / reps
    receiveProposal += p / reps
  }
  const castVote = await cpuMean(4, 25, () => {
    const vote = buildVote({ proposal, choice: true, signer: me, now: NOW + 1000 })
    encodeAppMessage({ vote, demlsVoteBindings: [me.sign(voteBindingPayload(SCOPE, proposal, vote.voteHash))] })
  })
  return { decode, validate, receiveVote, binding, receiveProposal, castVote, voteMessageBytes: bytes[0]!.length }
}
