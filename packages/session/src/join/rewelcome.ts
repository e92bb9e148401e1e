import type { MlsService } from '@demls/mls'
import { adoptSyncedBindings } from '../voting/aggregation.js'
import {
  type EpochAttestation,
  type MemberWelcome,
  bytesEqual,
  TypeMembershipChange,
  decodeAppMessage,
  encodeWelcomeChannelMessage,
  toHex,
} from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import type { ConversationEvent } from '../core/events.js'
import { type AttestedState, type JoinedBranchVerdict, authenticatorHash, tallyJoinedBranch } from '../rules/joined-branch.js'
import { type OfferedWelcome, ProvisionalJoin } from '../state/provisional-join.js'
import { syncLastSeen } from '../stewardship/liveness.js'
import { signCommitRequest } from '../sync/claims.js'
import { applySync } from '../sync/conversation-sync.js'
import { recordEpoch } from '../sync/steward-sync.js'
import { verifyAttestation } from './signing.js'

/**
 * Re-joining from another Welcome (beyond the reference). Two stewards that
 * commit different batches at one epoch, both adding a joiner, fork the
 * group; members heal to the branch the fork choice prefers, from the
 * state they saved before merging. A joiner welcomed by the abandoned
 * commit has no such state: every later commit fails for it. So a joiner
 * keeps its key package (`retainKeyPackage`) and the Welcomes addressed to
 * it until a majority of the other members attests the state it holds at
 * an epoch after its join; if instead a majority attests another state at
 * its epoch, it re-joins from a Welcome that leads to exactly that state,
 * asking for one by announcing its key package again.
 */

/** First wait between re-announcements of our key package while stranded; it doubles up to {@link REANNOUNCE_MAX_MS}. */
export const REANNOUNCE_FIRST_MS = 2_000
/** Longest wait between re-announcements while stranded. */
export const REANNOUNCE_MAX_MS = 30_000
/** Attestations of epochs up to this far ahead of ours are kept (the group may have moved on while we were stranded). */
const ATTESTED_EPOCHS_AHEAD = 4n
/** Minimum spacing of our requests for the commit that made our join epoch (signed attestations of it come back). */
const BRANCH_REQUEST_INTERVAL_MS = 2_000

/** Become provisional after joining with `welcome` (our plug-in retained the key package). */
export function beginProvisional(core: ConversationCore, welcome: MemberWelcome): void {
  const keyPackage = core.plugins.mls.retainedKeyPackage(core.id)
  if (keyPackage === undefined) return
  const p = new ProvisionalJoin(keyPackage, core.epoch(), REANNOUNCE_FIRST_MS)
  p.joinedWith = joinedWith(core, welcome)
  p.offer(welcome, ownState(core))
  core.provisional = p
}

/**
 * What judging our joined branch from members' attestations needs: the
 * provisional state (ended once the majority confirmed us), our epoch and
 * epoch authenticator, the membership, the vote signer that checks the
 * attestations, and the MLS client that releases our key package.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { type JoinAttestationComponents, noteJoinAttestation } from '../join/rewelcome.js'
 * declare const core: ConversationCore
 * const slices: JoinAttestationComponents = core // or plain objects with these members, in a test
 * ```
 */
export type JoinAttestationComponents = Pick<ConversationCore, 'id' | 'memberHex' | 'provisional' | 'epoch' | 'memberSet' | 'isMemberHex' | 'liveness'> & {
  readonly mls: Pick<ConversationCore['mls'], 'epochAuthenticator'>
  readonly plugins: {
    readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'>
    readonly mls: Pick<ConversationCore['plugins']['mls'], 'releaseKeyPackage'>
  }
}

/** Confirmed (or gone): release the key package and forget the provisional state. */
export function endProvisional(core: Pick<JoinAttestationComponents, 'id' | 'provisional' | 'plugins'>): void {
  if (core.provisional === undefined) return
  core.provisional = undefined
  core.plugins.mls.releaseKeyPackage(core.id)
}

