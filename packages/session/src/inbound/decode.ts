import type { MlsService } from '@demls/mls'
import {
  type AggregatorContact,
  type AppMessage,
  type BanRequest,
  type CommitCandidate,
  type DemlsAggregateProof,
  type DemlsAggregateVote,
  type DemlsControl,
  type JoinBeacon,
  type JoinProbe,
  type MemberInvitation,
  type InviteLinkRecord,
  type InviteLinkRevocation,
  type MemberInvite,
  type MemberWelcome,
  type Proposal,
  type StewardListNotice,
  type SubtopicName,
  type Vote,
  bytesEqual,
  decodeAppMessage,
  decodeWelcomeChannelMessage,
} from '@demls/wire'
import type { InboundDropReason } from '../core/events.js'
import { isSelfLeave } from '../rules/targets.js'
import { MAX_BUNDLED_VOTES } from '../core/config.js'

/**
 * Why an inbound packet was dropped while decoding it: the fields of the
 * `dropped` event the dispatcher emits (only those present are set).
 *
 * @example
 * ```ts
 * import type { InboundDrop } from '../inbound/decode.js'
 * const drop: InboundDrop = { reason: 'undecodable', detail: 'welcome channel' }
 * ```
 */
export interface InboundDrop {
  reason: InboundDropReason
  detail?: string
  error?: Error
}

/**
 * What arrived in one inbound packet, as {@link decodeInbound} reads it:
 * one variant per flow it goes to, or `dropped` with the typed reason.
 * Variants read from an MLS application message carry `sender`, the
 * member MLS authenticated (a `dropped` variant carries it too when MLS
 * authenticated the packet before its content was refused: the sender is
 * alive all the same).
 *
 * Welcome channel: `key-package` (a joiner's announcement), `join-probe`,
 * `join-beacon`, `welcome-offer` (a Welcome re-sent on the welcome
 * channel), `not-for-members` (join statuses, an empty message).
 * App channel, plaintext: `commit-candidate`, `future` (a candidate framed
 * in an epoch we have not reached), `control`, `member-welcome`.
 * App channel, MLS: `future` (sent in an epoch we have not reached), `chat`,
 * `proposal`, `vote`, `membership-notice`, `ban-request`, `steward-list`,
 * `invitation`, `invite-link`, `invite-link-revocation`, `aggregator-contact`.
 *
 * @example
 * ```ts
 * import type { Inbound } from '../inbound/decode.js'
 * declare const inbound: Inbound
 * if (inbound.kind === 'chat') console.log(new TextDecoder().decode(inbound.body))
 * else if (inbound.kind === 'dropped') console.log(inbound.drop.reason)
 * ```
 */
export type Inbound =
  | { kind: 'key-package'; invite: MemberInvite }
  | { kind: 'join-probe'; probe: JoinProbe }
  | { kind: 'join-beacon'; beacon: JoinBeacon }
  | { kind: 'welcome-offer'; welcome: MemberWelcome }
  | { kind: 'not-for-members' }
  | { kind: 'commit-candidate'; candidate: CommitCandidate }
  | {
      kind: 'future'
      /** The epoch the packet is framed in (later than ours; not authenticated). */
      epoch: bigint
      payload: Uint8Array
      /** A plaintext commit candidate, or an MLS application message. */
      of: 'candidate' | 'message'
    }
  | { kind: 'control'; control: DemlsControl }
  | { kind: 'member-welcome'; welcome: MemberWelcome }
  | { kind: 'chat'; sender: Uint8Array; body: Uint8Array; epoch: bigint; payload: Uint8Array }
  | { kind: 'proposal'; sender: Uint8Array; proposal: Proposal; bindings: Uint8Array[] }
  | { kind: 'vote'; sender: Uint8Array; vote: Vote; binding: Uint8Array | undefined }
  | { kind: 'votes'; sender: Uint8Array; votes: { vote: Vote; binding: Uint8Array }[] }
  | { kind: 'aggregate-vote'; sender: Uint8Array; vote: DemlsAggregateVote }
  | { kind: 'aggregate-proof'; sender: Uint8Array; proof: DemlsAggregateProof }
  | { kind: 'membership-notice'; sender: Uint8Array }
  | { kind: 'ban-request'; sender: Uint8Array; request: BanRequest }
  | { kind: 'steward-list'; sender: Uint8Array; notice: StewardListNotice }
  | { kind: 'invitation'; sender: Uint8Array; invitation: MemberInvitation }
  | { kind: 'invite-link'; sender: Uint8Array; record: InviteLinkRecord }
  | { kind: 'invite-link-revocation'; sender: Uint8Array; revocation: InviteLinkRevocation }
  | { kind: 'aggregator-contact'; sender: Uint8Array; contact: AggregatorContact }
  | { kind: 'dropped'; drop: InboundDrop; sender?: Uint8Array }

