import type { PeerScoreEntry } from '@demls/scoring'
import type { StewardListSnapshot } from '@demls/steward'
import {
  type Proposal,
  type Vote,
  bytesEqual,
  decodeApprovalCertificate,
  decodeProposal,
  encodeApprovalCertificate,
  toHex,
  encodeProposal,
  decodeCommitCandidate,
  decodeConversationUpdateRequest,
  decodeVote,
  encodeCommitCandidate,
  encodeConversationUpdateRequest,
  encodeVote,
  decodeMemberInvitation,
  encodeMemberInvitation,
  decodeInviteLinkRevocation,
  decodeInviteLinkState,
  encodeInviteLinkRevocation,
  encodeInviteLinkState,
  fromHex,
} from '@demls/wire'
import type { ConversationConfig } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import type { ConversationOutbound } from '../core/events.js'
import type { ProposalId } from '../core/queues.js'
import type { OperatingMode } from '../core/state-machine.js'
import type { EpochMembership } from '../state/epoch-history.js'
import type { BufferedCandidate } from '../freeze/candidate-buffer.js'
import { exportedState } from '../sync/own-candidates.js'
import { type SavedBranch, restoredBranch, savedBranch } from './branch.js'
import { packSnapshot, unpackSnapshot } from './codec.js'

/** Merged commits kept in a saved state for answering catch-up requests (the newest). */
const SAVED_LOG_ENTRIES = 16

/**
 * What a member needs to resume a conversation after a restart, beside
 * its MLS state: everything that decides what it commits and how it
 * votes. Not saved (rebuilt or re-learned from the group): consensus
 * sessions in flight (our own votes on them are kept, see `ownVotes`),
 * liveness observations (every member gets a fresh grace period), rate
 * limits and stashed future packets.
 *
 * @internal
 */
export interface SavedConversation {
  id: string
  memberId: Uint8Array
  /** Our clock when the state was saved (ms). */
  savedAt: number
  config: ConversationConfig
  steward: StewardListSnapshot | undefined
  scores: PeerScoreEntry[]
  joinEpochs: Map<string, bigint>
  /** Approved work not committed yet: proposal id and the encoded request. */
  approved: [ProposalId, Uint8Array][]
  urgentTarget: string | undefined
  pendingRemovalTargets: string[]
  /** Score removals the group voted down, with our score of the target then (absent in states saved before it). */
  refusedRemovals?: Map<string, bigint>
  mode: OperatingMode
  /** The newest merged commits (epoch left, encoded candidate), for catch-up answers. */
  log: [string, Uint8Array][]
  epochHistory: Map<bigint, EpochMembership>
  /** Our signed votes (encoded) on proposals that may still be open: never vote differently after a restart. */
  ownVotes: [ProposalId, Uint8Array][]
  /** The proposals open when we saved (encoded, with the votes we had), ours and peers'. */
  open: Uint8Array[]
  /**
   * The packets of the steps this state includes that may not have left
   * yet (the transactional outbox): published again after a restart, so a
   * crash between the write and the publish loses nothing. A packet sent
   * twice is harmless (the same bytes: gossip drops the copy, MLS refuses
   * a second decryption).
   */
  outbox: ConversationOutbound[]
  /**
   * The freeze round of our epoch, when one is open: its candidates (ours
   * with the Welcome of our pending commit, which MLS keeps in its state),
   * and the freeze start when we were freezing. A restarted steward then
   * selects from the same candidates and sends its own Welcome, instead of
   * minting a second commit for the epoch.
   */
  round: { freezingSince: number | undefined; candidates: BufferedCandidate[] } | undefined
  /**
   * Approval certificates (encoded `ApprovalCertificate`s) of our approved
   * work and of the logged commits, and the vote bindings of the open
   * proposals' votes: what members catching up from us verify. Absent in
   * states saved before certificates existed.
   */
  certificates?: {
    approved: [string, Uint8Array][]
    log: [string, Uint8Array[]][]
    bindings: [string, Uint8Array][]
    election?: Uint8Array
    /** The recent elections' certificates, oldest first (absent in older saves). */
    elections?: Uint8Array[]
  }
  /** The aggregation key bindings we held (member hex, encoded binding, key; verified before they were saved); absent in older saves and in groups that do not aggregate. */
  blsBindings?: ReturnType<ConversationCore['blsBindings']['save']>
  /** The valid invitations we held (encoded `MemberInvitation`s with their expiry); absent in older saves. */
  invitations?: [Uint8Array, number][]
  /**
   * The invite links we held (encoded `InviteLinkState`s: record and the
   * members each admitted) and their revocations (encoded
   * `InviteLinkRevocation`s with when they may be forgotten), and the
   * joiners whose join proved a link (joiner → link key, hex), whose use
   * counts once they are members; absent in older saves.
   */
  inviteLinks?: { links: Uint8Array[]; revocations: [Uint8Array, number][]; pending: [string, string][] }
  /**
   * Our own candidates that lost a round of our epoch or the one before
   * (hash, epoch, MLS state with it pending, joiners, encoded candidate,
   * changes key), and the commits we signed at our epoch by their changes:
   * a restarted member offers the same commit again instead of signing a
   * second one for the same changes (issue 15). Absent in older saves.
   */
  own?: {
    kept: { hash: string; epoch: bigint; mlsState: Uint8Array; joinerIds: Uint8Array[]; candidate?: Uint8Array; changesKey?: string }[]
    minted: [bigint, [string, string][]] | undefined
  }
  /**
   * The fork branch point of our last merge, while a fork could still move
   * us off it (`persist/branch.ts`): a member restarted on the losing
   * branch switches like one that never crashed. Absent in older saves.
   */
  branch?: SavedBranch
}