/** Our epoch and {@link authenticatorHash}. */
export function ownState(core: Pick<JoinAttestationComponents, 'epoch' | 'mls'>): AttestedState {
  return { epoch: core.epoch(), authenticatorHash: authenticatorHash(core.mls.epochAuthenticator()) }
}

/**
 * A Welcome broadcast that names us as a joiner (a claim: checked when it
 * is tried). Kept while provisional, bounded in count and bytes.
 */
export function offerWelcome(core: ConversationCore, welcome: MemberWelcome): void {
  const p = core.provisional
  if (p === undefined || !welcome.joinerIdentities.some((j) => bytesEqual(j, core.memberId))) return
  p.offer(welcome)
}

/**
 * A member's signed attestation, while provisional: remember the newest
 * state each member signed (a signature is checked only when it would
 * change what we know), then judge our branch. Returns the `stranded`
 * event when that found us on a branch the majority left, for the caller
 * to report.
 */
export function noteJoinAttestation(core: JoinAttestationComponents, a: EpochAttestation): ConversationEvent | undefined {
  const p = core.provisional
  // Our epoch is judged; later ones endorse the Welcome of a later commit that added us again (or come before our next merge):
  // a few epochs ahead, and any epoch a Welcome we were offered leads to (an earlier one too: the group's branch may have
  // added us an epoch before the commit that welcomed us into the branch it left).
  if (p === undefined || a.authenticatorHash.length !== 32) return undefined
  const window = a.epoch >= core.epoch() && a.epoch <= core.epoch() + ATTESTED_EPOCHS_AHEAD
  if (!window && !leadsToEpoch(p, a.epoch)) return undefined
  const hex = toHex(a.memberId)
  if (hex === core.memberHex || !core.isMemberHex(hex)) return undefined
  const signedAt = Number(a.signedAtMs)
  const prev = p.attestedAt(hex, a.epoch)
  if (prev !== undefined && prev.signedAtMs >= signedAt) return undefined
  const state = { epoch: a.epoch, authenticatorHash: a.authenticatorHash }
  if (prev === undefined || !bytesEqual(prev.authenticatorHash, a.authenticatorHash)) {
    if (!verifyAttestation(core.plugins.consensus.signer, core.id, a)) return undefined
  }
  p.note(hex, state, signedAt)
  return judgeBranch(core)
}

/** Whether a Welcome we were offered (and tried) leads to a state at `epoch`. */
function leadsToEpoch(p: ProvisionalJoin, epoch: bigint): boolean {
  for (const o of p.offered.values()) if (o.leadsTo?.epoch === epoch) return true
  return false
}

/** Judge our branch from what the other members attested (`judgeJoinedBranch`), and report a `stranded` verdict. */
export function judge(core: ConversationCore): void {
  const stranded = judgeBranch(core)
  if (stranded !== undefined) core.emit(stranded)
}

/** {@link judge}, returning the `stranded` event (when the verdict changed to it) instead of reporting it. */
function judgeBranch(core: JoinAttestationComponents): ConversationEvent | undefined {
  const p = core.provisional
  if (p === undefined) return undefined
  const own = ownState(core)
  let verdict = judgeAgainstRoster(core, p, own)
  // Confirmations of our state waiting unchecked (`confirmWaiting`) may be the later word of members counted for
  // another state: check them before calling us stranded (each checked one replaces that member's earlier word).
  if (verdict.kind === 'stranded' && core.liveness.deferredMembers() > 0 && core.liveness.settle()) verdict = judgeAgainstRoster(core, p, own)
  if (verdict.kind === 'with-majority') {
    p.target = undefined
    // The majority followed us past the epoch we joined at: no fork can take us back there.
    if (core.epoch() > p.joinedEpoch) endProvisional(core)
  } else if (verdict.kind === 'stranded' && (p.target === undefined || !bytesEqual(p.target, verdict.target))) {
    p.target = verdict.target
    p.announceIntervalMs = REANNOUNCE_FIRST_MS
    p.lastAnnounceAt = Number.NEGATIVE_INFINITY
    return { type: 'stranded', epoch: core.epoch(), attesters: verdict.attesters, majorityState: verdict.target }
  }
  return undefined
}

