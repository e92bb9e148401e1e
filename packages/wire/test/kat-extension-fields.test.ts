// Known answers for the demls extension field 100 (AppMessage.demls_control,
// ConversationSync.demls_plugins), read exactly as the Rust reference (prost,
// to which field 100 is unknown) reads the same bytes. Every byte string is
// written out by hand:
//   0x22 = field 4 (vote), wire type 2          0x0a = field 1, wire type 2
//   0xa2 0x06 = field 100, wire type 2          0xa0 0x06 = field 100, wire type 0
//   0x4a = field 9 (conversation_sync), wt 2    0x18 = field 3 (sn_min), wire type 0
//   0x20 = field 4, wire type 0 (wrong for an embedded message)
//   `0a 05 01` = field 1, length 5, one byte: a truncated message.
import { describe, expect, it } from 'vitest'
import {
  DecodeError,
  JoinRejectReason,
  JoinStatusKind,
  KnockAnswerKind,
  decodeAppMessage,
  decodeConversationSync,
  decodeConversationUpdateRequest,
  decodeJoinStatus,
  decodeMemberInvite,
  decodeWelcomeChannelMessage,
  encodeAppMessage,
  encodeConversationSync,
  encodeJoinStatus,
  encodeMemberInvite,
  encodeWelcomeChannelMessage,
} from '../src/index.js'

const h = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => Number.parseInt(b, 16))

describe('field 100 is read as the reference reads it', () => {
  it('2200a20600: a vote followed by field 100 is a vote (prost skips field 100)', () => {
    const m = decodeAppMessage(h('2200 a20600'))
    expect(m.payload).toBe('vote')
    expect(m.vote).toBeDefined()
    expect(m.demlsControl).toBeUndefined()
  })

  it('a206002200: field 100 before a vote is a vote too', () => {
    const m = decodeAppMessage(h('a20600 2200'))
    expect(m.payload).toBe('vote')
    expect(m.demlsControl).toBeUndefined()
  })

  it('two reference payloads: the last one on the wire wins (prost oneof semantics)', () => {
    expect(decodeAppMessage(h('0a00 2200')).payload).toBe('vote')
    expect(decodeAppMessage(h('2200 0a00')).payload).toBe('conversationMessage')
    expect(decodeAppMessage(h('2200 a20600 0a00')).payload).toBe('conversationMessage')
  })

  it('malformed content inside field 100 next to a reference payload does not fail the message', () => {
    const m = decodeAppMessage(h('2200 a206030a0501'))
    expect(m.payload).toBe('vote')
    expect(m.demlsControl).toBeUndefined()
  })

  it('malformed field 100 alone: a message with no payload (prost accepts it with payload None)', () => {
    const m = decodeAppMessage(h('a206030a0501'))
    expect(m.payload).toBeUndefined()
    expect(m.demlsControl).toBeUndefined()
  })

  it('field 100 alone and well formed is our control message (the reference sees no payload)', () => {
    const bytes = encodeAppMessage({ demlsControl: { commitRequest: { fromEpoch: 3n } } })
    expect(decodeAppMessage(bytes).payload).toBe('demlsControl')
    expect(decodeAppMessage(h('a20600')).payload).toBe('demlsControl')
  })

  it('field 100 with another wire type is skipped (both libraries)', () => {
    expect(decodeAppMessage(h('2200 a00601')).payload).toBe('vote')
    expect(decodeAppMessage(h('a00601')).payload).toBeUndefined()
  })

  it('a reference payload field with a wrong wire type is an error, as in prost (it is not read as field 100 or ignored)', () => {
    expect(() => decodeAppMessage(h('2000'))).toThrow(DecodeError)
    expect(() => decodeAppMessage(h('2000 a20600'))).toThrow(DecodeError)
  })

  it('ConversationSync: malformed demls_plugins entries are skipped, valid ones kept', () => {
    const sync = decodeConversationSync(h('1801 a206030a0501'))
    expect(sync.snMin).toBe(1)
    expect(sync.demlsPlugins).toEqual([])
    // Invalid UTF-8 in a plug-in id: prost never looks inside field 100.
    expect(decodeConversationSync(h('1801 a206030a01ff')).snMin).toBe(1)
    const good = encodeConversationSync({ snMin: 1, demlsPlugins: [{ role: 'mls', id: 'x', version: '1' }] })
    const mixed = new Uint8Array([...good, ...h('a206030a0501')])
    expect(decodeConversationSync(mixed).demlsPlugins).toEqual([{ role: 'mls', id: 'x', version: '1' }])
  })

  it('a ConversationSync nested in an AppMessage gets the same treatment', () => {
    // 4a 08 | 18 01 a2 06 03 0a 05 01
    const m = decodeAppMessage(h('4a08 1801a206030a0501'))
    expect(m.payload).toBe('conversationSync')
    expect(m.conversationSync?.snMin).toBe(1)
    expect(m.conversationSync?.demlsPlugins).toEqual([])
  })

  it('well-formed messages decode unchanged (round trip)', () => {
    const bytes = encodeAppMessage({
      conversationSync: { snMin: 1, snMax: 2, demlsPlugins: [{ role: 'consensus', id: 'hashgraph-like', version: '0.5.1' }] },
    })
    const m = decodeAppMessage(bytes)
    expect(m.conversationSync?.demlsPlugins).toEqual([{ role: 'consensus', id: 'hashgraph-like', version: '0.5.1' }])
    expect(encodeAppMessage({ conversationSync: m.conversationSync! })).toEqual(bytes)
  })
})

