import { EthereumSigner } from '@demls/consensus'
import {
  JoinRejectReason,
  JoinStatusKind,
  type MemberInvitation,
  decodeJoinStatus,
  decodeMemberInvitation,
  encodeJoinStatus,
  encodeMemberInvitation,
  toHex,
} from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationEvent } from '../src/core/events.js'
import { InvitationLimitError, RejectedError } from '../src/errors.js'
import {
  type InviteComponents,
  SYNCED_INVITATIONS_MAX,
  adoptSyncedInvitations,
  invitationsForSync,
  onInvitation,
  sendInvitation,
  signInvitation,
} from '../src/join/invite.js'
import { signJoinStatus, verifyJoinStatus } from '../src/join/signing.js'
import {
  INVITATIONS_MAX,
  INVITATIONS_MAX_BYTES,
  INVITATIONS_PER_INVITER,
  INVITATION_ENTRY_MAX_BYTES,
  INVITATION_LIFETIME_MS,
  InvitationBook,
} from '../src/state/invitations.js'
import { keyFor } from './scenarios/harness.js'

const NOW = 1_700_000_000_000
/** A 20-byte id: `n` as the last two bytes under a tag byte. */
const id = (n: number, tag = 0xee) => {
  const b = new Uint8Array(20).fill(tag)
  b[18] = (n >> 8) & 0xff
  b[19] = n & 0xff
  return b
}
/** An unsigned invitation (the book does not check signatures: its callers do). */
const inv = (inviter: number, invitee: number, at = NOW): MemberInvitation => ({
  inviter: id(inviter, 0xaa),
  invitee: id(invitee),
  issuedAtMs: BigInt(at),
  signature: new Uint8Array(65),
})
const expiry = (at = NOW) => at + INVITATION_LIFETIME_MS

describe('InvitationBook: bounded by refusing, never by evicting', () => {
  it(`one inviter's ${INVITATIONS_PER_INVITER + 1}th open invitation is refused ('per-inviter'); the first ones stay, a renewal fits, another inviter's fits`, () => {
    const book = new InvitationBook()
    for (let k = 0; k < INVITATIONS_PER_INVITER; k++) expect(book.add(inv(1, k), expiry())).toBe('added')
    expect(book.add(inv(1, 1000), expiry())).toBe('per-inviter')
    expect(book.size).toBe(INVITATIONS_PER_INVITER)
    // The oldest is still held: nothing was evicted for the refused one.
    expect(book.all()[0]!.invitation.invitee).toEqual(id(0))
    expect(book.holds(toHex(id(1, 0xaa)), toHex(id(1000)))).toBe(false)
    // Renewing a held one (newer issued-at) needs no room; an older copy is a duplicate.
    expect(book.add(inv(1, 0, NOW + 5), expiry(NOW + 5))).toBe('added')
    expect(book.add(inv(1, 0, NOW), expiry())).toBe('duplicate')
    expect(book.add(inv(2, 1000), expiry())).toBe('added')
    expect(book.heldFrom(toHex(id(1, 0xaa)))).toBe(INVITATIONS_PER_INVITER)
    expect(book.wouldExceed(toHex(id(1, 0xaa)), toHex(id(2000)))).toBe('per-inviter')
    expect(book.wouldExceed(toHex(id(1, 0xaa)), toHex(id(0)))).toBeUndefined()
  })

  it(`${INVITATIONS_MAX} open invitations in all: the next is refused ('total'), none is evicted; the bound in bytes is ${INVITATIONS_MAX_BYTES}`, () => {
    expect(INVITATIONS_MAX_BYTES).toBe(INVITATIONS_MAX * INVITATION_ENTRY_MAX_BYTES)
    expect(INVITATIONS_MAX_BYTES).toBeLessThanOrEqual(600 * 1024)
    const book = new InvitationBook()
    const inviters = INVITATIONS_MAX / INVITATIONS_PER_INVITER
    for (let i = 0; i < inviters; i++) for (let k = 0; k < INVITATIONS_PER_INVITER; k++) expect(book.add(inv(i, k), expiry())).toBe('added')
    expect(book.size).toBe(INVITATIONS_MAX)
    expect(book.add(inv(inviters, 0), expiry())).toBe('total')
    expect(book.size).toBe(INVITATIONS_MAX)
    expect(book.all()[0]!.invitation.invitee).toEqual(id(0))
  })

  it('an invitation ends only by expiry, use (its invitee is a member) or revocation (its inviter is not), which frees its room', () => {
    const book = new InvitationBook()
    for (let k = 0; k < INVITATIONS_PER_INVITER; k++) book.add(inv(1, k), expiry())
    book.add(inv(2, 500), expiry())
    const inviter1 = toHex(id(1, 0xaa))
    const members = new Set([inviter1, toHex(id(2, 0xaa))])
    // Nothing ends by itself.
    book.prune(NOW + 1, (h) => members.has(h))
    expect(book.size).toBe(INVITATIONS_PER_INVITER + 1)
    // Invitee 3 joined: its invitation was used.
    members.add(toHex(id(3)))
    book.prune(NOW + 1, (h) => members.has(h))
    expect(book.size).toBe(INVITATIONS_PER_INVITER)
    expect(book.add(inv(1, 1000), expiry())).toBe('added')
    // Inviter 2 left: its invitation no longer vouches and is forgotten.
    members.delete(toHex(id(2, 0xaa)))
    book.prune(NOW + 1, (h) => members.has(h))
    expect(book.all().some((h) => toHex(h.invitation.inviter) === toHex(id(2, 0xaa)))).toBe(false)
    // Expiry, with no membership given.
    book.prune(expiry())
    expect(book.size).toBe(0)
    expect(book.heldFrom(inviter1)).toBe(0)
  })
})