/**
 * While provisional: the members' words that they hold our state wait
 * unchecked (`sync/catch-up.ts deferrable`) until they could confirm us,
 * that is until those checked and those waiting make a strict majority
 * of the other members of our roster; then the waiting ones are checked
 * (each checked one is noted, `ConversationCore.liveness`) and our branch
 * judged. Returns the judgement's event, as {@link noteJoinAttestation}.
 */
export function confirmWaiting(core: JoinAttestationComponents & Pick<ConversationCore, 'branch'>): ConversationEvent | undefined {
  const p = core.provisional
  const bp = core.branch
  if (p === undefined || bp === undefined) return undefined
  const own = ownState(core)
  const among = witnesses(core, own.epoch)
  // A strict majority of the witnesses: how many more than those checked, and are that many waiting?
  const lacking = () => Math.floor(among.size / 2) + 1 - p.countOf(own.epoch, toHex(own.authenticatorHash))
  if (!core.liveness.settleWaiting(own.epoch, bp.hashHex, among, lacking)) return undefined
  return judgeBranch(core)
}

/**
 * A commit replayed to us did not fit our state. While provisional, ask
 * for the commit that made our epoch: its replay carries the merging
 * members' signed attestations of that epoch, which tell us which state
 * the group holds there.
 */
export function requestJoinedBranch(core: ConversationCore, now: number): void {
  const p = core.provisional
  if (p === undefined || now - p.lastBranchRequestAt < BRANCH_REQUEST_INTERVAL_MS) return
  p.lastBranchRequestAt = now
  // Members that left our epoch also send their signed word about it (`sync/catch-up.ts pastAttestation`).
  core.sendPlain({ demlsControl: { commitRequest: signCommitRequest(core, { fromEpoch: core.epoch() - 1n, pastStates: true }, now) } })
}

/**
 * Whether a strict majority of the other members of our roster signed that
 * they hold (or held) `state`: the only thing that makes a Welcome's state
 * one we may adopt. Our roster, not the Welcome's: a group of someone's
 * making can list puppets of its own. At any epoch: a later one (a later
 * commit added us again), or an earlier one (the group's branch added us
 * an epoch before the commit that welcomed us into the branch it left: a
 * churn run, `FAST_TIMING` seed 7, where the joiner stayed stranded for
 * good while it held only Welcomes of later epochs to adopt).
 */
function endorsed(core: ConversationCore, p: ProvisionalJoin, state: AttestedState): boolean {
  return judgeAgainstRoster(core, p, state).kind === 'with-majority'
}

const UNDECIDED: JoinedBranchVerdict = { kind: 'undecided' }

/** The members a Welcome names besides us (hex). */
function joinedWith(core: Pick<ConversationCore, 'memberHex'>, welcome: MemberWelcome): ReadonlySet<string> {
  return new Set(welcome.joinerIdentities.map(toHex).filter((h) => h !== core.memberHex))
}

/**
 * Whose signed word about our state at `epoch` judges our branch: the
 * members of our roster but us, and at the epoch we joined at, not those
 * the Welcome we joined with named besides us (`ProvisionalJoin.joinedWith`).
 * There they hold whatever state the same Welcome gave them, so they
 * confirm any branch; when a commit adds more members than the group had,
 * they alone were a strict majority of our roster (`faults:wave` seed 32:
 * 14 joiners of a commit the group left confirmed each other for good,
 * while all 8 members before them attested the group's state). At later
 * epochs each merged the commits it followed, as every member did, and
 * counts (counting only the members before our join left a joiner
 * welcomed by the creator alone with one witness for good: 29 at once,
 * seed 11). The whole roster but us when no one else is left.
 */
