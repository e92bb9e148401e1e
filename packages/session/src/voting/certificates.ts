import type { MembershipChange } from '@demls/mls'
import {
  type ApprovalCertificate,
  type ConversationUpdateRequest,
  type EpochAttestation,
  type Proposal,
  type Vote,
  bytesEqual,
  decodeConversationUpdateRequest,
  toHex,
} from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { type ConsensusApplyResult, applyConsensusResult } from '../rules/apply-result.js'
import { type AggregateCertificateContext, verifyAggregateApproval, verifyAggregateCertificate } from '../rules/aggregate-certificate.js'
import { certificateVoteLimit, proposalDigest, verifyCertificate, verifyVoteBinding, voteBindingPayload } from '../rules/certificate.js'
import { honestQuorum } from '../rules/group-ahead.js'
import { keyOfTarget, targetKey } from '../rules/targets.js'
import { verifyAttestation } from '../join/signing.js'
import type { AggregateVoteState } from '../state/aggregate-votes.js'
import { type AggregationComponents, aggregationKeysFor } from './aggregation.js'
import { type EquivocationComponents, noteEquivocationsIn } from './equivocation.js'

/**
 * What the certificate flow reads and writes: our ids, the
 * `uncertifiedChanges` gap, the certificate state it owns, the proposals
 * the consensus service holds, the vote signer and rule, the membership
 * (now, of recent epochs, and the electorate before our join), and, for
 * the equivocations offered certificates reveal, what
 * {@link EquivocationComponents} needs. {@link authorizeChanges} takes it
 * all; the other functions take the part they use.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type CertificatesComponents, authorizeChanges } from '../voting/certificates.js'
 * declare const core: ConversationCore
 * const slices: CertificatesComponents = core // or plain objects with these members, in a test
 * ```
 */
export interface CertificatesComponents extends EquivocationComponents, Omit<AggregationComponents, 'plugins'> {
  readonly id: string
  readonly memberId: Uint8Array
  readonly config: Pick<ConversationCore['config'], 'referenceGaps'>
  readonly certificates: ConversationCore['certificates']
  readonly consensus: Pick<ConversationCore['consensus'], 'getProposal'>
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer' | 'rule' | 'aggregation'> }
  readonly aggregate?: Pick<AggregateVoteState, 'proofs' | 'proven'>
  memberSet(): ReadonlySet<string>
  readonly membership: Pick<ConversationCore['membership'], 'epochHistory' | 'joinElectorate'>
}

/**
 * What binding votes and building our certificates need: our ids, the
 * `uncertifiedChanges` gap, the certificate state, the proposals the
 * consensus service holds, the vote signer, and (in a group that
 * aggregates votes) the proofs that decided proposals.
 *
 * @example
 * ```ts
 * import { ConsensusService } from '@demls/consensus'
 * import { CertificateState } from '../state/certificate-state.js'
 * import { type BindingsComponents, localCertificate } from '../voting/certificates.js'
 * declare const consensus: ConsensusService
 * declare const signer: BindingsComponents['plugins']['consensus']['signer']
 * const slices: BindingsComponents = {
 *   id: 'chat',
 *   memberId: signer.identity,
 *   config: {},
 *   certificates: new CertificateState(),
 *   consensus,
 *   plugins: { consensus: { signer } },
 * }
 * localCertificate(slices, 1)
 * ```
 */
export interface BindingsComponents extends Pick<CertificatesComponents, 'id' | 'memberId' | 'config' | 'certificates' | 'consensus' | 'aggregate'> {
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'> }
}

/** Whether this conversation binds votes and requires certificates (see `ReferenceGaps.uncertifiedChanges`). */
export function certifies(core: Pick<CertificatesComponents, 'config'>): boolean {
  return core.config.referenceGaps?.uncertifiedChanges !== true
}

/** Sign the binding of our own vote to its proposal, keep it and return it. */
export function bindOwnVote(core: Omit<BindingsComponents, 'memberId' | 'config' | 'consensus'>, proposal: Proposal, vote: Vote): Uint8Array {
  const key = toHex(vote.voteHash)
  const kept = core.certificates.bindings.get(key)
  if (kept !== undefined) return kept
  const binding = core.plugins.consensus.signer.sign(voteBindingPayload(core.id, proposal, vote.voteHash))
  core.certificates.keepBinding(key, binding)
  return binding
}