/**
 * What {@link decodeInbound} needs of the MLS group: the current epoch, the
 * framing reads and the decryption of application messages.
 *
 * @example
 * ```ts
 * import type { MlsService } from '@demls/mls'
 * import type { DecodeMls } from '../inbound/decode.js'
 * declare const group: MlsService
 * const mls: DecodeMls = group
 * ```
 */
export type DecodeMls = Pick<MlsService, 'epoch' | 'decrypt' | 'inspectMessageEpoch' | 'inspectMessageKind' | 'isMember'>

/** The `dropped` variant of {@link Inbound}. */
type Dropped = Extract<Inbound, { kind: 'dropped' }>

/** A `dropped` variant with only the fields given. */
function dropped(reason: InboundDropReason, extra: { detail?: string; error?: Error; sender?: Uint8Array } = {}): Dropped {
  const drop: InboundDrop = { reason }
  if (extra.detail !== undefined) drop.detail = extra.detail
  if (extra.error !== undefined) drop.error = extra.error
  return extra.sender === undefined ? { kind: 'dropped', drop } : { kind: 'dropped', drop, sender: extra.sender }
}

/**
 * Read one inbound packet: decode it and, for an MLS application message,
 * decrypt it under `mls` (the only state it touches: MLS consumes the
 * message's key). Changes nothing else and emits nothing; the dispatcher
 * (`inbound/dispatch.ts`) routes the result to its flow.
 *
 * @example
 * ```ts
 * import type { MlsService } from '@demls/mls'
 * import { decodeInbound } from '../inbound/decode.js'
 * declare const mls: MlsService
 * const inbound = await decodeInbound({ subtopic: 'app', payload: new Uint8Array([0x00]) }, mls)
 * // inbound.kind === 'dropped', inbound.drop.reason === 'decrypt-failed'
 * ```
 */
export async function decodeInbound(packet: { subtopic: SubtopicName; payload: Uint8Array }, mls: DecodeMls): Promise<Inbound> {
  if (packet.subtopic === 'welcome') return decodeWelcomeChannel(packet.payload)
  const payload = packet.payload
  // The votes subtopic carries MLS application messages only, each an aggregatable vote.
  if (packet.subtopic === 'votes') {
    const read = payload.length > 0 && payload[0] === 0x00 ? await decodeEncrypted(payload, mls) : dropped('unexpected-plaintext', { detail: 'votes subtopic' })
    if (read.kind === 'aggregate-vote' || read.kind === 'dropped' || read.kind === 'future') return read
    return dropped('unauthorized', { detail: `${read.kind} on the votes subtopic`, ...('sender' in read && read.sender !== undefined ? { sender: read.sender } : {}) })
  }
  // MLS messages start with the u16 version 0x0001; a leading 0x00 is no valid protobuf tag.
  if (payload.length > 0 && payload[0] !== 0x00) return decodePlaintext(payload, mls)
  return decodeEncrypted(payload, mls)
}

function decodeWelcomeChannel(payload: Uint8Array): Inbound {
  let msg: ReturnType<typeof decodeWelcomeChannelMessage>
  try {
    msg = decodeWelcomeChannelMessage(payload)
  } catch (err) {
    return dropped('undecodable', { detail: 'welcome channel', error: err as Error })
  }
  if (msg.keyPackage !== undefined) return { kind: 'key-package', invite: msg.keyPackage }
  if (msg.joinProbe !== undefined) return { kind: 'join-probe', probe: msg.joinProbe }
  if (msg.joinBeacon !== undefined) return { kind: 'join-beacon', beacon: msg.joinBeacon }
  // Join statuses on this channel are for joiners; members learn Welcomes on the app channel,
  // except a joiner that may have to re-join from another one (a steward re-sends it here).
  if (msg.welcome !== undefined) return { kind: 'welcome-offer', welcome: msg.welcome }
  return { kind: 'not-for-members' }
}

function decodePlaintext(payload: Uint8Array, mls: DecodeMls): Inbound {
  let app: AppMessage
  try {
    app = decodeAppMessage(payload)
  } catch (err) {
    return dropped('undecodable', { error: err as Error })
  }
  if (app.commitCandidate !== undefined) {
    const framed = mls.inspectMessageEpoch(app.commitCandidate.commitMessage)
    // A commit from an epoch we have not reached: we are behind.
    if (framed !== undefined && framed > mls.epoch()) return { kind: 'future', epoch: framed, payload, of: 'candidate' }
    return { kind: 'commit-candidate', candidate: app.commitCandidate }
  }
  if (app.demlsControl !== undefined) return { kind: 'control', control: app.demlsControl }
  if (app.memberWelcome !== undefined) {
    if (app.memberWelcome.welcomeBytes.length === 0) return dropped('undecodable', { detail: 'empty welcome' })
    return { kind: 'member-welcome', welcome: app.memberWelcome }
  }
  return dropped('unexpected-plaintext', { detail: app.payload ?? 'empty' })
}