function witnesses(core: Pick<JoinAttestationComponents, 'memberSet' | 'memberHex' | 'provisional'>, epoch: bigint): Witnesses {
  const roster = core.memberSet()
  const me = core.memberHex
  const others = roster.size - (roster.has(me) ? 1 : 0)
  const p = core.provisional
  if (p !== undefined && epoch === p.joinedEpoch) {
    let left = 0
    for (const h of p.joinedWith) if (roster.has(h)) left++
    if (left < others) return { size: others - left, has: (h) => h !== me && roster.has(h) && !p.joinedWith.has(h) }
  }
  return { size: others, has: (h) => h !== me && roster.has(h) }
}

/** {@link witnesses}: how many, and who. */
interface Witnesses {
  readonly size: number
  has(memberHex: string): boolean
}

/**
 * `judgeJoinedBranch` of `state` against our {@link witnesses}: whose
 * signed word counts. Without a state attested by more than half of them
 * in all we keep, it is `undecided` at once (a joiner that no majority
 * attested yet judges on every attestation).
 */
function judgeAgainstRoster(core: Pick<JoinAttestationComponents, 'memberSet' | 'memberHex' | 'provisional'>, p: ProvisionalJoin, state: AttestedState): JoinedBranchVerdict {
  const among = witnesses(core, state.epoch)
  if (!p.mayHaveMajority(state.epoch, among.size)) return UNDECIDED
  return tallyJoinedBranch(state, among.size, among.has, p.atEpoch(state.epoch))
}

/**
 * When stranded: now if a Welcome waits to be tried or leads to a state now
 * endorsed, else the next re-announcement. When not (yet) stranded: now if
 * a strict majority of our roster attests a state at a later epoch and a
 * Welcome we were offered waits to be tried or leads to a later state now
 * endorsed ({@link adoptLaterWelcome}).
 */
export function rewelcomeDeadline(core: ConversationCore, now: number): number | undefined {
  const p = core.provisional
  if (p === undefined) return undefined
  if (p.target === undefined) return laterWelcomeDue(core, p) ? now : undefined
  for (const o of p.offered.values()) if (o.leadsTo === undefined || (o.leadsTo !== null && endorsed(core, p, o.leadsTo))) return now
  return p.lastAnnounceAt + p.announceIntervalMs
}

/**
 * Every poll, while stranded: try the Welcomes addressed to us (each is
 * processed once to learn the state it leads to) and adopt one whose state
 * a majority of our roster attests: the state they hold at our epoch, a
 * later one (a later commit that added us again, when the one the group
 * kept had not) or an earlier one (the group's branch added us before the
 * commit that welcomed us), asking for their word about its epoch when it
 * is short (`askForEndorsement`); else announce our key package again so
 * that a steward re-sends the group's Welcome. Returns whether we
 * re-joined.
 */
export async function healStranded(core: ConversationCore, now: number): Promise<boolean> {
  const p = core.provisional
  if (p === undefined) return false
  if (p.target === undefined) return adoptLaterWelcome(core, p, now)
  for (const o of [...p.offered.values()]) {
    const known = o.leadsTo
    if (known === null) continue
    if (known !== undefined && !endorsed(core, p, known)) {
      askForEndorsement(core, p, known, now)
      continue
    }
    const group = await tryWelcome(core, o)
    if (group === undefined || o.leadsTo == null) continue
    if (!endorsed(core, p, o.leadsTo)) {
      askForEndorsement(core, p, o.leadsTo, now)
      continue
    }
    if (await adopt(core, group, o, now)) return true
    o.leadsTo = null
  }
  reannounce(core, p, now)
  return false
}

/** Process an offered Welcome to learn the state it leads to (`leadsTo`; `null` when it is not one of ours). */
async function tryWelcome(core: ConversationCore, o: OfferedWelcome): Promise<MlsService | undefined> {
  let group: MlsService | undefined
  try {
    group = await core.plugins.welcomeMls(o.welcome.welcomeBytes, undefined, { retainKeyPackage: true })
  } catch {
    group = undefined
  }
  if (group === undefined || group.conversationId !== core.id) {
    o.leadsTo = null
    return undefined
  }
  o.leadsTo = { epoch: group.epoch(), authenticatorHash: authenticatorHash(group.epochAuthenticator()) }
  return group
}