/** The bindings to send with `votes` (ours are signed on demand; a missing one is empty). */
export function bindingsOf(core: Omit<BindingsComponents, 'consensus'>, proposal: Proposal, votes: readonly Vote[]): Uint8Array[] {
  if (!certifies(core)) return []
  return votes.map((v) =>
    bytesEqual(v.voteOwner, core.memberId) ? bindOwnVote(core, proposal, v) : (core.certificates.bindings.get(toHex(v.voteHash)) ?? new Uint8Array(0)),
  )
}

/**
 * Keep the bindings received with accepted votes. A binding its voter sent
 * itself (`from`, the MLS-authenticated sender, is the vote's owner) is kept
 * unchecked when it is the size of the vote's own signature: only the voter
 * can sign a good one, so a bad one withholds nothing but the voter's own
 * vote, and whoever reads a certificate checks every binding in it
 * (`verifyCertificate`), dropping the votes whose binding fails. A binding
 * forwarded by another member is kept once checked against the proposal we
 * hold (a forged one is never kept, so it cannot shadow the real one); one
 * that came before its proposal waits for it.
 */
export function noteBindings(
  core: Omit<BindingsComponents, 'memberId' | 'config'>,
  proposalId: number,
  votes: readonly Vote[],
  bindings: readonly Uint8Array[],
  from?: Uint8Array,
): void {
  const proposal = core.consensus.getProposal(core.id, proposalId)
  for (const [i, vote] of votes.entries()) {
    const key = toHex(vote.voteHash)
    const binding = bindings[i]
    if (binding === undefined || binding.length === 0 || core.certificates.bindings.has(key)) continue
    if (from !== undefined && bytesEqual(from, vote.voteOwner)) {
      if (binding.length === vote.signature.length) core.certificates.keepBinding(key, binding)
    } else if (proposal === undefined) core.certificates.keepUnchecked(key, binding)
    else if (verifyVoteBinding(core.plugins.consensus.signer, core.id, proposal, vote, binding)) core.certificates.keepBinding(key, binding)
  }
  // Votes that came before this proposal: check what they brought now.
  if (proposal !== undefined && core.certificates.unchecked.size > 0) {
    for (const vote of proposal.votes) {
      const key = toHex(vote.voteHash)
      const waiting = core.certificates.unchecked.get(key)
      if (waiting === undefined) continue
      core.certificates.unchecked.delete(key)
      const good = waiting.find((b) => verifyVoteBinding(core.plugins.consensus.signer, core.id, proposal, vote, b))
      if (good !== undefined) core.certificates.keepBinding(key, good)
    }
  }
}

/**
 * The certificate we can build for a proposal from the votes and bindings
 * we hold (votes without a binding are left out), with the aggregate proof
 * that approved it when one did (`demls_aggregate_proof`: a change
 * decided by a proof has few signed votes or none, and the proof proves it
 * to members that missed it).
 */
export function localCertificate(core: Omit<BindingsComponents, 'config'>, proposalId: number): ApprovalCertificate | undefined {
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
  return withProof({ proposal: { ...p, votes }, voteBindings, demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }, core, proposalId)
}

/** `cert` with the proof that approved `proposalId` here, when a proof did and `cert` carries none. */
function withProof(cert: ApprovalCertificate, core: Pick<BindingsComponents, 'aggregate'>, proposalId: number): ApprovalCertificate {
  if (cert.demlsAggregateProof.length > 0 || core.aggregate?.proven.get(proposalId) !== true) return cert
  const by = core.aggregate.proofs.get(proposalId)
  return by === undefined ? cert : { ...cert, demlsAggregateProof: by.proof, demlsAggregateEpoch: by.epoch }
}

/** An add/remove was approved here: keep its certificate until it is committed. */
export function certifyApproval(core: Omit<BindingsComponents, 'config'>, proposalId: number, request: ConversationUpdateRequest): void {
  const key = targetKey(request)
  if (key === undefined) return
  const cert = localCertificate(core, proposalId)
  if (cert !== undefined) core.certificates.keepApproved(key, cert)
}

