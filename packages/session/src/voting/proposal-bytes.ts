import { type Proposal, bytesEqual } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'

/**
 * Byte bounds on the proposals a member holds per conversation (beyond the
 * reference; issue 16). The session cap and per-member quotas bound how
 * many proposals are held; these bound their bytes, so a member holding
 * its share of sessions with proposals of the transport's maximum message
 * size (about 4 MiB each) cannot make another member hold tens of MiB.
 * An honest proposal is far smaller (a key package, a steward list, an
 * emergency's evidence: a few KiB).
 */
export const PROPOSAL_BYTE_LIMITS = Object.freeze({
  /** A received proposal whose payload is larger than this is dropped (`invalid-proposal`). */
  maxPayloadBytes: 256 * 1024,
  /** Payload bytes of the open proposals one owner may have us hold; one more that does not fit is dropped (`quota`). */
  ownerHeldBytes: 1024 * 1024,
})

/**
 * Whether a received proposal fits the byte bounds; emits the drop when it
 * does not. The owner's held bytes are those of its active sessions here.
 */
export function proposalBytesFit(core: ConversationCore, proposal: Proposal): boolean {
  const size = proposal.payload.length
  if (size > PROPOSAL_BYTE_LIMITS.maxPayloadBytes) {
    core.emit({
      type: 'dropped',
      reason: 'invalid-proposal',
      detail: `proposal payload over ${PROPOSAL_BYTE_LIMITS.maxPayloadBytes} bytes`,
    })
    return false
  }
  let held = 0
  for (const p of core.consensus.activeProposals(core.id)) {
    if (p.proposalId !== proposal.proposalId && bytesEqual(p.proposalOwner, proposal.proposalOwner)) held += p.payload.length
  }
  if (held + size > PROPOSAL_BYTE_LIMITS.ownerHeldBytes) {
    core.emit({
      type: 'dropped',
      reason: 'quota',
      detail: `proposal owner would hold over ${PROPOSAL_BYTE_LIMITS.ownerHeldBytes} bytes of open proposals`,
    })
    return false
  }
  return true
}
