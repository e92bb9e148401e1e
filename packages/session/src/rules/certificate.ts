import { type ConsensusRule, type ConsensusSigner, checkVoteWindow, verifyVoteIntegrity } from '@demls/consensus'
import {
  type ApprovalCertificate,
  type ConversationUpdateRequest,
  type Proposal,
  type Vote,
  decodeConversationUpdateRequest,
  encodeProposal,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { honestQuorum } from './group-ahead.js'
import { type Target, targetOf } from './targets.js'

/** Domain tag of a vote binding signature. */
export const VOTE_BINDING_DOMAIN = 'demls/vote-binding/v1'

const encoder = new TextEncoder()

/**
 * SHA-256 of a proposal encoded with no votes and round 0: what a vote
 * binding commits to (the fields the owner set: name, payload, id, owner,
 * expected voters, times, liveness flag).
 *
 * @example
 * ```ts
 * import { proposalDigest } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const proposal: Proposal
 * proposalDigest(proposal) // 32 bytes, the same whatever votes the proposal carries
 * ```
 */
export function proposalDigest(p: Proposal): Uint8Array {
  return sha256(encodeProposal({ ...p, votes: [], round: 0 }))
}

/**
 * The bytes a vote binding signs: `"demls/vote-binding/v1" ‖ 0x00 ‖
 * SHA-256(conversation id ‖ 0x00 ‖ proposalDigest(proposal) ‖ vote_hash)`.
 * The reference's vote signature covers the proposal id but not the
 * proposal, so a signed YES could be moved to a forged proposal that
 * reuses the id; the binding ties the vote to this proposal's content.
 *
 * @example
 * ```ts
 * import { EthereumSigner } from '@demls/consensus'
 * import { voteBindingPayload } from '@demls/session/rules'
 * import type { Proposal, Vote } from '@demls/wire'
 * declare const key: Uint8Array
 * declare const proposal: Proposal
 * declare const vote: Vote // our vote on it
 * const binding = new EthereumSigner(key).sign(voteBindingPayload('chat', proposal, vote.voteHash))
 * ```
 */
export function voteBindingPayload(conversationId: string, proposal: Proposal, voteHash: Uint8Array): Uint8Array {
  const id = encoder.encode(conversationId)
  const digest = proposalDigest(proposal)
  const body = new Uint8Array(id.length + 1 + digest.length + voteHash.length)
  body.set(id, 0)
  body.set(digest, id.length + 1)
  body.set(voteHash, id.length + 1 + digest.length)
  const tag = encoder.encode(VOTE_BINDING_DOMAIN)
  const out = new Uint8Array(tag.length + 1 + 32)
  out.set(tag, 0)
  out.set(sha256(body), tag.length + 1)
  return out
}

/**
 * Whether `binding` is `vote`'s owner's signature binding it to `proposal`. Never throws.
 *
 * @example
 * ```ts
 * import { EthereumSigner } from '@demls/consensus'
 * import { verifyVoteBinding } from '@demls/session/rules'
 * import type { Proposal, Vote } from '@demls/wire'
 * declare const anyKey: Uint8Array
 * declare const proposal: Proposal
 * declare const vote: Vote
 * declare const binding: Uint8Array
 * verifyVoteBinding(new EthereumSigner(anyKey), 'chat', proposal, vote, binding) // true when the vote's owner signed it
 * ```
 */
export function verifyVoteBinding(
  verifier: Pick<ConsensusSigner, 'verify'>,
  conversationId: string,
  proposal: Proposal,
  vote: Vote,
  binding: Uint8Array | undefined,
): boolean {
  if (binding === undefined || binding.length === 0) return false
  try {
    return verifier.verify(vote.voteOwner, voteBindingPayload(conversationId, proposal, vote.voteHash), binding)
  } catch {
    return false
  }
}

/**
 * What {@link verifyCertificate} checks a certificate against.
 *
 * @example
 * ```ts
 * import { EthereumSigner, consensusResult } from '@demls/consensus'
 * import type { CertificateContext } from '@demls/session/rules'
 * declare const anyKey: Uint8Array
 * declare const memberHexIds: string[] // the members of the epoch the commit leaves
 * const ctx: CertificateContext = { conversationId: 'chat', members: new Set(memberHexIds), rule: consensusResult, verifier: new EthereumSigner(anyKey) }
 * ```
 */
export interface CertificateContext {
  /** The conversation (the bindings are signed for it). */
  conversationId: string
  /** Hex member ids of the epoch the commit leaves: the only voters that count, and n. */
  members: ReadonlySet<string>
  /** The group's consensus result rule. */
  rule: ConsensusRule
  /** Verifies vote and binding signatures. */
  verifier: Pick<ConsensusSigner, 'verify'>
}

/**
 * Why a certificate was refused.
 *
 * @example
 * ```ts
 * import type { CertificateRefusal } from '@demls/session/rules'
 * const reason: CertificateRefusal = 'not-approved' // too few valid, bound votes of members
 * ```
 */
export type CertificateRefusal =
  | 'no-proposal'
  | 'undecodable-payload'
  | 'not-membership-work'
  | 'too-many-votes'
  | 'not-approved'

/** Votes a certificate may carry in any group of up to 2,048 members ({@link certificateVoteLimit} for larger ones). */
export const MAX_CERTIFICATE_VOTES = 4096

/**
 * Votes a certificate of a group of `members` may carry: two per member
 * (its vote, and a second one if it equivocated), and never fewer than
 * {@link MAX_CERTIFICATE_VOTES}. A fixed cap refused every certificate of
 * a group above 4,096 members as `too-many-votes`.
 *
 * @example
 * ```ts
 * import { certificateVoteLimit } from '@demls/session/rules'
 * certificateVoteLimit(50) // 4096
 * certificateVoteLimit(10_000) // 20000
 * ```
 */
export function certificateVoteLimit(members: number): number {
  return Math.max(MAX_CERTIFICATE_VOTES, 2 * members)
}

/**
 * Verify that a proposal passed, ourselves: each counted vote names the
 * proposal, is signed by its owner (hash and signature), lies in the
 * proposal's time window, carries a valid binding to this proposal, and
 * comes from a member of `members`; an owner with two different counted
 * votes (equivocation) counts for neither side; and the counted votes
 * satisfy `rule` with n = |members| **before any timeout** — silent voters
 * never make a certificate, since anyone can mint a proposal nobody
 * answered. For any kind of request (see {@link verifyCertificate} for
 * adds and removes).
 *
 * @example
 * ```ts
 * import { type CertificateContext, verifyApproval } from '@demls/session/rules'
 * import type { ApprovalCertificate } from '@demls/wire'
 * declare const cert: ApprovalCertificate // e.g. StewardListNotice.certificate
 * declare const ctx: CertificateContext
 * const r = verifyApproval(cert, ctx)
 * if (r.ok && r.request.stewardElection) console.log('the group elected', r.request.stewardElection.proposedStewards.length, 'stewards')
 * ```
 *
 * @returns the approved request, or why the certificate proves nothing
 */
export function verifyApproval(
  cert: ApprovalCertificate,
  ctx: CertificateContext,
): { ok: true; request: ConversationUpdateRequest; yes: ReadonlySet<string>; voters: number } | { ok: false; reason: CertificateRefusal } {
  const decoded = decodeCertified(cert)
  return decoded.ok ? countApproval(cert, decoded.proposal, decoded.request, ctx) : decoded
}

/** The certificate's proposal and its decoded request, or why there is none. */
function decodeCertified(
  cert: ApprovalCertificate,
): { ok: true; proposal: Proposal; request: ConversationUpdateRequest } | { ok: false; reason: CertificateRefusal } {
  const proposal = cert.proposal
  if (proposal === undefined) return { ok: false, reason: 'no-proposal' }
  try {
    return { ok: true, proposal, request: decodeConversationUpdateRequest(proposal.payload) }
  } catch {
    return { ok: false, reason: 'undecodable-payload' }
  }
}

/** {@link verifyApproval} once the payload is decoded: count the votes that hold and apply the rule. */
function countApproval(
  cert: ApprovalCertificate,
  p: Proposal,
  request: ConversationUpdateRequest,
  ctx: CertificateContext,
): { ok: true; request: ConversationUpdateRequest; yes: ReadonlySet<string>; voters: number } | { ok: false; reason: CertificateRefusal } {
  if (p.votes.length > certificateVoteLimit(ctx.members.size)) return { ok: false, reason: 'too-many-votes' }
  const { yes, no } = tallyVotes(p, ctx.members, (vote, i) => voteHolds(vote, p, cert.voteBindings[i], ctx))
  const outcome = ctx.rule({ expectedVoters: ctx.members.size, yes: yes.size, no, livenessCriteriaYes: p.livenessCriteriaYes, timedOut: false })
  if (outcome !== 'yes') return { ok: false, reason: 'not-approved' }
  return { ok: true, request, yes, voters: yes.size + no }
}

/**
 * The votes of `p` counted over `members`: each member's votes that hold
 * (`holds`, given the vote and its index in `p.votes`), a member whose
 * holding votes go both ways (equivocation) for neither side. The one
 * tally of a certificate ({@link verifyApproval}) and of votes a member
 * checked already when they reached it.
 *
 * @example
 * ```ts
 * import { tallyVotes } from '@demls/session/rules'
 * import type { Proposal } from '@demls/wire'
 * declare const p: Proposal
 * declare const members: ReadonlySet<string>
 * const { yes, no } = tallyVotes(p, members, () => true) // votes the consensus service checked on receipt
 * console.log(`${yes.size} YES, ${no} NO of ${members.size}`)
 * ```
 */
export function tallyVotes(p: Proposal, members: ReadonlySet<string>, holds: (vote: Vote, index: number) => boolean): { yes: ReadonlySet<string>; no: number } {
  const choices = new Map<string, boolean | 'equivocated'>()
  for (const [i, vote] of p.votes.entries()) {
    const owner = toHex(vote.voteOwner)
    if (!members.has(owner) || !holds(vote, i)) continue
    const seen = choices.get(owner)
    if (seen === undefined) choices.set(owner, vote.vote)
    else if (seen !== vote.vote) choices.set(owner, 'equivocated')
  }
  const yes = new Set<string>()
  let no = 0
  for (const [owner, c] of choices) {
    if (c === true) yes.add(owner)
    else if (c === false) no++
  }
  return { yes, no }
}

/**
 * {@link verifyApproval} (the group's rule over `ctx.members`, before any
 * timeout), and more valid signed YES of those members than the group can
 * hold Byzantine ones (`honestQuorum`: f + 1 with f = ⌊(n − 1) / 3⌋), so
 * that at least one honest member signed YES. The proof of an outcome
 * that wins over the reader's own view of it: an elected steward list is
 * installed although it does not regenerate over the reader's candidate
 * pool, since an honest member votes YES on an election only when it
 * regenerates over its own. (The default rule implies the bound: approved
 * before the timeout, a proposal holds at least `2⌈2n/3⌉ − n` signed YES;
 * the check holds it for any rule plugin.)
 *
 * @example
 * ```ts
 * import { type CertificateContext, verifyGroupOutcome } from '@demls/session/rules'
 * import type { ApprovalCertificate } from '@demls/wire'
 * declare const cert: ApprovalCertificate // e.g. StewardListNotice.certificate
 * declare const ctx: CertificateContext // the members of the election's epoch
 * const r = verifyGroupOutcome(cert, ctx)
 * if (r.ok) console.log(`${r.yes.size} of ${ctx.members.size} members signed YES`)
 * ```
 */
export function verifyGroupOutcome(
  cert: ApprovalCertificate,
  ctx: CertificateContext,
): { ok: true; request: ConversationUpdateRequest; yes: ReadonlySet<string>; voters: number } | { ok: false; reason: CertificateRefusal } {
  const checked = verifyApproval(cert, ctx)
  if (!checked.ok) return checked
  if (checked.yes.size < honestQuorum(ctx.members.size)) return { ok: false, reason: 'not-approved' }
  return checked
}

/**
 * Verify an approval certificate of an add or remove ourselves
 * ({@link verifyApproval}), and read its target from the payload. A
 * removal proposed by its own target for one voter (a self-leave) holds
 * with the target's own signed YES: a member may always leave.
 *
 * @example
 * ```ts
 * import { type CertificateContext, verifyCertificate } from '@demls/session/rules'
 * import type { ApprovalCertificate } from '@demls/wire'
 * declare const cert: ApprovalCertificate // from CommitReplay.certificates
 * declare const ctx: CertificateContext
 * const r = verifyCertificate(cert, ctx)
 * console.log(r.ok ? `${r.target.action} approved by ${r.voters} voters` : r.reason)
 * ```
 *
 * @returns the approved target, or why the certificate proves nothing
 */
export function verifyCertificate(
  cert: ApprovalCertificate,
  ctx: CertificateContext,
): { ok: true; target: Target; request: ConversationUpdateRequest; voters: number } | { ok: false; reason: CertificateRefusal } {
  const decoded = decodeCertified(cert)
  if (!decoded.ok) return decoded
  const { proposal: p, request } = decoded
  const target = targetOf(request)
  if (target === undefined) return { ok: false, reason: 'not-membership-work' }
  const self = toHex(target.member)
  if (target.action === 'remove' && p.expectedVotersCount === 1 && toHex(p.proposalOwner) === self && ctx.members.has(self)) {
    // The self-leave fast path: only the target's own vote counts, and it must be a YES.
    const own = countApproval(cert, p, request, { ...ctx, members: new Set([self]) })
    if (own.ok && own.yes.has(self)) return { ok: true, target, request, voters: 1 }
  }
  const checked = countApproval(cert, p, request, ctx)
  if (!checked.ok) return checked
  return { ok: true, target, request, voters: checked.voters }
}

function voteHolds(vote: Vote, p: Proposal, binding: Uint8Array | undefined, ctx: CertificateContext): boolean {
  try {
    // The window is checked against the proposal's own expiration, not our clock: a late replay is still evidence.
    checkVoteWindow(vote, p, p.expirationTimestamp)
    verifyVoteIntegrity(vote, ctx.verifier)
  } catch {
    return false
  }
  return verifyVoteBinding(ctx.verifier, ctx.conversationId, p, vote, binding)
}