describe('join/invite: a member flooding invitations over the wire', () => {
  const [alice, bob, mallory] = [0, 1, 2].map((i) => new EthereumSigner(keyFor(i)))
  const members = () => new Set([alice!, bob!, mallory!].map((s) => toHex(s.identity)))
  /** Alice's view of a group of alice, bob and mallory. */
  const view = () => {
    const events: ConversationEvent[] = []
    const isMember = members()
    const v: InviteComponents = {
      id: 'chat',
      memberId: alice!.identity,
      isMemberHex: (h) => isMember.has(h),
      invitations: new InvitationBook(),
      plugins: { consensus: { signer: alice! } },
      emit: (e) => void events.push(e),
      sendEncrypted: async () => undefined,
    }
    return { v, events, isMember }
  }
  const signed = (signer: EthereumSigner, invitee: Uint8Array, at = NOW) =>
    decodeMemberInvitation(encodeMemberInvitation(signInvitation(signer, 'chat', invitee, at)))

  it(`past ${INVITATIONS_PER_INVITER}, the flooder's invitations are refused with a logged invitation-limit drop; bob's invitation, held before and after, stays`, () => {
    const { v, events } = view()
    onInvitation(v, signed(bob!, id(7)), bob!.identity, NOW)
    for (let k = 0; k < INVITATIONS_PER_INVITER + 10; k++) onInvitation(v, signed(mallory!, id(k, 0x11)), mallory!.identity, NOW)
    onInvitation(v, signed(bob!, id(8)), bob!.identity, NOW)
    const drops = events.filter((e): e is Extract<ConversationEvent, { type: 'dropped' }> => e.type === 'dropped')
    expect(drops).toHaveLength(10)
    expect(new Set(drops.map((d) => `${d.reason}: ${d.detail}`))).toEqual(
      new Set([`invitation-limit: inviter ${toHex(mallory!.identity)} holds ${INVITATIONS_PER_INVITER} open invitations`]),
    )
    const held = v.invitations.all().map((h) => `${toHex(h.invitation.inviter)}>${toHex(h.invitation.invitee)}`)
    expect(held).toContain(`${toHex(bob!.identity)}>${toHex(id(7))}`)
    expect(held).toContain(`${toHex(bob!.identity)}>${toHex(id(8))}`)
    // The flooder's first ones are the ones kept.
    expect(held).toContain(`${toHex(mallory!.identity)}>${toHex(id(0, 0x11))}`)
    expect(held).not.toContain(`${toHex(mallory!.identity)}>${toHex(id(INVITATIONS_PER_INVITER, 0x11))}`)
    expect(v.invitations.heldFrom(toHex(mallory!.identity))).toBe(INVITATIONS_PER_INVITER)
  })

  it('our own invitation past our bound throws InvitationLimitError and is neither kept nor sent', async () => {
    const { v, events } = view()
    let sent = 0
    v.sendEncrypted = async () => void sent++
    for (let k = 0; k < INVITATIONS_PER_INVITER; k++) await sendInvitation(v, id(k), NOW)
    const err = await sendInvitation(v, id(999), NOW).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvitationLimitError)
    expect(err).toMatchObject({ code: 'INVITATION_LIMIT', reason: 'per-inviter', limit: INVITATIONS_PER_INVITER, held: INVITATIONS_PER_INVITER })
    expect((err as Error).message).toContain('wait until invitees join or invitations expire')
    expect(sent).toBe(INVITATIONS_PER_INVITER)
    expect(events.filter((e) => e.type === 'invite')).toHaveLength(INVITATIONS_PER_INVITER)
    // A renewal fits.
    await sendInvitation(v, id(0), NOW + 1)
    expect(sent).toBe(INVITATIONS_PER_INVITER + 1)
  })

  it(`the sync takes each inviter's newest in turns, up to ${SYNCED_INVITATIONS_MAX}: flooders cannot crowd an honest inviter out; a joiner keeps them all`, () => {
    const { v } = view()
    const signers = Array.from({ length: 9 }, (_, i) => new EthereumSigner(keyFor(20 + i)))
    const all = new Set([...members(), ...signers.map((s) => toHex(s.identity))])
    v.isMemberHex = (h) => all.has(h)
    // Eight flooders at their bound (512), then an honest inviter's 30.
    for (const s of signers.slice(0, 8)) for (let k = 0; k < INVITATIONS_PER_INVITER; k++) onInvitation(v, signed(s, id(k, s.identity[0]!)), s.identity, NOW)
    for (let k = 0; k < 30; k++) onInvitation(v, signed(bob!, id(k, 0x22)), bob!.identity, NOW + 1)
    expect(v.invitations.size).toBe(8 * INVITATIONS_PER_INVITER + 30)
    const synced = invitationsForSync(v, NOW + 2)
    expect(synced).toHaveLength(SYNCED_INVITATIONS_MAX)
    expect(synced.filter((i) => toHex(i.inviter) === toHex(bob!.identity))).toHaveLength(30)
    // A joiner (another member's view) takes them, each verified again.
    const joiner = view()
    joiner.v.isMemberHex = (h) => all.has(h)
    adoptSyncedInvitations(joiner.v, synced, NOW + 2)
    expect(joiner.v.invitations.size).toBe(SYNCED_INVITATIONS_MAX)
    expect(joiner.events.filter((e) => e.type === 'dropped')).toEqual([])
    // Used ones are not synced: a member's invitee is in already.
    all.add(toHex(id(0, 0x22)))
    expect(invitationsForSync(v, NOW + 2).some((i) => toHex(i.invitee) === toHex(id(0, 0x22)))).toBe(false)
  }, 60_000)
})