/**
 * Take an add or removal the group approved, proven by evidence we
 * verified (a handed-over certificate, an aggregate proof), over whatever
 * our own timer or partial view decided: the proposal is resolved here,
 * its timers cleared, the work queued for the next commit (with its
 * certificate, when one proves it) and reported. `members` is the member
 * set the approval is applied against. Returns the apply result, or
 * `undefined` when nothing was queued (already done, or not queueable).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { ConversationUpdateRequest } from '@demls/wire'
 * import { takeGroupApproval } from '../voting/certificates.js'
 * declare const core: ConversationCore
 * declare const request: ConversationUpdateRequest // what a verified proof approved
 * const result = takeGroupApproval(core, 7, request, core.memberSet(), core.now)
 * if (result?.kind === 'queued-removal') console.log('removal queued for the next commit')
 * ```
 */
export function takeGroupApproval(
  core: Pick<ConversationCore, 'queues' | 'voting' | 'certificates' | 'epoch' | 'emit'>,
  proposalId: number,
  request: ConversationUpdateRequest,
  members: ReadonlySet<string>,
  now: number,
  certificate?: { key: string; cert: ApprovalCertificate },
): ConsensusApplyResult | undefined {
  closeVoteState(core, proposalId)
  const result = applyConsensusResult(core.queues, proposalId, true, request, (h) => members.has(h))
  if (!core.queues.approved.has(proposalId)) return undefined
  core.queues.bufferUpdate(request, core.epoch())
  if (certificate !== undefined) core.certificates.keepApproved(certificate.key, certificate.cert)
  core.queues.noteApproved(proposalId, now)
  core.emit({ type: 'consensus-reached', proposalId, approved: true, failed: false, request })
  return result
}

/**
 * Close our side of a proposal's vote without deciding it: it is resolved
 * here, and its auto-vote, timeout and open request are forgotten. Shared
 * by an approval the group proved ({@link takeGroupApproval}) and a
 * crossed proposal voided at its timeout.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { closeVoteState } from '../voting/certificates.js'
 * declare const core: ConversationCore
 * closeVoteState(core, 42)
 * ```
 */
export function closeVoteState(core: Pick<ConversationCore, 'queues' | 'voting'>, proposalId: number): void {
  core.queues.resolved.add(proposalId)
  core.voting.autoVotes.clear(proposalId)
  core.voting.timeouts.clear(proposalId)
  core.voting.requests.delete(proposalId)
}

/**
 * Merge an offered certificate with what we hold for the same proposal
 * (same content): votes we received count too.
 */
function withLocalVotes(core: CertificatesComponents, offered: ApprovalCertificate): ApprovalCertificate {
  const p = offered.proposal
  if (p === undefined) return offered
  const digest = toHex(proposalDigest(p))
  const local = localCertificate(core, p.proposalId)
  const limit = certificateVoteLimit(core.memberSet().size)
  let merged = offered
  if (local?.proposal !== undefined && toHex(proposalDigest(local.proposal)) === digest) merged = unionVotes(merged, local, limit)
  // What earlier replays of the same proposal brought (each replier holds the votes it received).
  const earlier = core.certificates.offered.get(digest)
  if (earlier !== undefined) merged = unionVotes(merged, earlier, limit)
  core.certificates.keepOffered(digest, merged)
  return merged
}

/** The votes of `a` and those of `b` it lacks (same proposal), with their bindings. */
function unionVotes(a: ApprovalCertificate, b: ApprovalCertificate, limit: number): ApprovalCertificate {
  const p = a.proposal!
  const seen = new Set(p.votes.map((v) => toHex(v.voteHash)))
  const votes = [...p.votes]
  const voteBindings = p.votes.map((_, i) => a.voteBindings[i] ?? new Uint8Array(0))
  for (const [i, v] of (b.proposal?.votes ?? []).entries()) {
    if (seen.has(toHex(v.voteHash)) || votes.length >= limit) continue
    seen.add(toHex(v.voteHash))
    votes.push(v)
    voteBindings.push(b.voteBindings[i] ?? new Uint8Array(0))
  }
  const proof = a.demlsAggregateProof.length > 0 ? a : b
  return { proposal: { ...p, votes }, voteBindings, demlsAggregateProof: proof.demlsAggregateProof, demlsAggregateEpoch: proof.demlsAggregateEpoch }
}