async function decodeEncrypted(payload: Uint8Array, mls: DecodeMls): Promise<Inbound> {
  if (mls.inspectMessageKind(payload) !== 'application') return dropped('decrypt-failed', { detail: 'not an application message' })
  let decrypted: Awaited<ReturnType<MlsService['decrypt']>>
  try {
    decrypted = await mls.decrypt(payload)
  } catch (err) {
    const e = err as Error & { code?: string; direction?: string; messageEpoch?: bigint }
    if (e.code === 'MLS_WRONG_EPOCH' && e.direction === 'future' && e.messageEpoch !== undefined) {
      return { kind: 'future', epoch: e.messageEpoch, payload, of: 'message' }
    }
    if (e.code === 'MLS_WRONG_EPOCH' && e.direction === 'past' && e.messageEpoch === mls.epoch() - 1n) return decodeJustLeft(payload, mls)
    return dropped(e.code === 'MLS_WRONG_EPOCH' ? 'wrong-epoch' : 'decrypt-failed', { error: e })
  }
  const app = decodeDecrypted(decrypted.plaintext)
  if (isDropped(app)) return app
  return classifyEncrypted(app, decrypted, payload)
}

/**
 * A packet of the epoch we just left, still in flight when we merged the
 * commit that ended it (under load, votes cast just before a commit reach
 * the members that merged it first after it): read with that epoch's
 * retained keys. From a current member, its votes count (on a proposal
 * still open) and its chat is delivered, as a history reply's would be,
 * and so is a self-leave (its owner's signed YES decides it at any epoch,
 * see `isSelfLeave`); anything else of a past epoch changes nothing now
 * and is dropped as `late`. From a member the commit removed, it is dropped as
 * `unauthorized` (it still holds that epoch's keys). Two or more epochs
 * back stays a `wrong-epoch` drop.
 */
async function decodeJustLeft(payload: Uint8Array, mls: DecodeMls): Promise<Inbound> {
  const read = await readRetained(payload, mls)
  if ('kind' in read) return read
  const { app, decrypted } = read
  // A member the commit removed still holds that epoch's keys: nothing it frames there counts any more.
  if (!mls.isMember(decrypted.sender)) return dropped('unauthorized', { detail: 'a packet of the epoch we just left from a member no longer in the group' })
  if (app.payload === 'vote' || app.payload === 'demlsVotes' || app.payload === 'conversationMessage') return classifyEncrypted(app, decrypted, payload)
  // A self-leave is its own proof, whatever epoch framed it: dropped here, this member would never learn of a
  // leave the members still at that epoch approved (and the group would disagree on what to commit next).
  if (app.payload === 'proposal' && isSelfLeave(app.proposal!, decrypted.sender)) return classifyEncrypted(app, decrypted, payload)
  return dropped('late', { detail: `${app.payload ?? 'empty'} of the epoch we just left`, sender: decrypted.sender })
}

/** Decrypt with the retained keys of a past epoch and decode: the message and its decryption, or the drop. */
async function readRetained(
  payload: Uint8Array,
  mls: Pick<MlsService, 'decrypt'>,
): Promise<{ app: AppMessage; decrypted: Awaited<ReturnType<MlsService['decrypt']>> } | Dropped> {
  let decrypted: Awaited<ReturnType<MlsService['decrypt']>>
  try {
    decrypted = await mls.decrypt(payload, { retainedEpochs: true })
  } catch (err) {
    const e = err as Error & { code?: string }
    return dropped(e.code === 'MLS_WRONG_EPOCH' ? 'wrong-epoch' : 'decrypt-failed', { error: e })
  }
  const app = decodeDecrypted(decrypted.plaintext)
  return isDropped(app) ? app : { app, decrypted }
}

/** A decrypted application message's `AppMessage`, or an `undecodable` drop. */
function decodeDecrypted(plaintext: Uint8Array): AppMessage | Dropped {
  try {
    return decodeAppMessage(plaintext)
  } catch (err) {
    return dropped('undecodable', { error: err as Error })
  }
}

