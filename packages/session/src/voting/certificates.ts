import type { MembershipChange } from '@demls/mls'
import {
  type ApprovalCertificate,
  type ConversationUpdateRequest,
  type Proposal,
  type Vote,
  bytesEqual,
  decodeConversationUpdateRequest,
  toHex,
} from '@demls/wire'
import type { ConversationCore } from '../conversation/core.js'
import { proposalDigest, verifyCertificate, verifyVoteBinding, voteBindingPayload } from '../rules/certificate.js'
import { keyOfTarget, targetKey } from '../rules/targets.js'

/** Sign the binding of our own vote to its proposal, keep it and return it. */
export function bindOwnVote(core: ConversationCore, proposal: Proposal, vote: Vote): Uint8Array {
  const key = toHex(vote.voteHash)
  const kept = core.certificates.bindings.get(key)
  if (kept !== undefined) return kept
  const binding = core.plugins.consensus.signer.sign(voteBindingPayload(core.id, proposal, vote.voteHash))
  core.certificates.keepBinding(key, binding)
  return binding
}

/** The bindings to send with `votes` (ours are signed on demand; a missing one is empty). */
export function bindingsOf(core: ConversationCore, proposal: Proposal, votes: readonly Vote[]): Uint8Array[] {
  return votes.map((v) =>
    bytesEqual(v.voteOwner, core.memberId) ? bindOwnVote(core, proposal, v) : (core.certificates.bindings.get(toHex(v.voteHash)) ?? new Uint8Array(0)),
  )
}

/**
 * Keep the bindings received with accepted votes, once checked against the
 * proposal we hold (a forged binding is never kept, so it cannot shadow
 * the real one). Votes for a proposal we do not hold keep none.
 */
export function noteBindings(core: ConversationCore, proposalId: number, votes: readonly Vote[], bindings: readonly Uint8Array[]): void {
  if (bindings.length === 0) return
  const proposal = core.consensus.getProposal(core.id, proposalId)
  if (proposal === undefined) return
  for (const [i, vote] of votes.entries()) {
    const binding = bindings[i]
    if (binding === undefined || binding.length === 0 || core.certificates.bindings.has(toHex(vote.voteHash))) continue
    if (verifyVoteBinding(core.plugins.consensus.signer, core.id, proposal, vote, binding)) {
      core.certificates.keepBinding(toHex(vote.voteHash), binding)
    }
  }
}

/** The certificate we can build for a proposal from the votes and bindings we hold (votes without a binding are left out). */
export function localCertificate(core: ConversationCore, proposalId: number): ApprovalCertificate | undefined {
  const p = core.consensus.getProposal(core.id, proposalId)
  if (p === undefined) return undefined
  const votes: Vote[] = []
  const voteBindings: Uint8Array[] = []
  for (const v of p.votes) {
    const b = bytesEqual(v.voteOwner, core.memberId) ? bindOwnVote(core, p, v) : core.certificates.bindings.get(toHex(v.voteHash))
    if (b === undefined) continue
    votes.push(v)
    voteBindings.push(b)
  }
  return { proposal: { ...p, votes }, voteBindings }
}

/** An add/remove was approved here: keep its certificate until it is committed. */
export function certifyApproval(core: ConversationCore, proposalId: number, request: ConversationUpdateRequest): void {
  const key = targetKey(request)
  if (key === undefined) return
  const cert = localCertificate(core, proposalId)
  if (cert !== undefined) core.certificates.keepApproved(key, cert)
}

/**
 * Merge an offered certificate with what we hold for the same proposal
 * (same content): votes we received count too.
 */
function withLocalVotes(core: ConversationCore, offered: ApprovalCertificate): ApprovalCertificate {
  const p = offered.proposal
  if (p === undefined) return offered
  const local = localCertificate(core, p.proposalId)
  if (local?.proposal === undefined || !bytesEqual(proposalDigest(local.proposal), proposalDigest(p))) return offered
  const seen = new Set(p.votes.map((v) => toHex(v.voteHash)))
  const votes = [...p.votes]
  const voteBindings = [...offered.voteBindings]
  for (const [i, v] of local.proposal.votes.entries()) {
    if (seen.has(toHex(v.voteHash))) continue
    votes.push(v)
    voteBindings[votes.length - 1] = local.voteBindings[i]!
  }
  return { proposal: { ...p, votes }, voteBindings }
}

/**
 * Whether every add and remove of a commit we did not select ourselves (a
 * replay or a fork switch) is approved: by our own consensus result
 * (`approvedKeys`), or by an offered certificate we verify against
 * `members`, the members of the epoch the commit leaves. Returns the
 * certificates to keep with the commit, or the first change nobody proved.
 */
export function authorizeChanges(
  core: ConversationCore,
  changes: readonly MembershipChange[],
  offered: readonly ApprovalCertificate[],
  members: ReadonlySet<string>,
  approvedKeys: ReadonlySet<string>,
): { ok: true; certificates: ApprovalCertificate[] } | { ok: false; reason: string } {
  const certificates: ApprovalCertificate[] = []
  const pending = new Map(changes.map((c) => [keyOfTarget({ action: c.action, member: c.memberId }), c]))
  for (const key of [...pending.keys()]) {
    if (!approvedKeys.has(key)) continue
    pending.delete(key)
    const own = heldCertificate(core, key)
    if (own !== undefined) certificates.push(own)
  }
  if (pending.size === 0) return { ok: true, certificates }
  const ctx = { conversationId: core.id, members, rule: core.plugins.consensus.rule, verifier: core.plugins.consensus.signer }
  for (const cert of offered.slice(0, changes.length * 2)) {
    const checked = verifyCertificate(withLocalVotes(core, cert), ctx)
    if (!checked.ok) continue
    const key = keyOfTarget(checked.target)
    if (!pending.delete(key)) continue
    certificates.push(cert)
  }
  const missing = pending.keys().next().value
  if (missing !== undefined) return { ok: false, reason: `no verifiable approval for ${missing.slice(0, 15)}` }
  return { ok: true, certificates }
}

/** A certificate we hold for a target: of approved work, or of a logged commit (a fork switch moves approvals back). */
function heldCertificate(core: ConversationCore, key: string): ApprovalCertificate | undefined {
  const approved = core.certificates.approved.get(key)
  if (approved !== undefined) return approved
  for (const certs of core.certificates.log.values()) {
    for (const cert of certs) {
      const p = cert.proposal
      if (p === undefined) continue
      try {
        if (targetKey(decodeConversationUpdateRequest(p.payload)) === key) return cert
      } catch {
        // our own log holds only certificates we built or verified
      }
    }
  }
  return undefined
}

/** The certificates of approved work a commit carried (for the commit log), and forget them as approved. */
export function takeApprovedCertificates(core: ConversationCore, changes: readonly MembershipChange[]): ApprovalCertificate[] {
  const out: ApprovalCertificate[] = []
  for (const c of changes) {
    const key = keyOfTarget({ action: c.action, member: c.memberId })
    const cert = core.certificates.approved.get(key)
    if (cert === undefined) continue
    out.push(cert)
    core.certificates.approved.delete(key)
  }
  return out
}