/**
 * Whether every add and remove of a commit we did not select ourselves (a
 * replay or a fork switch) is approved: by our own consensus result
 * (`approvedKeys`), or by an offered certificate we verify against
 * `members`, the members of the epoch the commit leaves. Returns the
 * certificates to keep with the commit, or the first change nobody proved.
 */
export function authorizeChanges(
  core: CertificatesComponents,
  changes: readonly MembershipChange[],
  offered: readonly ApprovalCertificate[],
  members: ReadonlySet<string>,
  approvedKeys: ReadonlySet<string>,
  merge?: MergeClaim,
): { ok: true; certificates: ApprovalCertificate[] } | { ok: false; reason: string } {
  if (!certifies(core)) return { ok: true, certificates: [] }
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
    const full = withLocalVotes(core, cert)
    // Votes a member sent one way to some members and the other way to us meet here.
    if (full.proposal !== undefined) noteEquivocationsIn(core, full.proposal)
    const electorates = electoratesOf(core, full.proposal?.expectedVotersCount, members)
    const checked = electorates.map((m) => verifyCertificate(full, { ...ctx, members: m })).find((r) => r.ok) ?? aggregateApproval(core, full, electorates)
    if (checked === undefined || !checked.ok) continue
    const key = keyOfTarget(checked.target)
    if (!pending.delete(key)) continue
    certificates.push(cert)
  }
  const missing = pending.keys().next().value
  if (missing === undefined) return { ok: true, certificates }
  // A change whose vote was decided at its timeout has fewer signed votes than the rule needs before it:
  // then enough members of the epoch attesting that they merged this very commit stand in for them.
  // With the attestations that reached us directly (members attest the epoch they reached).
  const attested = merge === undefined ? undefined : { ...merge, attestations: [...merge.attestations, ...core.certificates.mergedBy(merge.epoch, merge.commitHash)] }
  if (attested !== undefined && mergedByQuorum(core, attested, members)) {
    for (const a of merge!.attestations) core.certificates.keepMerge(a)
    return { ok: true, certificates }
  }
  return { ok: false, reason: `no verifiable approval for ${missing.slice(0, 15)}` }
}

/**
 * The approval an aggregate proof in `cert` proves (`verifyAggregateCertificate`),
 * over the first of `electorates` whose key list verifies it; `undefined`
 * in a group that does not aggregate, for a certificate with no proof, or
 * when none does.
 */
function aggregateApproval(core: CertificatesComponents, cert: ApprovalCertificate, electorates: readonly ReadonlySet<string>[]): ReturnType<typeof verifyAggregateCertificate> | undefined {
  for (const members of electorates) {
    const ctx = aggregateContext(core, cert, members)
    const r = ctx === undefined ? undefined : verifyAggregateCertificate(cert, ctx)
    if (r?.ok === true) return r
  }
  return undefined
}

/**
 * What the aggregate proof in `cert` approved, checked over the keys of
 * `members` (`verifyAggregateApproval`: any request, a steward election
 * too): the request and how many members' signed YES it counts, or
 * `undefined` in a group that does not aggregate, for a certificate with
 * no proof, or when it does not verify. The proof-carrying counterpart of
 * `verifyApproval` for the election checks (`quorumElection`, a steward
 * list notice).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { ApprovalCertificate } from '@demls/wire'
 * import { approvedByProof } from '../voting/certificates.js'
 * declare const core: ConversationCore
 * declare const cert: ApprovalCertificate // an election's certificate
 * const r = approvedByProof(core, cert, core.memberSet())
 * if (r?.request.stewardElection) console.log(`elected by ${r.yes} signed YES`)
 * ```
 */
export function approvedByProof(core: AggregateProofComponents, cert: ApprovalCertificate, members: ReadonlySet<string>): { request: ConversationUpdateRequest; yes: number } | undefined {
  const ctx = aggregateContext(core, cert, members)
  const r = ctx === undefined ? undefined : verifyAggregateApproval(cert, ctx)
  return r?.ok === true ? { request: r.request, yes: r.yes } : undefined
}