// Admission by invitation (demls extension): ConversationSync.demls_admission
// (field 110, varint: tag 110<<3|0 = 880 = f0 06), demls_invitations (field
// 111, length-delimited: tag 890 = fa 06) and DemlsControl.invitation (field
// 20: tag 162 = a2 01) inside AppMessage.demls_control (a2 06).
describe('admission extension fields', () => {
  it('ConversationSync: demls_admission = INVITE is f0 06 02; an invitation is fa 06 …; both absent by default', () => {
    expect(encodeConversationSync({ demlsAdmission: 2 })).toEqual(h('f006 02'))
    const inv = { inviter: h('aa'), invitee: h('bb'), issuedAtMs: 5n, signature: h('cc') }
    // MemberInvitation: 0a 01 aa, 12 01 bb, 18 05, 22 01 cc = 11 bytes.
    expect(encodeConversationSync({ demlsInvitations: [inv] })).toEqual(h('fa06 0b 0a01aa 1201bb 1805 2201cc'))
    const back = decodeConversationSync(h('f006 01 fa06 0b 0a01aa 1201bb 1805 2201cc'))
    expect(back.demlsAdmission).toBe(1)
    expect(back.demlsInvitations).toEqual([inv])
    expect(decodeConversationSync(h('1803')).demlsAdmission).toBe(0)
  })

  it('AppMessage.demls_control.invitation is a2 06 … a2 01 …; a reference peer sees no payload', () => {
    const invitation = { inviter: h('aa'), invitee: h('bb'), issuedAtMs: 5n, signature: h('cc') }
    const bytes = encodeAppMessage({ demlsControl: { invitation } })
    expect(bytes).toEqual(h('a206 0e a201 0b 0a01aa 1201bb 1805 2201cc'))
    expect(decodeAppMessage(bytes).demlsControl?.invitation).toEqual(invitation)
  })
})

// Admission evidence on a join (demls): MemberInvite.demls_invitation
// (field 100, length-delimited: tag 802 = a2 06), inside a proposal's payload
// (ConversationUpdateRequest.member_invite, field 1: 0a). prost skips it.
describe('join proposal invitation', () => {
  const inv = { inviter: h('aa'), invitee: h('bb'), issuedAtMs: 5n, signature: h('cc') }
  it('MemberInvite: demls_invitation is a2 06 … after member_id; absent by default (a reference announcement)', () => {
    expect(encodeMemberInvite({ keyPackageBytes: h('01'), memberId: h('02'), demlsInvitation: inv })).toEqual(h('0a0101 120102 a206 0b 0a01aa1201bb18052201cc'))
    expect(decodeMemberInvite(h('0a0101 120102')).demlsInvitation).toBeUndefined()
    const request = decodeConversationUpdateRequest(h('0a14 0a0101 120102 a206 0b 0a01aa1201bb18052201cc'))
    expect(request.memberInvite?.demlsInvitation).toEqual(inv)
    expect(request.memberInvite?.memberId).toEqual(h('02'))
  })

  it('a malformed attachment is dropped, the join it rides on kept (as prost reads it)', () => {
    // a2 06 03 0a 05 01: a MemberInvitation whose field 1 is truncated.
    const request = decodeConversationUpdateRequest(h('0a0c 0a0101 120102 a206030a0501'))
    expect(request.payload).toBe('memberInvite')
    expect(request.memberInvite?.keyPackageBytes).toEqual(h('01'))
    expect(request.memberInvite?.demlsInvitation).toBeUndefined()
    expect(decodeMemberInvite(h('0a0101 120102 a206030a0501')).demlsInvitation).toBeUndefined()
    // Field 100 as a varint (a0 06 05) is skipped too.
    expect(decodeMemberInvite(h('0a0101 120102 a00605')).memberId).toEqual(h('02'))
  })
})

