import {
  type ApprovalCertificate,
  type EpochAttestation,
  type StewardElectionProposal,
  type StewardListNotice,
  bytesEqual,
  toHex,
} from '@demls/wire'
import { sha256 } from '../util/hash.js'
import { verifyApproval } from '../rules/certificate.js'
import { isAmongClosest } from '../rules/closest-members.js'
import { approvedByProof, certifies } from '../voting/certificates.js'
import { electionIn, quorumElection } from '../stewardship/election-check.js'
import type { ConversationConfig } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'
import { listNewer, sameMembers, stewardListRefusal } from '../rules/steward-list.js'
import { evictOldest } from '../state/bounded.js'
import { attestedByMember } from './claims.js'

/**
 * Steward-list sync (beyond the reference). A member that missed a steward
 * election (every copy of the proposal and its votes lost, or cut off
 * while it ran) keeps the outgoing list, even after catching up on the
 * commits: it then refuses the elected stewards' commits and forks. Every
 * attestation says which list its sender holds (the epoch it was installed
 * at and the retry round); a member holding a newer list at the same epoch
 * answers with the list itself, encrypted, and the laggard installs it only
 * if it regenerates exactly from the members it saw at that epoch.
 */

/** Epochs of membership kept for validating steward lists (`epoch → members`). */
const HISTORY_EPOCHS = 16


/** Remember the membership of the epoch we just reached. */
export function recordEpoch(core: ConversationCore): void {
  const h = core.membership.epochHistory
  h.set(core.epoch(), { members: core.mls.members(), joinEpochs: new Map(core.membership.joinEpochs) })
  for (const e of [...h.keys()]) if (e + BigInt(HISTORY_EPOCHS) <= core.epoch()) h.delete(e)
}

/** The installed list's stamp: the epoch it was installed at and its retry round. */
export function listStamp(core: { readonly steward: Pick<ConversationCore['steward'], 'currentList'> }): { stewardListEpoch: bigint; stewardListRound: number } | undefined {
  const l = core.steward.currentList()
  return l === undefined ? undefined : { stewardListEpoch: l.electionEpoch, stewardListRound: l.retryRound }
}

/**
 * A list's stamp as the lag records key it (`epoch:round`): what
 * `listLagSeenAt` and `stewardListLag` compare against the list we hold.
 *
 * @example
 * ```ts
 * import { listStampKey } from '../sync/steward-sync.js'
 * listStampKey({ electionEpoch: 4n, retryRound: 1 }) // '4:1'
 * ```
 */
export function listStampKey(l: { readonly electionEpoch: bigint; readonly retryRound: number }): string {
  return `${l.electionEpoch}:${l.retryRound}`
}

/**
 * How many members answer one attestation of a member behind them: on an
 * older steward list ({@link onListAttested}), or at an older epoch or on a
 * worse branch (`sync/catch-up.ts`, with their own attestation).
 */
export const LIST_ANSWERERS = 3

/**
 * The target that picks who answers an attestation: a digest of its
 * sender and signing time, so every member that reads the same
 * attestation picks the same few, and the next attestation other few.
 */
export function listAnswerTarget(a: EpochAttestation): Uint8Array {
  const at = new Uint8Array(8)
  new DataView(at.buffer).setBigUint64(0, BigInt.asUintN(64, a.signedAtMs))
  const input = new Uint8Array(a.memberId.length + 8)
  input.set(a.memberId, 0)
  input.set(at, a.memberId.length)
  return sha256(input)
}

/**
 * Whether we are one of the {@link LIST_ANSWERERS} members an attestation
 * picks to answer it (`isAmongClosest` to its {@link listAnswerTarget}).
 */
export function answersAttestation(core: Pick<ConversationCore, 'memberSet' | 'memberHex'>, a: EpochAttestation): boolean {
  return isAmongClosest(listAnswerTarget(a), core.memberSet(), toHex(a.memberId), core.memberHex, LIST_ANSWERERS)
}

/**
 * An attestation at our epoch: if its sender holds an older list than
 * ours and we are one of the {@link LIST_ANSWERERS} members the
 * attestation picks (`isAmongClosest`), send ours (encrypted, at most once
 * per attestation interval per sender). Every member used to answer, and
 * each notice went to the whole group: N notices, each carrying the
 * election's certificate, for every member behind. Attestations without a
 * stamp (reference peers) are ignored.
 *
 * @returns `'regenerate'` when we are the closest of those answerers and
 * our list's election certificate does not verify (an election decided at
 * its timeout): the caller then opens an election of the list at our
 * epoch, since the member behind refuses every notice of ours
 */