/** Serialise the state of `core` (the MLS state as the binary section). */
export function saveConversation(core: ConversationCore, now: number, outbox: readonly ConversationOutbound[]): Uint8Array {
  const log = [...core.catchUp.log].sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? -1 : 1)).slice(-SAVED_LOG_ENTRIES)
  const saved: SavedConversation = {
    id: core.id,
    memberId: core.memberId,
    savedAt: now,
    config: core.config,
    steward: core.stewardSnapshot(),
    scores: core.scoring.allMembersWithScores(),
    joinEpochs: core.membership.joinEpochs,
    approved: [...core.queues.approved].map(([id, r]) => [id, encodeConversationUpdateRequest(r)]),
    urgentTarget: core.queues.urgentTarget,
    pendingRemovalTargets: [...core.queues.pendingRemovalTargets],
    refusedRemovals: core.queues.refusedRemovals,
    mode: core.sm.mode,
    log: log.map(([epoch, c]) => [epoch, encodeCommitCandidate(c)]),
    epochHistory: core.membership.epochHistory,
    ownVotes: [...core.voting.ownVotes].map(([id, v]) => [id, encodeVote(v)]),
    open: core.consensus.activeProposals(core.id).map((p) => encodeProposal(p)),
    round: savedRound(core),
    certificates: savedCertificates(core),
    invitations: core.invitations.all().map((h) => [encodeMemberInvitation(h.invitation), h.expiresAt]),
    ...(core.plugins.consensus.aggregation !== undefined ? { blsBindings: core.blsBindings.save() } : {}),
    inviteLinks: {
      links: core.inviteLinks.all().map((l) => encodeInviteLinkState({ record: l.record, admitted: [...l.admitted].map((h) => fromHex(h)) })),
      revocations: core.inviteLinks.revocations().map((r) => [encodeInviteLinkRevocation(r.revocation), r.until]),
      pending: core.inviteLinks.pendingJoins(),
    },
    own: savedOwn(core),
    branch: savedBranch(core),
    outbox: outbox.map((o) => ({ subtopic: o.subtopic, payload: o.payload, ...(o.retryUnreached === true ? { retryUnreached: true } : {}) })),
  }
  return packSnapshot(saved, core.mls.exportState())
}