// Invite links (demls): MemberInvite.demls_link_proof (field 101: tag 810 =
// aa 06), DemlsControl.invite_link (21: tag 170 = aa 01) and
// invite_link_revocation (22: b2 01), ConversationSync.demls_invite_links
// (112: tag 898 = 82 07) and demls_link_revocations (113: 8a 07).
describe('invite link fields', () => {
  // InviteLinkRecord: link_key 0a 01 11, creator 12 01 22, uses 18 01, issued 20 05, expires 28 09, address 32 01 61, signature 3a 01 cc = 18 bytes.
  const record = { linkKey: h('11'), creator: h('22'), uses: 1, issuedAtMs: 5n, expiresAtMs: 9n, addresses: ['a'], signature: h('cc') }
  const recordHex = '0a0111 120122 1801 2005 2809 320161 3a01cc'
  it('MemberInvite: demls_link_proof is aa 06 … (record 0a …, signature 12 …); a malformed one is dropped, the join kept', () => {
    const proof = { record, signature: h('dd') }
    expect(encodeMemberInvite({ keyPackageBytes: h('01'), memberId: h('02'), demlsLinkProof: proof })).toEqual(h(`0a0101 120102 aa06 17 0a12 ${recordHex} 1201dd`))
    const request = decodeConversationUpdateRequest(h('0a0c 0a0101 120102 aa06030a0501'))
    expect(request.memberInvite?.memberId).toEqual(h('02'))
    expect(request.memberInvite?.demlsLinkProof).toBeUndefined()
  })

  it('DemlsControl: invite_link aa 01, invite_link_revocation b2 01; ConversationSync: 82 07 and 8a 07', () => {
    expect(encodeAppMessage({ demlsControl: { inviteLink: record } })).toEqual(h(`a206 15 aa01 12 ${recordHex}`))
    const revocation = { linkKey: h('11'), revoker: h('22'), revokedAtMs: 7n, signature: h('cc') }
    expect(encodeAppMessage({ demlsControl: { inviteLinkRevocation: revocation } })).toEqual(h('a206 0e b201 0b 0a0111 120122 1807 2201cc'))
    expect(encodeConversationSync({ demlsInviteLinks: [{ record, admitted: [h('33')] }], demlsLinkRevocations: [revocation] })).toEqual(
      h(`8207 17 0a12 ${recordHex} 120133  8a07 0b 0a0111 120122 1807 2201cc`),
    )
  })
})

// Aggregation key bindings (demls, issue 55): MemberInvite.demls_bls_binding
// (field 102, a DemlsBlsBinding message: tag 102<<3|2 = 818 = b2 06) and
// ConversationSync.demls_bls_bindings (repeated bytes 114: tag 914 = 92 07).
// Absent, neither writes a byte: the default plug-in's messages are unchanged.
describe('BLS key binding fields', () => {
  it('MemberInvite: demls_bls_binding is b2 06 … (key_binding 0a …); absent it writes nothing and decodes as undefined', () => {
    expect(encodeMemberInvite({ keyPackageBytes: h('01'), memberId: h('02'), demlsBlsBinding: { keyBinding: h('aabb') } })).toEqual(h('0a0101 120102 b206 04 0a02aabb'))
    expect(encodeMemberInvite({ keyPackageBytes: h('01'), memberId: h('02') })).toEqual(h('0a0101 120102'))
    expect(decodeMemberInvite(h('0a0101 120102')).demlsBlsBinding).toBeUndefined()
    expect(decodeMemberInvite(h('0a0101 120102 b206 04 0a02aabb')).demlsBlsBinding).toEqual({ keyBinding: h('aabb') })
  })

  it('ConversationSync: demls_bls_bindings is 92 07 per binding; none writes nothing', () => {
    expect(encodeConversationSync({ demlsBlsBindings: [h('aa'), h('bbcc')] })).toEqual(h('9207 01aa 9207 02bbcc'))
    expect(encodeConversationSync({ demlsBlsBindings: [] })).toEqual(h(''))
    expect(decodeConversationSync(h('9207 01aa')).demlsBlsBindings).toEqual([h('aa')])
  })
})

