import type { MlsService } from '@demls/mls'
import { TypeMembershipChange, encodeAppMessage, encodeConversationUpdateRequest, encodeWelcomeChannelMessage, toHex } from '@demls/wire'
import { beforeAll, describe, expect, it } from 'vitest'
import { defaultPlugins } from '../src/index.js'
import { type Inbound, decodeInbound, decodePastChat } from '../src/inbound/decode.js'
import { keyFor, text } from './scenarios/harness.js'

/**
 * `inbound/decode.ts` on real packets: the MLS groups of one conversation
 * (alice, bob and dave, members; alice moves on to epoch 2 alone; carol,
 * an outsider with a group of the same id and epoch), no `Conversation`,
 * no `User`, no network.
 */

const ID = 'decode-chat'
const now = Math.floor(Date.now() / 1000) * 1000

let alice: MlsService
let bob: MlsService
let dave: MlsService
let carol: MlsService
/** Bob's chat, sent at epoch 1 (alice moves on to epoch 2 after decoding it once). */
let bobChatEpoch1: Uint8Array
/** Alice's commit framed at epoch 2, not merged (a candidate of an epoch bob has not reached). */
let aliceCommitEpoch2: Uint8Array
/** Alice's chat at epoch 2. */
let aliceChatEpoch2: Uint8Array
/** Bob's ban request at epoch 1. */
let bobBanEpoch1: Uint8Array

const app = (payload: Uint8Array) => ({ subtopic: 'app' as const, payload })
const chat = (sender: MlsService, body: string) =>
  sender.encrypt(encodeAppMessage({ conversationMessage: { message: text(body), sender: sender.memberId, conversationId: ID } }))
const dropOf = (inbound: Inbound) => (inbound.kind === 'dropped' ? { ...inbound.drop, error: inbound.drop.error !== undefined } : undefined)

beforeAll(async () => {
  const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map((i) => defaultPlugins(keyFor(i))))
  alice = await a!.createMls(ID, now)
  const kps = [await b!.generateKeyPackage(now), await d!.generateKeyPackage(now)]
  await alice.createCommitCandidate(kps.map((keyPackage) => ({ action: 'add' as const, keyPackage })), { nowMs: now })
  const merged = await alice.mergeOwnCommit()
  bob = (await b!.welcomeMls(merged.welcome!))!
  dave = (await d!.welcomeMls(merged.welcome!))!
  // An outsider's group of the same conversation id, at the same epoch.
  carol = await c!.createMls(ID, now)
  await carol.createCommitCandidate([], { nowMs: now })
  await carol.mergeOwnCommit()
  bobChatEpoch1 = await chat(bob, 'hello at 1')
  bobBanEpoch1 = await bob.encrypt(encodeAppMessage({ banRequest: { userToBan: dave.memberId } }))
  // Alice moves to epoch 2 with an empty commit (bob and dave miss it).
  await alice.createCommitCandidate([], { nowMs: now })
  await alice.mergeOwnCommit()
  aliceChatEpoch2 = await chat(alice, 'hello at 2')
  aliceCommitEpoch2 = (await alice.createCommitCandidate([], { nowMs: now })).commit
  await alice.discardOwnCommit()
}, 60_000)