export async function onListAttested(core: ConversationCore, a: EpochAttestation, now: number): Promise<'regenerate' | undefined> {
  const ours = core.steward.currentList()
  if (ours === undefined || a.epoch !== core.epoch() || a.stewardListEpoch === 0n || core.sm.blocksMessaging) return
  const key = toHex(a.memberId)
  const lag = core.catchUp.listLagSeenAt
  const behind = listNewer({ epoch: ours.electionEpoch, round: ours.retryRound }, { epoch: a.stewardListEpoch, round: a.stewardListRound })
  const stamp = listStampKey(ours)
  noteStewardListLag(core, a, behind, stamp, now)
  if (!behind) {
    lag.delete(key)
    return
  }
  if (bytesEqual(a.memberId, core.memberId) || !core.mls.isMember(a.memberId)) return
  // Every member keeps the clock; only the few this attestation picks answer it.
  if (!stillLagging(lag, key, stamp, now, core.config.attestationIntervalMs / 2)) return
  if (!answersAttestation(core, a)) return
  const sent = core.catchUp.listSentAt
  if (now - (sent.get(key) ?? Number.NEGATIVE_INFINITY) < core.config.attestationIntervalMs) return
  sent.set(key, now)
  evictOldest(sent, 256)
  const elected = electionOf(core, ours.electionEpoch, ours.retryRound) !== undefined
  const notice = {
    electionEpoch: ours.electionEpoch,
    retryRound: ours.retryRound,
    members: [...ours.members],
    ...(elected ? { certificate: core.certificates.election } : {}),
  }
  await core.sendEncrypted({ demlsControl: { stewardList: notice } })
  // An election decided at its timeout (silent voters weigh YES) carries too few signed votes to prove
  // itself, and a member that missed it refuses every notice of it for good: the closest answerer asks
  // the group to elect again, by signed votes, at the epoch we are all at. Not before the member behind
  // had the time to decide the election itself (its voting delay and timeout, and one attestation to say
  // so: a member seconds behind on its CPU is not one that missed it), and once per list of ours: an
  // election again that a slow group also decides at its timeout must not open another, and another
  // (an election storm of one list, six times at one epoch in a 30-process burst).
  if (!elected || electionCertified(core, notice) || !isAmongClosest(listAnswerTarget(a), core.memberSet(), key, core.memberHex, 1)) return undefined
  const since = lag.get(key)?.at ?? now
  if (now - since < reelectGraceMs(core.config) || core.catchUp.reelectedStamps.has(stamp)) return undefined
  core.catchUp.reelectedStamps.add(stamp)
  evictOldest(core.catchUp.reelectedStamps, 64)
  return 'regenerate'
}

/**
 * How long a member must attest an older list than ours before we have
 * the group elect ours again ({@link onListAttested}): the election's
 * voting delay and consensus timeout (after which a member that received
 * it decides it on its own) and one attestation interval (for its
 * attestation to show it).
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@demls/session'
 * import { reelectGraceMs } from '../sync/steward-sync.js'
 * reelectGraceMs(resolveConfig({ electionVotingDelayMs: 300, consensusTimeoutMs: 5_000, attestationIntervalMs: 4_000 })) // 9_300
 * ```
 */
export function reelectGraceMs(config: Pick<ConversationConfig, 'electionVotingDelayMs' | 'consensusTimeoutMs' | 'attestationIntervalMs'>): number {
  return config.electionVotingDelayMs + config.consensusTimeoutMs + config.attestationIntervalMs
}

/**
 * Keep (or clear) the evidence that the epoch steward of our list does not
 * know it is: its own signed attestations of our epoch name an older list
 * (`behind`), the first and the latest signed at least half an attestation
 * interval apart. One such attestation is no evidence: a steward attests
 * when it merges, and may install the elected list from the election's own
 * votes a moment later (as `stillLagging` has it for the notices). Only the
 * epoch steward's, checked against its key (`attestedByMember`): anyone can
 * publish an attestation, and a forged one must not move the takeover.
 * Cleared when it attests our list.
 */
function noteStewardListLag(core: ConversationCore, a: EpochAttestation, behind: boolean, stamp: string, now: number): void {
  const steward = core.epochSteward()
  if (steward === undefined || !bytesEqual(steward, a.memberId)) return
  const key = toHex(a.memberId)
  const seen = core.catchUp.stewardListLag
  if (!behind) {
    if (seen?.steward === key) core.catchUp.stewardListLag = undefined
    return
  }
  if (!attestedByMember(core, a, now)) return
  const signedAt = Number(a.signedAtMs)
  if (seen === undefined || seen.epoch !== a.epoch || seen.steward !== key || seen.stamp !== stamp) {
    core.catchUp.stewardListLag = { epoch: a.epoch, steward: key, stamp, firstSignedAt: signedAt, lastSignedAt: signedAt }
  } else if (signedAt > seen.lastSignedAt) {
    core.catchUp.stewardListLag = { ...seen, lastSignedAt: signedAt }
  }
}