// Why a joiner was refused (demls): JoinStatus.reject_reason (field 100,
// varint: tag 100<<3|0 = 800 = a0 06), after the signature (field 9), and
// written into the bytes a member signs (the encoding with an empty
// signature), so it cannot be changed without breaking the signature.
describe('join rejection reason', () => {
  const base = '1803 4a01 04' // status (3<<3|0) REJECTED, signature (9<<3|2) 04
  it('JoinStatus: reject_reason NOT_INVITED is a0 06 01 after the signature; absent (0) by default and from older members', () => {
    const status = { status: JoinStatusKind.JOIN_STATUS_REJECTED, signature: h('04'), rejectReason: JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED }
    expect(encodeJoinStatus(status)).toEqual(h(`${base} a006 01`))
    expect(decodeJoinStatus(h(`${base} a006 01`)).rejectReason).toBe(1)
    expect(decodeJoinStatus(h(base)).rejectReason).toBe(JoinRejectReason.JOIN_REJECT_REASON_UNSPECIFIED)
    expect(encodeJoinStatus({ ...status, rejectReason: 0 })).toEqual(h(base))
    // A value from a newer member is kept as its number (the joiner reads it as unspecified).
    expect(decodeJoinStatus(h(`${base} a006 09`)).rejectReason).toBe(9)
    // What the member signs carries the reason.
    expect(encodeJoinStatus({ ...status, signature: null })).toEqual(h('1803 a006 01'))
    expect([JoinRejectReason.JOIN_REJECT_REASON_VOTED_NO, JoinRejectReason.JOIN_REJECT_REASON_KEY_PACKAGE_EXPIRED]).toEqual([2, 3])
    // Invite links: spent, expired, revoked, invalid.
    expect([
      JoinRejectReason.JOIN_REJECT_REASON_LINK_SPENT,
      JoinRejectReason.JOIN_REJECT_REASON_LINK_EXPIRED,
      JoinRejectReason.JOIN_REJECT_REASON_LINK_REVOKED,
      JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID,
    ]).toEqual([4, 5, 6, 7])
  })
})

// Knock to join (demls): WelcomeChannelMessage.demls_knock (field 100, tag
// 802 = a2 06) and demls_knock_answer (101, tag 810 = aa 06), numbered apart
// from the reference's welcome (2) and the joiner handshake (10-13).
describe('knock fields', () => {
  it('demls_knock is a2 06 …, demls_knock_answer aa 06 …; the answer kinds are 1 and 2', () => {
    expect(encodeWelcomeChannelMessage({ demlsKnock: { conversationId: 'c', knocker: h('11'), note: 'hi', expiresAtMs: 9n } })).toEqual(
      h('a206 0c 0a0163 120111 22026869 3809'),
    )
    expect(encodeWelcomeChannelMessage({ demlsKnockAnswer: { conversationId: 'c', knockId: h('22'), answer: KnockAnswerKind.KNOCK_ANSWER_DECLINED } })).toEqual(
      h('aa06 08 0a0163 120122 2002'),
    )
    expect([KnockAnswerKind.KNOCK_ANSWER_LET_IN, KnockAnswerKind.KNOCK_ANSWER_DECLINED]).toEqual([1, 2])
    const back = decodeWelcomeChannelMessage(h('a206 0c 0a0163 120111 22026869 3809'))
    expect(back.body).toBe('demlsKnock')
    expect(back.demlsKnock?.note).toBe('hi')
  })

  it('the reference-compatible welcome channel fields keep their bytes', () => {
    // The reference-compatible fields keep their bytes: a key package announcement is 52 …, as before.
    expect(encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: h('01'), memberId: h('02') } })).toEqual(h('5206 0a0101 120102'))
  })
})