function classifyEncrypted(app: AppMessage, decrypted: { sender: Uint8Array; epoch: bigint }, payload: Uint8Array): Inbound {
  const sender = decrypted.sender
  switch (app.payload) {
    case 'conversationMessage':
      return { kind: 'chat', sender, body: app.conversationMessage!.message, epoch: decrypted.epoch, payload }
    case 'proposal':
      return { kind: 'proposal', sender, proposal: app.proposal!, bindings: app.demlsVoteBindings }
    case 'vote':
      return { kind: 'vote', sender, vote: app.vote!, binding: app.demlsVoteBindings[0] }
    case 'demlsVotes':
      return voteBundle(app.demlsVotes!.votes, app.demlsVoteBindings, sender)
    case 'demlsAggregateVote':
      return { kind: 'aggregate-vote', sender, vote: app.demlsAggregateVote! }
    case 'demlsAggregateProof':
      return { kind: 'aggregate-proof', sender, proof: app.demlsAggregateProof! }
    case 'membershipChange':
      if (bytesEqual(app.membershipChange!.member, sender)) return { kind: 'membership-notice', sender }
      return dropped('unauthorized', { detail: 'membership notice for someone else', sender })
    case 'banRequest':
      return { kind: 'ban-request', sender, request: app.banRequest! }
    case 'conversationSync':
      return dropped('duplicate', { detail: 'sync after join is a no-op', sender })
    case 'demlsControl':
      // Only the steward-list notice, invitations, invite links and aggregator contacts travel encrypted (their sender must be a member).
      if (app.demlsControl?.stewardList !== undefined) return { kind: 'steward-list', sender, notice: app.demlsControl.stewardList }
      if (app.demlsControl?.invitation !== undefined) return { kind: 'invitation', sender, invitation: app.demlsControl.invitation }
      if (app.demlsControl?.inviteLink !== undefined) return { kind: 'invite-link', sender, record: app.demlsControl.inviteLink }
      if (app.demlsControl?.inviteLinkRevocation !== undefined) {
        return { kind: 'invite-link-revocation', sender, revocation: app.demlsControl.inviteLinkRevocation }
      }
      if (app.demlsControl?.aggregatorContact !== undefined) return { kind: 'aggregator-contact', sender, contact: app.demlsControl.aggregatorContact }
      return dropped('legacy', { detail: 'encrypted control other than a steward list', sender })
    default:
      return dropped('legacy', { detail: app.payload ?? 'empty', sender })
  }
}

/**
 * A bundle of the sender's votes (`voteBundles`): at most
 * `MAX_BUNDLED_VOTES`, at least one, and one binding each; otherwise
 * dropped whole (each vote is then checked as a lone one would be).
 */
function voteBundle(votes: Vote[], bindings: Uint8Array[], sender: Uint8Array): Inbound {
  if (votes.length === 0 || votes.length > MAX_BUNDLED_VOTES) {
    return dropped('undecodable', { detail: `a vote bundle of ${votes.length} votes (1 to ${MAX_BUNDLED_VOTES})`, sender })
  }
  if (bindings.length !== votes.length) return dropped('undecodable', { detail: `a vote bundle of ${votes.length} votes with ${bindings.length} bindings`, sender })
  return { kind: 'votes', sender, votes: votes.map((vote, i) => ({ vote, binding: bindings[i]! })) }
}

/**
 * Read a kept packet of an epoch we already left (a history reply that came
 * after we caught up) with that epoch's retained keys: its chat, or why it
 * is dropped (anything else of a past epoch changes nothing now).
 *
 * @example
 * ```ts
 * import type { MlsService } from '@demls/mls'
 * import { decodePastChat } from '../inbound/decode.js'
 * declare const mls: MlsService
 * declare const kept: Uint8Array
 * const past = await decodePastChat(kept, mls)
 * if (past.kind === 'chat') console.log(past.epoch)
 * ```
 */
export async function decodePastChat(
  payload: Uint8Array,
  mls: Pick<MlsService, 'decrypt'>,
): Promise<{ kind: 'chat'; sender: Uint8Array; body: Uint8Array; epoch: bigint } | { kind: 'dropped'; drop: InboundDrop }> {
  const read = await readRetained(payload, mls)
  if ('kind' in read) return { kind: 'dropped', drop: read.drop }
  const { app, decrypted } = read
  if (app.payload === 'conversationMessage') {
    return { kind: 'chat', sender: decrypted.sender, body: app.conversationMessage!.message, epoch: decrypted.epoch }
  }
  return { kind: 'dropped', drop: { reason: 'late', detail: `backfilled ${app.payload ?? 'empty'} of a past epoch` } }
}

function isDropped(x: AppMessage | Dropped): x is Dropped {
  return 'kind' in x
}