/**
 * Whether a member that attests an older list than ours (stamped `stamp`)
 * has done so for `graceMs` already. Its first such attestation only
 * starts the clock: a member a few seconds behind on its CPU attests the
 * old list once and then installs the new one from the election's own
 * votes, and answering it sent the list and its certificate to the whole
 * group for nothing. One that missed the election attests the old list
 * again one attestation period later, and is answered then.
 */
function stillLagging(lag: Map<string, { stamp: string; at: number }>, key: string, stamp: string, now: number, graceMs: number): boolean {
  const seen = lag.get(key)
  if (seen !== undefined && seen.stamp === stamp) return now - seen.at >= graceMs
  lag.delete(key)
  lag.set(key, { stamp, at: now })
  evictOldest(lag, 256)
  return false
}

/**
 * How many certificates of a replay are looked at for the election that
 * put its committer on the steward list (a replay carries the certificates
 * of its changes, then that election's).
 */
const REPLAY_ELECTION_CERTIFICATES = 8

/**
 * A replayed commit whose committer is not on our steward list: if the
 * replay carries the certificate of an election that put the committer on
 * a list (the signed votes of the election epoch's members), install that
 * list with the checks of a steward-list notice, the certificate required
 * whatever our configuration (a replay is plaintext anyone can send).
 * Returns whether our list now holds the committer. A member that missed
 * an election while one epoch behind used to refuse every replay of the
 * next commit ("not on the steward list") and wait forever: the list
 * notices go only to members at our epoch, encrypted in it.
 */
export function adoptListFromReplay(core: ConversationCore, offered: readonly ApprovalCertificate[], committer: Uint8Array): boolean {
  for (const certificate of offered.slice(0, REPLAY_ELECTION_CERTIFICATES)) {
    const election = electionIn(certificate)
    if (election === undefined || !election.proposedStewards.some((m) => bytesEqual(m, committer))) continue
    onStewardListNotice(
      core,
      { electionEpoch: election.electionEpoch, retryRound: election.retryRound, members: election.proposedStewards, certificate },
      { certificateRequired: true },
    )
    break
  }
  return core.steward.currentList()?.members.some((m) => bytesEqual(m, committer)) ?? false
}

/**
 * The certificate of the election in force when `committer` made the
 * commit that left epoch `fromEpoch` (the newest election we kept from at
 * most that epoch), to send with its replay for a member that missed that
 * election: only when its list holds the committer and it is at most
 * {@link REPLAY_ELECTION_EPOCHS} epochs older than the commit (a member that
 * missed an older election was stuck at an earlier commit, which carried
 * it). Elections after the commit do not count: the group may have elected
 * again since.
 */
export function electionForReplay(
  core: { readonly certificates: Pick<ConversationCore['certificates'], 'elections'> },
  fromEpoch: bigint,
  committer: Uint8Array,
): ApprovalCertificate | undefined {
  for (let i = core.certificates.elections.length - 1; i >= 0; i--) {
    const certificate = core.certificates.elections[i]!
    const e = electionIn(certificate)
    if (e === undefined || e.electionEpoch > fromEpoch) continue
    if (fromEpoch - e.electionEpoch >= REPLAY_ELECTION_EPOCHS) return undefined
    return e.proposedStewards.some((m) => bytesEqual(m, committer)) ? certificate : undefined
  }
  return undefined
}

/** How recent an election must be for its certificate to ride with a replay ({@link electionForReplay}). */
const REPLAY_ELECTION_EPOCHS = 4n

/**
 * A steward list from an authenticated member: install it if it is valid
 * and newer. `certificateRequired`: check the election's certificate even
 * when our configuration does not certify changes (the list came in
 * plaintext).
 */
export function onStewardListNotice(core: ConversationCore, n: StewardListNotice, options: { certificateRequired?: boolean } = {}): void {
  const list = core.steward.currentList()
  const refused = listNoticeRefusal(core, n, list === undefined ? undefined : { epoch: list.electionEpoch, round: list.retryRound }, options)
  if (refused !== undefined) {
    if (refused.reason !== 'not newer than ours') core.emit({ type: 'dropped', reason: refused.unauthorized ? 'unauthorized' : 'invalid-proposal', detail: `steward list refused: ${refused.reason}` })
    return
  }
  adoptMissedList(core, n.electionEpoch, n.members, n.retryRound)
  core.certificates.keepElection(n.certificate)
}

/**
 * Why a steward-list notice may not be installed over a list stamped
 * `ours` ({@link stewardListRefusal}, then the election's certificate),
 * or undefined when it may. The signed votes of the election epoch's
 * members (`quorumElection`) win over our own view of that epoch's
 * candidate pool: such a list is installed even when it does not
 * regenerate over the members we saw.
 */
