import { type EthereumSigner, buildVote } from '@demls/consensus'
import type { Proposal, Vote } from '@demls/wire'
import { voteBindingPayload } from '../src/rules/certificate.js'

/**
 * Signed votes on `proposal`, one per ballot in order (each chained to the
 * ones before, as `buildVote` does), each with its voter's binding to the
 * proposal in `conversationId`: what an approval certificate carries.
 */
export function boundVotes(
  conversationId: string,
  proposal: Proposal,
  ballots: readonly { signer: EthereumSigner; choice: boolean }[],
  now: number,
): { votes: Vote[]; bindings: Uint8Array[] } {
  const votes: Vote[] = []
  const bindings: Uint8Array[] = []
  for (const { signer, choice } of ballots) {
    const v = buildVote({ proposal: { proposalId: proposal.proposalId, votes }, choice, signer, now })
    votes.push(v)
    bindings.push(signer.sign(voteBindingPayload(conversationId, proposal, v.voteHash)))
  }
  return { votes, bindings }
}