/** What checking an aggregate certificate reads: the plug-in, the key bindings, the members now. */
type AggregateProofComponents = Pick<CertificatesComponents, 'id' | 'plugins' | 'memberId' | 'memberHex' | 'blsBindings' | 'memberSet'>

/** The context an aggregate certificate is checked in over `members`, when it can be (a proof, a plug-in that aggregates, the proposal's size, their keys). */
function aggregateContext(core: AggregateProofComponents, cert: ApprovalCertificate, members: ReadonlySet<string>): AggregateCertificateContext | undefined {
  const aggregation = core.plugins.consensus.aggregation
  if (aggregation === undefined || cert.demlsAggregateProof.length === 0 || cert.proposal?.expectedVotersCount !== members.size) return undefined
  const list = aggregationKeysFor(core, members)
  return list.ok ? { conversationId: core.id, members, rule: core.plugins.consensus.rule, aggregation, keys: list.keys } : undefined
}

/** A replayed commit as members attested it: the epoch it reached, its hash, and their signed attestations. */
export interface MergeClaim {
  epoch: bigint
  commitHash: Uint8Array
  /** The MLS-authenticated committer: its own word does not count. */
  committer: Uint8Array
  attestations: readonly EpochAttestation[]
}

/**
 * Whether more members of the epoch the commit left than can be Byzantine
 * (f + 1 with f < n/3, `honestQuorum`) signed that they merged
 * it, the committer not counted. Honest members merge only changes they verified themselves (their own
 * approval, a certificate, or such a quorum), so one honest signer is
 * enough; the members a commit removes cannot attest it, so a larger quorum
 * would strand laggards after every removal.
 */
export function mergedByQuorum(core: Pick<BindingsComponents, 'id' | 'plugins'>, merge: MergeClaim, members: ReadonlySet<string>): boolean {
  const signers = new Set<string>()
  for (const a of merge.attestations.slice(0, members.size * 2)) {
    const hex = toHex(a.memberId)
    if (signers.has(hex) || !members.has(hex) || bytesEqual(a.memberId, merge.committer)) continue
    if (a.epoch !== merge.epoch || !bytesEqual(a.commitHash, merge.commitHash)) continue
    if (verifyAttestation(core.plugins.consensus.signer, core.id, a)) signers.add(hex)
  }
  return signers.size >= honestQuorum(members.size)
}

/** A certificate we hold for a target: of approved work, or of a logged commit (a fork switch moves approvals back). */
function heldCertificate(core: Pick<CertificatesComponents, 'certificates'>, key: string): ApprovalCertificate | undefined {
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

/**
 * The member sets a certificate of a proposal opened for `n` voters is
 * checked against, the one rule its sender (the hand-over of approved work),
 * its readers ({@link authorizeChanges}, a hand-over) and the void rule of
 * crossed proposals share: `current` first, then the members of each
 * remembered epoch of `n` members and our electorate at join when it has
 * `n` (a proposal opened before the last membership change was voted by
 * the members of the epoch it was opened in), the last five of those.
 * Each set must pass the rule on its own, so a quorum of any of them
 * holds honest voters as long as fewer than a third of that epoch's
 * members are Byzantine.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { electoratesOf } from '../voting/certificates.js'
 * declare const core: ConversationCore
 * const sets = electoratesOf(core, 7, core.memberSet()) // now, then recent epochs of 7 members
 * ```
 */
export function electoratesOf(core: Pick<CertificatesComponents, 'membership'>, n: number | undefined, current: ReadonlySet<string>): ReadonlySet<string>[] {
  if (n === undefined) return [current]
  const past: ReadonlySet<string>[] = []
  for (const m of core.membership.epochHistory.values()) if (m.members.length === n) past.push(new Set(m.members.map(toHex)))
  // Opened before we joined: the members our Welcome shows for the epoch before it.
  if (core.membership.joinElectorate?.size === n) past.push(core.membership.joinElectorate)
  return [current, ...past.slice(-5)]
}

/** The certificates of approved work a commit carried (for the commit log), and forget them as approved. */
export function takeApprovedCertificates(core: Pick<CertificatesComponents, 'certificates'>, changes: readonly MembershipChange[]): ApprovalCertificate[] {
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