function listNoticeRefusal(
  core: ConversationCore,
  n: StewardListNotice,
  ours: { epoch: bigint; round: number } | undefined,
  options: { certificateRequired?: boolean },
): { reason: string; unauthorized: boolean } | undefined {
  const proven = quorumElection(core, n.certificate)
  const reason = stewardListRefusal(n, {
    epoch: core.epoch(),
    ours,
    maxRetries: core.steward.maxRetries,
    membershipAt: (e) => core.membership.epochHistory.get(e),
    electable: (e, pool, round) => core.steward.electableList(e, pool, round).members,
    certifiedByQuorum:
      proven !== undefined && proven.electionEpoch === n.electionEpoch && proven.retryRound === n.retryRound && sameMembers(proven.proposedStewards, n.members),
  })
  if (reason !== undefined) return { reason, unauthorized: false }
  // A list regenerates for every retry round: only the election's certificate says which one the group chose.
  if ((certifies(core) || options.certificateRequired === true) && !electionCertified(core, n)) return { reason: 'no verifiable election', unauthorized: true }
  return undefined
}

/**
 * The list of an election `offered` certificates prove the group held
 * (`quorumElection`) with `committer` on it, newer than the list stamped
 * `ours` and not from after `atEpoch`: a commit replayed on a branch we
 * left (a fork switch) is made by a steward of a list we never installed,
 * and the certificate, not our own view of who should be steward, decides
 * whether it could commit. Checks only: the caller installs the notice
 * ({@link onStewardListNotice}) once it switched.
 */
export function certifiedListFor(
  core: ConversationCore,
  offered: readonly ApprovalCertificate[],
  committer: Uint8Array,
  ours: { epoch: bigint; round: number } | undefined,
  atEpoch: bigint,
): StewardListNotice | undefined {
  for (const certificate of offered.slice(0, REPLAY_ELECTION_CERTIFICATES)) {
    const election = quorumElection(core, certificate)
    if (election === undefined || election.electionEpoch > atEpoch || !election.proposedStewards.some((m) => bytesEqual(m, committer))) continue
    const notice = { electionEpoch: election.electionEpoch, retryRound: election.retryRound, members: election.proposedStewards, certificate }
    if (listNoticeRefusal(core, notice, ours, { certificateRequired: true }) === undefined) return notice
  }
  return undefined
}

/** Our election certificate, if it is the one of the list elected at `epoch` in `round`. */
function electionOf(core: { readonly certificates: Pick<ConversationCore['certificates'], 'election'> }, epoch: bigint, round: number): StewardElectionProposal | undefined {
  const e = core.certificates.election === undefined ? undefined : electionIn(core.certificates.election)
  return e !== undefined && e.electionEpoch === epoch && e.retryRound === round ? e : undefined
}

/**
 * Whether a notice's certificate proves the group elected exactly its
 * list: an election proposal for that epoch, round and list, approved by
 * the signed, bound votes of the members of the election epoch (as we
 * saw them, or our current members when we no longer remember), or by the
 * aggregate proof that decided it over their keys.
 */
function electionCertified(core: ConversationCore, n: StewardListNotice): boolean {
  if (n.certificate === undefined) return false
  const seen = core.membership.epochHistory.get(n.electionEpoch)?.members ?? core.mls.members()
  const members = new Set(seen.map(toHex))
  const checked = verifyApproval(n.certificate, {
    conversationId: core.id,
    members,
    rule: core.plugins.consensus.rule,
    verifier: core.plugins.consensus.signer,
  })
  // Or the aggregate proof that decided the election, in a group that aggregates votes.
  const e = checked.ok ? checked.request.stewardElection : approvedByProof(core, n.certificate, members)?.request.stewardElection
  return (
    e !== undefined &&
    e.electionEpoch === n.electionEpoch &&
    e.retryRound === n.retryRound &&
    sameMembers(e.proposedStewards, n.members)
  )
}

/**
 * Install the list of an election we missed (sent by a peer, or inferred
 * from a replayed commit's committer) and stop waiting for that election.
 */
export function adoptMissedList(core: ConversationCore, epoch: bigint, stewards: readonly Uint8Array[], retryRound: number): void {
  core.steward.installList(epoch, stewards, stewards.length, retryRound)
  if (!core.steward.isExhausted(core.epoch())) core.stewardship.stopWaiting()
  core.emit({ type: 'steward-list-inferred', epoch, retryRound, stewards: [...stewards] })
  // The election we waited for in Reelection landed (we missed or refused its outcome): its stewards commit the work.
  if (epoch === core.epoch() && core.sm.state === 'reelection') {
    core.stewardship.electionLanded(epoch)
    if (core.sm.exitRecovery()) core.emit({ type: 'mode-change', mode: 'normal' })
    core.sm.startWorking()
    core.phaseChanged()
  }
}