/**
 * A state at an epoch after ours that a strict majority of the other
 * members of our roster attests: the group is past us. Either we are
 * behind on its branch, or we joined a branch it left and no majority
 * could still sign the state it held at our epoch (the members of that
 * epoch gone on; `faults:wave` with 29 joiners at once, seed 13: two
 * joiners welcomed by the losing commit of their epoch, re-added by the
 * group a commit later, held at their join epoch for good).
 */
function laterMajorityState(core: ConversationCore, p: ProvisionalJoin): AttestedState | undefined {
  const none = new Uint8Array(0)
  for (let e = core.epoch() + ATTESTED_EPOCHS_AHEAD; e > core.epoch(); e--) {
    const among = witnesses(core, e)
    if (!p.mayHaveMajority(e, among.size)) continue
    const v = tallyJoinedBranch({ epoch: e, authenticatorHash: none }, among.size, among.has, p.atEpoch(e))
    if (v.kind === 'stranded') return { epoch: e, authenticatorHash: v.target }
  }
  return undefined
}

/** Whether {@link adoptLaterWelcome} has work now: a later majority state, and a Welcome untried or leading past us to a state now endorsed. */
function laterWelcomeDue(core: ConversationCore, p: ProvisionalJoin): boolean {
  const due = [...p.offered.values()].some(
    (o) => o.leadsTo === undefined || (o.leadsTo !== null && o.leadsTo.epoch > core.epoch() && endorsed(core, p, o.leadsTo)),
  )
  return due && laterMajorityState(core, p) !== undefined
}

/**
 * Provisional, not stranded at our epoch, and a strict majority of our
 * roster attests a state at a later one ({@link laterMajorityState}): try
 * the Welcomes we were offered (each once) and adopt one that leads to a
 * later state a strict majority of our roster attests (a later commit
 * added us again: the commit that welcomed us is not on the group's
 * branch). Nothing is announced: a joiner merely behind on the group's
 * branch holds no such Welcome and catches up as any member does.
 * Returns whether we re-joined.
 */
async function adoptLaterWelcome(core: ConversationCore, p: ProvisionalJoin, now: number): Promise<boolean> {
  if (laterMajorityState(core, p) === undefined) return false
  for (const o of [...p.offered.values()]) {
    if (o.leadsTo === null) continue
    const known = o.leadsTo
    if (known !== undefined && (known.epoch <= core.epoch() || !endorsed(core, p, known))) continue
    const group = await tryWelcome(core, o)
    if (group === undefined || o.leadsTo == null || o.leadsTo.epoch <= core.epoch() || !endorsed(core, p, o.leadsTo)) continue
    if (await adopt(core, group, o, now)) return true
    o.leadsTo = null
  }
  return false
}

/**
 * A Welcome of another commit that added us (a later one, or the group's
 * at an earlier epoch) leads to `state`, which
 * too few members of our roster attested while the group was at its epoch
 * (the merge attesters, and the group moved on before the periodic ones:
 * three joiners of a wave stranded for good, `faults:wave` seed 73). Ask
 * for the commit that made that epoch with members' past states: its
 * replay carries the merging members' signed attestations, and members
 * that left that epoch send their word about it
 * (`sync/catch-up.ts pastAttestation`). Rate-limited with our other branch
 * requests.
 */
function askForEndorsement(core: ConversationCore, p: ProvisionalJoin, state: AttestedState, now: number): void {
  if (state.epoch === core.epoch() || now - p.lastBranchRequestAt < BRANCH_REQUEST_INTERVAL_MS) return
  p.lastBranchRequestAt = now
  core.sendPlain({ demlsControl: { commitRequest: signCommitRequest(core, { fromEpoch: state.epoch - 1n, pastStates: true }, now) } })
}