describe('inbound/decode: decodeInbound on real packets', () => {
  it('an MLS chat from a member: chat, with its authenticated sender and epoch', async () => {
    const payload = await chat(bob, 'hi')
    const c = await decodeInbound(app(payload), dave)
    expect(c.kind === 'chat' && [toHex(c.sender), new TextDecoder().decode(c.body), c.epoch, c.payload]).toEqual([
      toHex(bob.memberId),
      'hi',
      1n,
      payload,
    ])
  })

  it('malformed bytes: undecodable on either channel (with the channel named on the welcome channel)', async () => {
    expect(dropOf(await decodeInbound({ subtopic: 'welcome', payload: new Uint8Array([0xff, 0xff]) }, alice))).toEqual({
      reason: 'undecodable',
      detail: 'welcome channel',
      error: true,
    })
    expect(dropOf(await decodeInbound(app(new Uint8Array([0xff, 0xff, 0xff])), alice))).toEqual({ reason: 'undecodable', error: true })
    // Framed as MLS (leading 0x00) but not an application message MLS can read.
    expect(dropOf(await decodeInbound(app(new Uint8Array([0x00, 0x01, 0x02])), alice))).toEqual({
      reason: 'decrypt-failed',
      detail: 'not an application message',
      error: false,
    })
    // An MLS application message whose plaintext is no AppMessage: undecodable, without a sender (not marked seen).
    const garbage = await decodeInbound(app(await bob.encrypt(new Uint8Array([0xff, 0xff, 0xff]))), dave)
    expect(dropOf(garbage)).toEqual({ reason: 'undecodable', error: true })
    expect(garbage.kind === 'dropped' && garbage.sender).toBe(undefined)
  })

  it('a commit where an application message belongs: not an application message', async () => {
    expect(dropOf(await decodeInbound(app(aliceCommitEpoch2), alice))).toEqual({
      reason: 'decrypt-failed',
      detail: 'not an application message',
      error: false,
    })
  })

  it('wrong epoch: the epoch we just left is read (its votes and chat count, not a removed member\'s), an older one is dropped, a future one is kept for the stash (MLS message and plaintext candidate)', async () => {
    // Bob is still at epoch 1, alice merged epoch 2: what bob sends now was in flight when she merged.
    const late = await decodeInbound(app(await chat(bob, 'late')), alice)
    expect(late.kind === 'chat' && [new TextDecoder().decode(late.body), late.epoch, toHex(late.sender)]).toEqual(['late', 1n, toHex(bob.memberId)])
    const vote = { voteId: 1, proposalId: 7, voteOwner: bob.memberId, vote: true, parentHash: new Uint8Array(0), receivedHash: new Uint8Array(0), voteHash: new Uint8Array(32), signature: new Uint8Array(65), timestamp: 1n }
    const lateVote = await decodeInbound(app(await bob.encrypt(encodeAppMessage({ vote, demlsVoteBindings: [new Uint8Array(65).fill(1)] }))), alice)
    expect(lateVote.kind === 'vote' && [lateVote.vote.proposalId, toHex(lateVote.sender), lateVote.binding?.length]).toEqual([7, toHex(bob.memberId), 65])
    const lateBan = await decodeInbound(app(await bob.encrypt(encodeAppMessage({ banRequest: { userToBan: dave.memberId } }))), alice)
    expect(dropOf(lateBan)).toEqual({ reason: 'late', detail: 'banRequest of the epoch we just left', error: false })
    // Two epochs back: a member of epoch 1 (fresh groups) reads nothing of it at epoch 3.
    const [x, y] = await Promise.all([4, 5].map((i) => defaultPlugins(keyFor(i))))
    const xg = await x!.createMls('two-back', now)
    await xg.createCommitCandidate([{ action: 'add', keyPackage: await y!.generateKeyPackage(now) }], { nowMs: now })
    const yg = (await y!.welcomeMls((await xg.mergeOwnCommit()).welcome!))!
    const [first, second] = [await chat(yg, 'one back'), await chat(yg, 'two back')]
    await xg.createCommitCandidate([], { nowMs: now })
    await xg.mergeOwnCommit()
    expect((await decodeInbound(app(first), xg)).kind).toBe('chat')
    await xg.createCommitCandidate([], { nowMs: now })
    await xg.mergeOwnCommit()
    expect(dropOf(await decodeInbound(app(second), xg))).toEqual({ reason: 'wrong-epoch', error: true })
    // A member the commit removed still holds the keys of the epoch it ended: what it frames there does not count.
    const z = await defaultPlugins(keyFor(6))
    await xg.createCommitCandidate([{ action: 'add', keyPackage: await z.generateKeyPackage(now) }], { nowMs: now })
    const zg = (await z.welcomeMls((await xg.mergeOwnCommit()).welcome!))!
    await xg.createCommitCandidate([{ action: 'remove', memberId: zg.memberId }], { nowMs: now })
    await xg.mergeOwnCommit()
    const removed = await decodeInbound(app(await chat(zg, 'still here?')), xg)
    expect(dropOf(removed)).toEqual({ reason: 'unauthorized', detail: 'a packet of the epoch we just left from a member no longer in the group', error: false })
    const future = await decodeInbound(app(aliceChatEpoch2), bob)
    expect(future).toEqual({ kind: 'future', epoch: 2n, payload: aliceChatEpoch2, of: 'message' })
    const candidate = encodeAppMessage({
      commitCandidate: { conversationId: text(ID), commitMessage: aliceCommitEpoch2, mlsProposals: [], stewardMemberId: alice.memberId },
    })
    expect(await decodeInbound(app(candidate), bob)).toEqual({ kind: 'future', epoch: 2n, payload: candidate, of: 'candidate' })
    const current = await decodeInbound(app(candidate), alice)
    expect(current.kind).toBe('commit-candidate')
  })

  it('the epoch we just left: a self-leave is read (its owner’s YES decides it at any epoch), any other proposal is late', async () => {
    // Bob is still at epoch 1 and leaves; alice merged epoch 2 meanwhile. Dropped, alice alone would never learn the leave.
    const proposal = (memberId: Uint8Array, owner: Uint8Array, expectedVotersCount: number) => ({
      name: 'self-leave',
      payload: encodeConversationUpdateRequest({ removeMember: { memberId } }),
      proposalId: 9,
      proposalOwner: owner,
      votes: [],
      expectedVotersCount,
      round: 1,
      timestamp: 1n,
      expirationTimestamp: 2n,
      livenessCriteriaYes: true,
    })
    const leave = await decodeInbound(app(await bob.encrypt(encodeAppMessage({ proposal: proposal(bob.memberId, bob.memberId, 1), demlsVoteBindings: [new Uint8Array(65).fill(1)] }))), alice)
    expect(leave.kind === 'proposal' && [leave.proposal.proposalId, toHex(leave.sender), leave.bindings.length]).toEqual([9, toHex(bob.memberId), 1])
    // Removing someone else, or for more voters: an ordinary proposal of a past epoch.
    for (const other of [proposal(dave.memberId, bob.memberId, 1), proposal(bob.memberId, bob.memberId, 3)]) {
      expect(dropOf(await decodeInbound(app(await bob.encrypt(encodeAppMessage({ proposal: other }))), alice))).toEqual({ reason: 'late', detail: 'proposal of the epoch we just left', error: false })
    }
  })

  it('a non-member sender: an outsider of a group with the same id and epoch cannot be read (decrypt-failed)', async () => {
    const outsider = await chat(carol, 'let me in')
    expect(dropOf(await decodeInbound(app(outsider), bob))).toEqual({ reason: 'decrypt-failed', error: true })
  })

  it('an encrypted AppMessage of each kind maps to its variant, with the MLS sender', async () => {
    const decode = async (message: Parameters<typeof encodeAppMessage>[0]) => decodeInbound(app(await bob.encrypt(encodeAppMessage(message))), dave)
    const aliceHex = toHex(alice.memberId)
    const own = await decode({ membershipChange: { conversationId: ID, member: bob.memberId, changeType: TypeMembershipChange.Add } })
    expect(own.kind === 'membership-notice' && toHex(own.sender)).toBe(toHex(bob.memberId))
    const other = await decode({ membershipChange: { conversationId: ID, member: alice.memberId, changeType: TypeMembershipChange.Add } })
    expect(dropOf(other)).toEqual({ reason: 'unauthorized', detail: 'membership notice for someone else', error: false })
    expect(other.kind === 'dropped' && toHex(other.sender!)).toBe(toHex(bob.memberId))
    const ban = await decode({ banRequest: { userToBan: alice.memberId } })
    expect(ban.kind === 'ban-request' && toHex(ban.request.userToBan)).toBe(aliceHex)
    const sync = await decode({ conversationSync: {} })
    expect(dropOf(sync)).toEqual({ reason: 'duplicate', detail: 'sync after join is a no-op', error: false })
    const control = await decode({ demlsControl: { proposalRequest: { proposalId: 1, memberId: bob.memberId } } })
    expect(dropOf(control)).toEqual({ reason: 'legacy', detail: 'encrypted control other than a steward list', error: false })
    const legacy = await decode({ userVote: {} })
    expect(dropOf(legacy)).toEqual({ reason: 'legacy', detail: 'userVote', error: false })
  })

  it('plaintext on the app channel: candidates, control and Welcomes pass; anything else must be encrypted', async () => {
    const plain = (m: Parameters<typeof encodeAppMessage>[0]) => decodeInbound(app(encodeAppMessage(m)), alice)
    expect(dropOf(await plain({ conversationMessage: { message: text('leak'), sender: alice.memberId, conversationId: ID } }))).toEqual({
      reason: 'unexpected-plaintext',
      detail: 'conversationMessage',
      error: false,
    })
    expect((await plain({ demlsControl: { proposalRequest: { proposalId: 1, memberId: bob.memberId } } })).kind).toBe('control')
    expect(dropOf(await plain({ memberWelcome: { welcomeBytes: new Uint8Array(0), conversationSyncBytes: new Uint8Array(0), joinerIdentities: [] } }))).toEqual({
      reason: 'undecodable',
      detail: 'empty welcome',
      error: false,
    })
    const welcome = { welcomeBytes: new Uint8Array([1]), conversationSyncBytes: new Uint8Array(0), joinerIdentities: [] }
    expect((await plain({ memberWelcome: welcome })).kind).toBe('member-welcome')
  })

  it('the welcome channel: announcements, probes, re-sent Welcomes; join statuses are not for members', async () => {
    const welcome = (m: Parameters<typeof encodeWelcomeChannelMessage>[0]) => decodeInbound({ subtopic: 'welcome', payload: encodeWelcomeChannelMessage(m) }, alice)
    expect((await welcome({ keyPackage: { keyPackageBytes: new Uint8Array([1]), memberId: bob.memberId } })).kind).toBe('key-package')
    expect((await welcome({ welcome: { welcomeBytes: new Uint8Array([1]), conversationSyncBytes: new Uint8Array(0), joinerIdentities: [] } })).kind).toBe(
      'welcome-offer',
    )
    expect((await welcome({ joinStatus: {} })).kind).toBe('not-for-members')
    expect((await welcome({})).kind).toBe('not-for-members')
  })

  it('decodePastChat reads a past epoch with retained keys: chat only', async () => {
    const past = await decodePastChat(bobChatEpoch1, alice)
    expect(past.kind === 'chat' && [new TextDecoder().decode(past.body), past.epoch, toHex(past.sender)]).toEqual(['hello at 1', 1n, toHex(bob.memberId)])
    expect(await decodePastChat(bobBanEpoch1, alice)).toEqual({ kind: 'dropped', drop: { reason: 'late', detail: 'backfilled banRequest of a past epoch' } })
    const replayed = await decodePastChat(bobChatEpoch1, alice)
    expect(replayed.kind === 'dropped' && replayed.drop.reason).toBe('decrypt-failed')
  })
})