/**
 * Read {@link saveConversation} bytes back.
 *
 * @throws {Error} with the reason when the bytes are not a saved state of `conversationId` for `memberId`
 */
export function readSavedConversation(
  bytes: Uint8Array,
  conversationId: string,
  memberId: Uint8Array,
): { saved: SavedConversation; mlsState: Uint8Array } {
  const { header, binary } = unpackSnapshot(bytes)
  const saved = header as SavedConversation
  if (typeof saved !== 'object' || saved === null || saved.id !== conversationId) throw new Error('the state is of another conversation')
  if (!(saved.memberId instanceof Uint8Array) || !bytesEqual(saved.memberId, memberId)) throw new Error('the state is of another member')
  if (binary.length === 0) throw new Error('no MLS state')
  return { saved, mlsState: binary }
}

/** Install a saved state (read with {@link readSavedConversation}) into a core built over the restored MLS group. */
export function restoreInto(core: ConversationCore, saved: SavedConversation, now: number): void {
  if (saved.steward !== undefined) core.steward.restore(saved.steward)
  for (const m of core.mls.members()) core.scoring.addMember(m)
  core.scoring.applySnapshot(saved.scores)
  for (const [k, v] of saved.joinEpochs) core.membership.joinEpochs.set(k, v)
  for (const [id, r] of saved.approved) core.queues.approved.set(id, decodeConversationUpdateRequest(r))
  core.queues.urgentTarget = saved.urgentTarget
  for (const t of saved.pendingRemovalTargets) core.queues.pendingRemovalTargets.add(t)
  for (const [t, score] of saved.refusedRemovals ?? []) core.queues.refusedRemovals.set(t, score)
  if (saved.mode === 'recovery') core.sm.enterRecovery()
  for (const [epoch, c] of saved.log) core.catchUp.log.set(epoch, decodeCommitCandidate(c))
  for (const [epoch, m] of saved.epochHistory) core.membership.epochHistory.set(epoch, m)
  for (const [id, v] of saved.ownVotes) core.voting.ownVotes.set(id, decodeVote(v))
  for (const o of saved.outbox) core.outbox.packets.push(o)
  restoreOwn(core, saved.own)
  // Only a branch point of the epoch the saved MLS state left (a save always pairs them).
  if (saved.branch !== undefined && saved.branch.epoch + 1n === core.epoch()) core.branch = restoredBranch(saved.branch)
  restoreRound(core, saved.round, now)
  const certs = saved.certificates
  if (certs !== undefined) {
    for (const [key, c] of certs.approved) core.certificates.keepApproved(key, decodeApprovalCertificate(c))
    for (const [epoch, cs] of certs.log) core.certificates.keepLogged(BigInt(epoch), cs.map((c) => decodeApprovalCertificate(c)))
    for (const [hash, b] of certs.bindings) core.certificates.keepBinding(hash, b)
    // Saves before the recent elections were kept hold only the current one.
    const elections = certs.elections ?? (certs.election !== undefined ? [certs.election] : [])
    for (const e of elections) core.certificates.keepElection(decodeApprovalCertificate(e))
    core.certificates.election = certs.election === undefined ? undefined : decodeApprovalCertificate(certs.election)
  }
  for (const [bytes, expiresAt] of saved.invitations ?? []) if (expiresAt > now) core.invitations.add(decodeMemberInvitation(bytes), expiresAt)
  if (saved.blsBindings !== undefined) core.blsBindings.restore(saved.blsBindings)
  for (const [bytes, until] of saved.inviteLinks?.revocations ?? []) if (until > now) core.inviteLinks.revoke(decodeInviteLinkRevocation(bytes), until)
  for (const bytes of saved.inviteLinks?.links ?? []) {
    const { record, admitted } = decodeInviteLinkState(bytes)
    if (record !== undefined && Number(record.expiresAtMs) > now) core.inviteLinks.add(record, admitted.map((a) => toHex(a)))
  }
  for (const [joiner, link] of saved.inviteLinks?.pending ?? []) core.inviteLinks.noteJoin(joiner, link)
}