function reannounce(core: ConversationCore, p: ProvisionalJoin, now: number): void {
  if (now - p.lastAnnounceAt < p.announceIntervalMs) return
  if (p.lastAnnounceAt !== Number.NEGATIVE_INFINITY) p.announceIntervalMs = Math.min(REANNOUNCE_MAX_MS, 2 * p.announceIntervalMs)
  p.lastAnnounceAt = now
  core.outbox.packets.push({
    subtopic: 'welcome',
    payload: encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: p.keyPackage, memberId: core.memberId } }),
  })
}

/**
 * Replace our MLS state with the one `welcome` led to (its state matches
 * what the majority attested), and take the group's settings from the sync
 * it carries, as a join does. Returns false (nothing changed) if the sync
 * is refused.
 */
async function adopt(core: ConversationCore, group: MlsService, offer: OfferedWelcome, now: number): Promise<boolean> {
  const welcome = offer.welcome
  let sync: ReturnType<typeof decodeAppMessage>['conversationSync']
  try {
    sync = decodeAppMessage((await group.decrypt(welcome.conversationSyncBytes)).plaintext).conversationSync
  } catch {
    sync = undefined
  }
  if (sync === undefined) return false
  const abandoned = ownState(core).authenticatorHash
  const old = core.mls
  const oldEpoch = core.epoch()
  core.adoptGroup(group)
  let refused: string | undefined
  try {
    refused = applySync(core, sync)
  } catch (err) {
    refused = (err as Error).message
  }
  if (refused !== undefined) {
    core.adoptGroup(old)
    core.emit({ type: 'dropped', reason: 'candidate', detail: `re-join refused: the sync of the Welcome was refused (${refused})` })
    return false
  }
  const members = group.members()
  core.scoring.syncMembers(members)
  core.scoring.applySnapshot(sync.peerScores)
  adoptSyncedBindings(core, sync)
  core.membership.joinEpochs.clear()
  for (const j of welcome.joinerIdentities) core.membership.joinEpochs.set(toHex(j), group.epoch())
  core.membership.joinElectorate = electorateBefore(members, welcome.joinerIdentities)
  core.rounds.clear()
  core.branch = undefined
  core.priorBranches = []
  core.queues.welcomeHashes.add(offer.hashHex)
  // Back to an epoch we had passed on the branch we leave (the group added us before the commit that welcomed us
  // there): what we merged and logged from that epoch on is that branch's, and the group's commits from there must
  // merge (`faults:wave` seed 38: the group's next commit refused as "already merged", for good).
  if (group.epoch() <= oldEpoch) forgetFrom(core, group.epoch())
  recordEpoch(core)
  syncLastSeen(core, now)
  if (core.sm.state !== 'working') core.sm.startWorking()
  const p = core.provisional!
  p.target = undefined
  // The commit that made this epoch can still lose to a better-ranked one: provisional until we are past it.
  p.joinedEpoch = group.epoch()
  p.joinedWith = joinedWith(core, welcome)
  core.emit({ type: 'rejoined', epoch: group.epoch(), abandoned, adopted: ownState(core).authenticatorHash })
  core.phaseChanged()
  // Members on this branch could not read what we said on the other one.
  await core.sendEncrypted({ membershipChange: { conversationId: core.id, member: core.memberId, changeType: TypeMembershipChange.Add } })
  judge(core)
  return true
}

/** Forget the commits we merged and logged, and the states we held, from `epoch` on (a re-join to an earlier state). */
function forgetFrom(core: ConversationCore, epoch: bigint): void {
  core.queues.committedHashes.clear()
  for (const key of [...core.catchUp.log.keys()]) if (BigInt(key) >= epoch) core.catchUp.log.delete(key)
  for (const key of [...core.catchUp.pastStates.keys()]) if (BigInt(key) >= epoch) core.catchUp.pastStates.delete(key)
}

/** The members of the epoch before a Welcome's: its group's members minus the joiners it names. */
export function electorateBefore(members: readonly Uint8Array[], joiners: readonly Uint8Array[]): ReadonlySet<string> {
  const added = new Set(joiners.map(toHex))
  return new Set(members.map(toHex).filter((h) => !added.has(h)))
}
