import type { ConversationConfig } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { evictOldest } from '../state/bounded.js'
import { requestProposal } from './catch-up.js'

/**
 * Proposals we hold votes for but not the proposal itself (beyond the
 * reference). A vote for a proposal we do not hold used to make us ask its
 * owner for it at once (`ProposalRequest`, broadcast), and the owner
 * answered by broadcasting the proposal again. Votes overtake their
 * proposal whenever delivery is uneven: on the real network's 30 peers on
 * 2 cores (event loops seconds behind) and on the memory network with
 * jitter, nearly every member asked for nearly every proposal of a wave of
 * joins, hundreds of requests and re-sends each delivered to every member,
 * while the proposals themselves were on their way. Now we ask once the
 * proposal is still missing {@link proposalRequestGraceMs} after its first
 * vote reached us; a proposal that was lost is still asked for well
 * before it times out, and further votes for it ask again as before.
 */

/** Proposals we wait for at most (the oldest is forgotten first). */
const MISSING_MAX = 256

/**
 * How long a vote for a proposal we do not hold waits for the proposal
 * before we ask for it: one second, or a quarter of the consensus timeout
 * when that is shorter (`FAST_TIMING`: 375 ms), so a lost proposal is
 * asked for, re-sent and voted on before every member times it out.
 *
 * @example
 * ```ts
 * import { FAST_TIMING, LAN_TIMING, resolveConfig } from '@demls/session'
 * import { proposalRequestGraceMs } from '../sync/missing-proposals.js'
 * proposalRequestGraceMs(resolveConfig(LAN_TIMING)) // 1_000
 * proposalRequestGraceMs(resolveConfig(FAST_TIMING)) // 375
 * ```
 */
export function proposalRequestGraceMs(config: Pick<ConversationConfig, 'consensusTimeoutMs'>): number {
  return Math.min(1_000, Math.floor(config.consensusTimeoutMs / 4))
}

/**
 * A vote for proposal `proposalId`, which we do not hold, reached us: note
 * since when it is missing, or ask for it if it has been missing for the
 * grace already. Once asked, the entry is gone: a later vote for it starts
 * another grace (and `requestProposal` keeps its own spacing and budget).
 */
export function noteMissingProposal(core: ConversationCore, proposalId: number, now: number): void {
  const m = core.catchUp.missingProposals
  const since = m.get(proposalId)
  if (since === undefined) {
    m.set(proposalId, now)
    evictOldest(m, MISSING_MAX)
    return
  }
  if (now < since + proposalRequestGraceMs(core.config)) return
  m.delete(proposalId)
  requestProposal(core, proposalId, now)
}

/**
 * Every poll: ask for each proposal still missing once its grace is over,
 * and forget it; forget the ones that arrived meanwhile.
 */
export function askMissingProposals(core: ConversationCore, now: number): void {
  const m = core.catchUp.missingProposals
  if (m.size === 0) return
  const grace = proposalRequestGraceMs(core.config)
  for (const [id, since] of [...m]) {
    if (core.consensus.getProposal(core.id, id) !== undefined) m.delete(id)
    else if (now >= since + grace) {
      m.delete(id)
      requestProposal(core, id, now)
    }
  }
}

/**
 * When the next missing proposal's grace is over (the `proposal-requests`
 * wake-up): the earliest first vote's arrival plus the grace.
 */
export function missingProposalsDeadline(core: ConversationCore): number | undefined {
  const m = core.catchUp.missingProposals
  if (m.size === 0) return undefined
  let at = Number.POSITIVE_INFINITY
  for (const since of m.values()) at = Math.min(at, since)
  return at + proposalRequestGraceMs(core.config)
}