function savedOwn(core: ConversationCore): SavedConversation['own'] {
  const epoch = core.epoch()
  const kept = [...core.catchUp.ownCandidates]
    .filter(([, k]) => k.epoch + 1n >= epoch)
    .map(([hash, k]) => ({
      hash,
      epoch: k.epoch,
      // The branch point's snapshot is serialised here, not on the merge that kept it.
      mlsState: exportedState(k.mlsState),
      joinerIds: k.joinerIds,
      ...(k.candidate !== undefined ? { candidate: encodeCommitCandidate(k.candidate) } : {}),
      ...(k.changesKey !== undefined ? { changesKey: k.changesKey } : {}),
    }))
  const m = core.catchUp.minted
  return { kept, minted: m === undefined || m.epoch !== epoch ? undefined : [m.epoch, [...m.byChanges]] }
}

function restoreOwn(core: ConversationCore, own: SavedConversation['own']): void {
  if (own === undefined) return
  for (const { hash, epoch, mlsState, joinerIds, candidate, changesKey } of own.kept) {
    core.catchUp.ownCandidates.set(hash, {
      epoch,
      mlsState,
      joinerIds,
      ...(candidate !== undefined ? { candidate: decodeCommitCandidate(candidate) } : {}),
      ...(changesKey !== undefined ? { changesKey } : {}),
    })
  }
  if (own.minted !== undefined) core.catchUp.minted = { epoch: own.minted[0], byChanges: new Map(own.minted[1]) }
}

function savedCertificates(core: ConversationCore): NonNullable<SavedConversation['certificates']> {
  const c = core.certificates
  const open = new Set(core.consensus.activeProposals(core.id).flatMap((p) => p.votes.map((v) => toHex(v.voteHash))))
  return {
    approved: [...c.approved].map(([key, cert]) => [key, encodeApprovalCertificate(cert)]),
    log: [...c.log].map(([epoch, certs]) => [epoch, certs.map((cert) => encodeApprovalCertificate(cert))]),
    bindings: [...c.bindings].filter(([hash]) => open.has(hash)),
    ...(c.election !== undefined ? { election: encodeApprovalCertificate(c.election) } : {}),
    elections: c.elections.map((cert) => encodeApprovalCertificate(cert)),
  }
}

function savedRound(core: ConversationCore): SavedConversation['round'] {
  const epoch = core.epoch()
  if (core.rounds.openEpoch !== epoch) return undefined
  return { freezingSince: core.sm.state === 'freezing' ? core.sm.anchor : undefined, candidates: core.rounds.candidates(epoch) }
}

function restoreRound(core: ConversationCore, round: SavedConversation['round'], now: number): void {
  if (round === undefined) return
  const epoch = core.epoch()
  const cap = core.mls.members().length + 1
  for (const c of round.candidates) {
    // Our candidate only with the pending commit it was minted from (they are saved together),
    // or with the state we kept it pending in (offered again in a later round of the epoch).
    if (c.isLocal && !core.mls.hasPendingCommit() && core.catchUp.ownCandidates.get(c.hashHex)?.epoch !== epoch) continue
    core.rounds.offer(c, epoch, cap, true)
  }
  if (round.freezingSince !== undefined) core.sm.startFreezing(Math.min(round.freezingSince, now))
}

/** The proposals that were open when the state was saved (see {@link SavedConversation.open}). */
export function savedOpenProposals(saved: SavedConversation): Proposal[] {
  return saved.open.map((b) => decodeProposal(b))
}

/** Our vote saved before a restart for `proposalId`, if any (see {@link SavedConversation.ownVotes}). */
export function savedVote(core: ConversationCore, proposalId: ProposalId): Vote | undefined {
  const v = core.voting.ownVotes.get(proposalId)
  return v !== undefined && bytesEqual(v.voteOwner, core.memberId) ? v : undefined
}