describe('the reason of a REJECTED status is signed with it', () => {
  const member = new EthereumSigner(keyFor(0))
  const fields = {
    conversationId: 'chat',
    joiner: id(5),
    status: JoinStatusKind.JOIN_STATUS_REJECTED,
    proposalId: 7,
    epoch: 3n,
    keyPackageHash: new Uint8Array(32).fill(1),
    signedAtMs: NOW,
    rejectReason: JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED,
  }
  it('verifies as signed; with the reason altered, added or removed it does not', () => {
    const status = decodeJoinStatus(encodeJoinStatus(signJoinStatus(member, fields)))
    expect(status.rejectReason).toBe(JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED)
    expect(verifyJoinStatus(member, status)).toBe(true)
    for (const rejectReason of [JoinRejectReason.JOIN_REJECT_REASON_VOTED_NO, JoinRejectReason.JOIN_REJECT_REASON_UNSPECIFIED, 42]) {
      expect(verifyJoinStatus(member, decodeJoinStatus(encodeJoinStatus({ ...status, rejectReason })))).toBe(false)
    }
    const bare = decodeJoinStatus(encodeJoinStatus(signJoinStatus(member, { ...fields, rejectReason: 0 })))
    expect(verifyJoinStatus(member, { ...bare, rejectReason: JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED })).toBe(false)
  })

  it('RejectedError says why and what to do; no reason is unknown', () => {
    const err = new RejectedError('soak', 1234, 7, id(1), 'not-invited')
    expect(err.reason).toBe('not-invited')
    expect(err.shortMessage).toBe(
      'the members of soak rejected our join (proposal 7) after 1234 ms: we were not invited: ask a member for an invitation (an invite link) and join again, or knock (join again and ask a member to vote YES)',
    )
    expect(new RejectedError('soak', 1, 7, id(1)).reason).toBe('unknown')
    expect(err.code).toBe('JOIN_REJECTED')
  })
})
