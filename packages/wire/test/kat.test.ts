// Known-answer tests: every expected byte string below is written out by
// hand from the protobuf encoding rules, NOT produced by an encoder.
//
// Rules used (proto3, the canonical form prost emits):
// * tag = (field_number << 3) | wire_type, as a varint. Wire type 0 =
//   varint (uint32, uint64, int64, bool, enum), 2 = length-delimited
//   (string, bytes, embedded message). Fields 1..15 have one-byte tags,
//   16..2047 two-byte tags (low 7 bits | 0x80, then the rest).
// * varint: little-endian groups of 7 bits, continuation bit 0x80 on every
//   byte but the last. No zigzag (there are no sint fields). A negative
//   int64/int32 is its 64-bit two's complement: always 10 bytes.
// * length-delimited: tag, varint byte length, bytes.
// * fields in ascending field-number order; proto3 defaults (0, false, '',
//   empty bytes, empty repeated, unset message) are omitted; an embedded
//   message that IS set is written even when empty (tag + length 0).
// * repeated scalars would be packed, but this schema has no repeated
//   numeric fields: every repeated field is `bytes` or a message, which are
//   never packed (one tag per element, empty elements included).
import { describe, expect, it } from 'vitest'
import {
  InvalidMessageError,
  Subtopic,
  ViolationType,
  decodeAppMessage,
  decodeCommitRequest,
  decodeEpochAttestation,
  decodeStewardListNotice,
  encodeDemlsControl,
  encodeDemlsAggregateVote,
  decodeDemlsAggregateVote,
  encodeDemlsAggregateProof,
  encodeApprovalCertificate,
  decodeApprovalCertificate,
  encodeCommitRequest,
  encodeEpochAttestation,
  encodeStewardListNotice,
  decodeCommitCandidate,
  decodeConversationSync,
  decodeConversationUpdateRequest,
  decodeEnvelope,
  decodeMemberWelcome,
  decodeProposal,
  decodeStewardElectionProposal,
  decodeTransportEnvelope,
  decodeViolationEvidence,
  decodeVote,
  decodeVotePayload,
  decodeWelcomeChannelMessage,
  encodeAppMessage,
  encodeBanRequest,
  encodeCommitCandidate,
  encodeConversationMessage,
  encodeConversationSync,
  encodeConversationUpdateRequest,
  encodeEnvelope,
  encodeMemberWelcome,
  encodePeerScore,
  encodeProposal,
  encodeStewardElectionProposal,
  encodeTimingConfig,
  encodeTransportEnvelope,
  encodeViolationEvidence,
  encodeVote,
  encodeVotePayload,
  encodeWelcomeChannelMessage,
  JoinStatusKind,
  decodeJoinBeacon,
  decodeJoinProbe,
  decodeJoinStatus,
  encodeJoinBeacon,
  encodeJoinProbe,
  encodeJoinStatus,
} from '../src/index.js'

/** Hex (spaces and `|` allowed as separators) to bytes. */
const hex = (s: string): Uint8Array => {
  const clean = s.replace(/[\s|]+/g, '')
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16)
  return out
}
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const expectBytes = (actual: Uint8Array, expected: string) => expect(toHex(actual)).toBe(toHex(hex(expected)))
const E = new Uint8Array(0)

describe('Vote (consensus.v1, fields 20..28)', () => {
  const vote = {
    voteId: 300,
    voteOwner: hex('01020304'),
    proposalId: 0xffffffff,
    timestamp: 1_700_000_000n,
    vote: true,
    parentHash: hex('a0a1'),
    receivedHash: hex('b0b1'),
    voteHash: hex('c0c1c2'),
    signature: hex('d0d1d2d3'),
  }
  // Two-byte tags: 20<<3|0 = 160 = 0xa0 -> a0 01; 21<<3|2 = 170 -> aa 01;
  // 22<<3|0 = 176 -> b0 01; 23<<3|0 = 184 -> b8 01; 24<<3|0 = 192 -> c0 01;
  // 25<<3|2 = 202 -> ca 01; 26<<3|2 = 210 -> d2 01; 27<<3|2 = 218 -> da 01;
  // 28<<3|2 = 226 -> e2 01.
  const expected = [
    'a001 ac02', // vote_id 300 = 2*128 + 44: 0x2c|0x80 = ac, 02
    'aa01 04 01020304', // vote_owner, len 4
    'b001 ffffffff0f', // proposal_id 2^32-1: four groups of 7 ones (ff) + 4 ones (0f)
    // timestamp 1700000000 = 0x6553f100; 7-bit groups from the low end:
    // 0x00, 0x62, 0x4f, 0x2a, 0x06 -> 80 e2 cf aa 06
    'b801 80e2cfaa06',
    'c001 01', // vote true
    'ca01 02 a0a1', // parent_hash
    'd201 02 b0b1', // received_hash
    'da01 03 c0c1c2', // vote_hash
    'e201 04 d0d1d2d3', // signature
  ].join('')

  it('encodes every field in ascending order', () => {
    expectBytes(encodeVote(vote), expected)
  })
  it('round-trips', () => {
    expect(decodeVote(hex(expected))).toStrictEqual(vote)
  })
  it('accepts a safe-integer number for a uint64 field with identical bytes', () => {
    expectBytes(encodeVote({ ...vote, timestamp: 1_700_000_000 }), expected)
  })
  it('uint32: a negative int32 is its two\'s complement (protobufjs `>>> 0`); other values are refused', () => {
    // -1 >>> 0 = 2^32-1 -> ff ff ff ff 0f (5 bytes, NOT the 10-byte int32 form)
    expectBytes(encodeVote({ voteId: -1 }), 'a001 ffffffff0f')
    expect(decodeVote(hex('a001 ffffffff0f')).voteId).toBe(0xffffffff)
    for (const bad of [2 ** 32, -(2 ** 31) - 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeVote({ voteId: bad }), String(bad)).toThrow(InvalidMessageError)
    }
  })
  it('the signing payload (Vote with empty signature) simply drops field 28', () => {
    expectBytes(encodeVote({ ...vote, signature: E }), expected.slice(0, expected.indexOf('e201')))
  })
})

describe('Proposal with two embedded votes (fields 10..19)', () => {
  const v1 = { voteId: 1, voteOwner: hex('bb'), proposalId: 7, timestamp: 1001n, vote: true }
  const v2 = { voteId: 2, voteOwner: hex('cc'), proposalId: 7, timestamp: 0n, vote: false }
  // v1: a001 01 | aa01 01 bb | b001 07 | b801 e907 (1001 = 7*128 + 105: 0x69|0x80, 07) | c001 01
  //     = 3 + 4 + 3 + 4 + 3 = 17 = 0x11 bytes
  const v1Bytes = 'a00101 aa0101bb b00107 b801e907 c00101'
  // v2: timestamp 0 and vote false omitted: a001 02 | aa01 01 cc | b001 07 = 10 = 0x0a bytes
  const v2Bytes = 'a00102 aa0101cc b00107'
  const expected = [
    '52 02 6162', // name (10<<3|2 = 82 = 0x52) "ab"
    '5a 02 0102', // payload (11<<3|2 = 90 = 0x5a)
    '60 07', // proposal_id (12<<3|0 = 96 = 0x60)
    '6a 01 aa', // proposal_owner (13<<3|2 = 106 = 0x6a)
    `72 11 ${v1Bytes}`, // votes (14<<3|2 = 114 = 0x72), one tag per element
    `72 0a ${v2Bytes}`,
    '78 03', // expected_voters_count (15<<3|0 = 120 = 0x78)
    '8001 01', // round (16<<3|0 = 128 -> 80 01)
    '8801 e807', // timestamp (17<<3 = 136 -> 88 01); 1000 = 7*128 + 104: 0x68|0x80 = e8, 07
    '9001 c00c', // expiration (18<<3 = 144 -> 90 01); 1600 = 12*128 + 64: c0, 0c
    '9801 01', // liveness_criteria_yes (19<<3 = 152 -> 98 01)
  ].join('')
  const proposal = {
    name: 'ab',
    payload: hex('0102'),
    proposalId: 7,
    proposalOwner: hex('aa'),
    votes: [v1, v2],
    expectedVotersCount: 3,
    round: 1,
    timestamp: 1000n,
    expirationTimestamp: 1600n,
    livenessCriteriaYes: true,
  }

  it('encodes', () => {
    expectBytes(encodeProposal(proposal), expected)
  })
  it('round-trips with defaults filled in the votes', () => {
    const empty = { parentHash: E, receivedHash: E, voteHash: E, signature: E }
    expect(decodeProposal(hex(expected))).toStrictEqual({
      ...proposal,
      votes: [
        { ...v1, ...empty },
        { ...v2, ...empty },
      ],
    })
  })
})

describe('AppMessage (oneof payload)', () => {
  it('carries a vote as field 4', () => {
    // 4<<3|2 = 34 = 0x22; Vote{vote_id 5, proposal_id 9, vote true} =
    // a001 05 | b001 09 | c001 01 = 9 bytes
    const expected = '22 09 a00105 b00109 c00101'
    const bytes = encodeAppMessage({ vote: { voteId: 5, proposalId: 9, vote: true } })
    expectBytes(bytes, expected)
    const back = decodeAppMessage(bytes)
    expect(back.payload).toBe('vote')
    expect(back.vote).toStrictEqual({
      voteId: 5,
      voteOwner: E,
      proposalId: 9,
      timestamp: 0n,
      vote: true,
      parentHash: E,
      receivedHash: E,
      voteHash: E,
      signature: E,
    })
    expect(back.proposal).toBeUndefined()
  })
  it('writes a set but empty nested message as tag + length 0 (like prost)', () => {
    expectBytes(encodeAppMessage({ vote: {} }), '22 00')
    // an all-default Vote is the same empty message
    expectBytes(encodeAppMessage({ vote: { voteId: 0, timestamp: 0n, vote: false, signature: E } }), '22 00')
    const back = decodeAppMessage(hex('2200'))
    expect(back.payload).toBe('vote')
    expect(back.vote?.voteId).toBe(0)
    // field 9 (conversation_sync): 9<<3|2 = 74 = 0x4a
    expectBytes(encodeAppMessage({ conversationSync: {} }), '4a 00')
    expect(decodeAppMessage(hex('4a00')).payload).toBe('conversationSync')
  })
  it('with nothing set is zero bytes and decodes with no payload', () => {
    expectBytes(encodeAppMessage({}), '')
    const back = decodeAppMessage(E)
    expect(back.payload).toBeUndefined()
    // The one non-oneof field (demls extension 101) is always present, empty.
    expect(Object.keys(back)).toEqual(['demlsVoteBindings'])
    expect(back.demlsVoteBindings).toEqual([])
  })
  it('last oneof member on the wire wins (prost merge semantics)', () => {
    // vote (22 00) then vote_payload (5<<3|2 = 42 = 0x2a, 2a 00)
    const back = decodeAppMessage(hex('2200 2a00'))
    expect(back.payload).toBe('votePayload')
    expect(back.vote).toBeUndefined()
  })
  it('refuses two members set, or a payload tag naming another member', () => {
    expect(() => encodeAppMessage({ vote: {}, proposal: {} })).toThrow(InvalidMessageError)
    expect(() => encodeAppMessage({ payload: 'proposal', vote: {} })).toThrow(InvalidMessageError)
    // null members do not count
    expectBytes(encodeAppMessage({ payload: 'vote', vote: {}, proposal: null }), '2200')
  })
})

describe('CommitCandidate (repeated bytes)', () => {
  it('writes one tag per element, empty elements included', () => {
    const cc = {
      conversationId: hex('63'),
      mlsProposals: [hex('0102'), E, hex('03')],
      commitMessage: hex('ff'),
      stewardMemberId: hex('abcd'),
    }
    const expected = [
      '0a 01 63', // conversation_id (1<<3|2 = 0x0a)
      '12 02 0102', // mls_proposals (2<<3|2 = 0x12), element 0
      '12 00', // element 1: empty, still written (repeated elements are never "default")
      '12 01 03', // element 2
      '1a 01 ff', // commit_message (3<<3|2 = 0x1a)
      '22 02 abcd', // steward_member_id (4<<3|2 = 0x22)
    ].join('')
    expectBytes(encodeCommitCandidate(cc), expected)
    expect(decodeCommitCandidate(hex(expected))).toStrictEqual({ ...cc, demlsWelcome: E })
  })
  it('demls_welcome = 100 (a2 06) follows the reference fields, left out when empty', () => {
    const cc = { commitMessage: hex('ff'), demlsWelcome: hex('0102') }
    expectBytes(encodeCommitCandidate(cc), '1a 01 ff a2 06 02 0102')
    expect(decodeCommitCandidate(hex('1a01ffa2060201 02'.replace(/ /g, ''))).demlsWelcome).toEqual(hex('0102'))
    expectBytes(encodeCommitCandidate({ commitMessage: hex('ff'), demlsWelcome: E }), '1a 01 ff')
  })
  it('uses a two-byte length for a 300-byte commit', () => {
    const commit = new Uint8Array(300).fill(7)
    const bytes = encodeCommitCandidate({ commitMessage: commit })
    // 300 = 2*128 + 44 -> ac 02
    expectBytes(bytes.subarray(0, 3), '1a ac02')
    expect(bytes.length).toBe(303)
    expect(decodeCommitCandidate(bytes).commitMessage).toEqual(commit)
  })
})

describe('ConversationSync (nested PeerScore with negative int64, TimingConfig, bools)', () => {
  const sync = {
    stewardMembers: [hex('aa'), hex('bb')],
    electionEpoch: 3n,
    snMin: 1,
    snMax: 2,
    allowSubsetCandidates: true,
    peerScores: [
      { memberId: hex('aa'), score: -5n },
      { memberId: hex('bb'), score: 150n },
    ],
    timing: {
      commitInactivityDurationMs: 60_000n,
      freezeDurationMs: 30_000n,
      proposalExpirationMs: 0n,
      consensusTimeoutMs: 30_000n,
      recoveryInactivityDurationMs: 5_000n,
      votingInactivityDurationMs: 0n,
    },
    retryRound: 0,
    maxReelectionAttempts: 1,
    livenessCriteriaYes: true,
    thresholdPeerScore: -10n,
    pendingUpdateMaxEpochs: 3,
    demlsPlugins: [], // demls extension field 100, absent here
    demlsAdmission: 0, // demls extension field 110, absent here (UNSPECIFIED: a reference group, 'open')
    demlsInvitations: [], // demls extension field 111, absent here
    demlsInviteLinks: [], // demls extension field 112, absent here
    demlsLinkRevocations: [], // demls extension field 113, absent here
    demlsBlsBindings: [], // demls extension field 114, absent here
  }
  // PeerScore{aa, -5}: member_id 0a 01 aa; score (2<<3|0 = 0x10):
  // -5 = 0xffff_ffff_ffff_fffb; low 7 bits 0x7b|0x80 = fb, then eight
  // groups of seven 1-bits (ff), then the 64th bit alone (01): 10 bytes.
  // Total 3 + 1 + 10 = 14 = 0x0e.
  const ps1 = '0a01aa 10 fbffffffffffffffff01'
  // PeerScore{bb, 150}: 150 = 1*128 + 22: 0x16|0x80 = 96, 01. Total 6.
  const ps2 = '0a01bb 10 9601'
  // TimingConfig, tags 08 10 18 20 28 30 for fields 1..6; zeros omitted.
  // 60000 = 3*16384 + 84*128 + 96 -> e0 d4 03; 30000 = 1*16384 + 106*128 + 48
  // -> b0 ea 01; 5000 = 39*128 + 8 -> 88 27. Total 4 + 4 + 4 + 3 = 15 = 0x0f.
  const timing = '08e0d403 10b0ea01 20b0ea01 288827'
  const expected = [
    '0a01aa 0a01bb', // steward_members (1<<3|2)
    '10 03', // election_epoch (2<<3|0)
    '18 01', // sn_min (3<<3|0)
    '20 02', // sn_max (4<<3|0)
    '28 01', // allow_subset_candidates (5<<3|0)
    `32 0e ${ps1}`, // peer_scores (6<<3|2 = 0x32)
    `32 06 ${ps2}`,
    `3a 0f ${timing}`, // timing (7<<3|2 = 0x3a)
    // retry_round (8) is 0: omitted
    '48 01', // max_reelection_attempts (9<<3|0 = 0x48)
    '50 01', // liveness_criteria_yes (10<<3|0 = 0x50)
    // threshold_peer_score (11<<3|0 = 0x58) = -10 = 0x...fff6: f6, ff x8, 01
    '58 f6ffffffffffffffff01',
    '60 03', // pending_update_max_epochs (12<<3|0 = 0x60)
  ].join('')

  it('encodes', () => {
    expectBytes(encodeConversationSync(sync), expected)
    expectBytes(encodePeerScore({ memberId: hex('aa'), score: -5 }), ps1)
    expectBytes(encodeTimingConfig(sync.timing), timing)
  })
  it('round-trips exactly', () => {
    expect(decodeConversationSync(hex(expected))).toStrictEqual(sync)
  })
  it('encodes the int64 extremes', () => {
    // -2^63 = 0x8000_0000_0000_0000: nine 7-bit groups of zeros (80 x9) + top bit (01)
    expectBytes(encodePeerScore({ score: -(1n << 63n) }), '10 80808080808080808001')
    // 2^63-1: nine groups of ones (ff x8, 7f)
    expectBytes(encodePeerScore({ score: (1n << 63n) - 1n }), '10 ffffffffffffffff7f')
    // -1: ten bytes, ff x9, 01
    expectBytes(encodePeerScore({ score: -1n }), '10 ffffffffffffffffff01')
    expect(() => encodePeerScore({ score: 1n << 63n })).toThrow(InvalidMessageError)
    expect(() => encodePeerScore({ score: -(1n << 63n) - 1n })).toThrow(InvalidMessageError)
  })
})

describe('ConversationSync demls extension (field 100)', () => {
  it('encodes PluginVersion entries after every reference field, with a two-byte tag', () => {
    // field 100, wire type 2: (100<<3|2) = 802 = varint a2 06; then len; then
    // PluginVersion{role "r" (0a 01 72), id "i" (12 01 69), version "1" (1a 01 31)} = 9 bytes.
    expectBytes(
      encodeConversationSync({ snMax: 2, demlsPlugins: [{ role: 'r', id: 'i', version: '1' }] }),
      '20 02  a206 09 0a0172 120169 1a0131',
    )
  })
})

describe('ViolationEvidence (enum + exact uint64)', () => {
  const epoch = (1n << 60n) + 1n // not representable as a double
  const ev = {
    violationType: ViolationType.SCORE_BELOW_THRESHOLD,
    targetMemberId: hex('01'),
    evidencePayload: hex('fdffffffffffffff'), // -3 as i64 little-endian
    epoch,
    creatorMemberId: hex('02'),
  }
  const expected = [
    '08 04', // violation_type (1<<3|0), SCORE_BELOW_THRESHOLD = 4
    '12 01 01', // target_member_id (2<<3|2)
    '1a 08 fdffffffffffffff', // evidence_payload (3<<3|2)
    // epoch (4<<3|0 = 0x20) = 2^60 + 1: group 0 = 1 (81 with continuation),
    // groups 1..7 = 0 (80 x7), group 8 holds bits 56..62 -> bit 60 = 1<<4 = 10
    '20 818080808080808010',
    '2a 01 02', // creator_member_id (5<<3|2)
  ].join('')

  it('encodes', () => {
    expectBytes(encodeViolationEvidence(ev), expected)
  })
  it('decodes the epoch exactly as a bigint', () => {
    const back = decodeViolationEvidence(hex(expected))
    expect(back).toStrictEqual(ev)
    expect(back.epoch).toBe(1152921504606846977n)
    expect(back.epoch === epoch).toBe(true)
  })
  it('encodes uint64 max and refuses out-of-range or unsafe numbers', () => {
    expectBytes(encodeViolationEvidence({ epoch: (1n << 64n) - 1n }), '20 ffffffffffffffffff01')
    expect(decodeViolationEvidence(hex('20 ffffffffffffffffff01')).epoch).toBe((1n << 64n) - 1n)
    expect(() => encodeViolationEvidence({ epoch: 1n << 64n })).toThrow(InvalidMessageError)
    expect(() => encodeViolationEvidence({ epoch: -1n })).toThrow(InvalidMessageError)
    expect(() => encodeViolationEvidence({ epoch: 2 ** 60 + 1 })).toThrow(InvalidMessageError)
    expect(() => encodeViolationEvidence({ epoch: 1.5 })).toThrow(InvalidMessageError)
  })
  it('keeps unknown enum values (open enum), including negative ones', () => {
    expectBytes(encodeViolationEvidence({ violationType: 99 }), '08 63')
    expect(decodeViolationEvidence(hex('08 63')).violationType).toBe(99)
    // int32 -1 is sign-extended to 64 bits: 10 bytes
    expectBytes(encodeViolationEvidence({ violationType: -1 }), '08 ffffffffffffffffff01')
    expect(decodeViolationEvidence(hex('08 ffffffffffffffffff01')).violationType).toBe(-1)
    expect(() => encodeViolationEvidence({ violationType: 2 ** 31 })).toThrow(InvalidMessageError)
  })
})

describe('StewardElectionProposal and ConversationUpdateRequest (oneof)', () => {
  const sep = { proposedStewards: [hex('aa'), hex('bbcc')], electionEpoch: 7n, retryRound: 2 }
  // proposed_stewards (1<<3|2 = 0a) x2, election_epoch (2<<3|0 = 10), retry_round (3<<3|0 = 18)
  // = 3 + 4 + 2 + 2 = 11 = 0x0b bytes
  const sepBytes = '0a01aa 0a02bbcc 1007 1802'

  it('StewardElectionProposal', () => {
    expectBytes(encodeStewardElectionProposal(sep), sepBytes)
    expect(decodeStewardElectionProposal(hex(sepBytes))).toStrictEqual(sep)
  })
  it('steward_election is member 4 (4<<3|2 = 0x22)', () => {
    const bytes = encodeConversationUpdateRequest({ stewardElection: sep })
    expectBytes(bytes, `22 0b ${sepBytes}`)
    expect(decodeConversationUpdateRequest(bytes)).toStrictEqual({ payload: 'stewardElection', stewardElection: sep })
  })
  it('remove_member is member 2 (0x12); RemoveMember{member_id ab} = 0a 01 ab', () => {
    const bytes = encodeConversationUpdateRequest({ removeMember: { memberId: hex('ab') } })
    expectBytes(bytes, '12 03 0a01ab')
    expect(decodeConversationUpdateRequest(bytes)).toStrictEqual({
      payload: 'removeMember',
      removeMember: { memberId: hex('ab') },
    })
  })
  it('emergency_criteria (0x1a) nests ViolationEvidence as field 1 (0x0a)', () => {
    // ViolationEvidence{DEADLOCK = 5, epoch 2} = 08 05 20 02 (4 bytes)
    // EmergencyCriteriaProposal = 0a 04 + that (6 bytes)
    const bytes = encodeConversationUpdateRequest({
      emergencyCriteria: { evidence: { violationType: ViolationType.DEADLOCK, epoch: 2n } },
    })
    expectBytes(bytes, '1a 06 0a04 08052002')
    const back = decodeConversationUpdateRequest(bytes)
    expect(back.payload).toBe('emergencyCriteria')
    expect(back.emergencyCriteria?.evidence?.violationType).toBe(ViolationType.DEADLOCK)
  })
  it('member_invite (0x0a) with an empty MemberInvite is 0a 00', () => {
    expectBytes(encodeConversationUpdateRequest({ memberInvite: {} }), '0a00')
    expect(decodeConversationUpdateRequest(hex('0a00')).payload).toBe('memberInvite')
  })
})

describe('MemberWelcome', () => {
  it('encodes welcome bytes, the encrypted sync bytes and joiner identities', () => {
    // conversation_sync_bytes here is AppMessage{conversation_sync{election_epoch 1}}:
    // 4a 02 | 10 01
    const mw = {
      welcomeBytes: hex('010203'),
      conversationSyncBytes: hex('4a021001'),
      joinerIdentities: [hex('aa'), hex('bb')],
    }
    const expected = '0a03010203 12044a021001 1a01aa 1a01bb' // fields 1, 2, 3 (repeated)
    expectBytes(encodeMemberWelcome(mw), expected)
    expect(decodeMemberWelcome(hex(expected))).toStrictEqual(mw)
    expect(decodeAppMessage(mw.conversationSyncBytes).conversationSync?.electionEpoch).toBe(1n)
  })
})

describe('VotePayload (legacy; unusual field numbers 41..44)', () => {
  it('uses two-byte tags', () => {
    // 41<<3|2 = 330 = 2*128 + 74 -> ca 02; 42<<3|0 = 336 -> d0 02;
    // 43<<3|2 = 346 -> da 02; 44<<3|0 = 352 -> e0 02
    const expected = 'ca02 01 78  d002 05  da02 01 ee  e002 09'
    const vp = { conversationId: 'x', proposalId: 5, payload: hex('ee'), timestamp: 9n }
    expectBytes(encodeVotePayload(vp), expected)
    expect(decodeVotePayload(hex(expected))).toStrictEqual(vp)
  })
})

describe('demls.transport.v1 Envelope and WelcomeChannelMessage', () => {
  const expected = [
    '08 01', // version (1<<3|0)
    '12 04 63686174', // conversation_id (2<<3|2) "chat"
    '18 01', // subtopic (3<<3|0) SUBTOPIC_APP
    '22 02 0102', // sender_app_id (4<<3|2)
    '2a 02 2200', // payload (5<<3|2): an AppMessage{vote:{}}
  ].join('')
  it('Envelope', () => {
    const env = {
      version: 1,
      conversationId: 'chat',
      subtopic: Subtopic.SUBTOPIC_APP,
      senderAppId: hex('0102'),
      payload: hex('2200'),
    }
    expectBytes(encodeEnvelope(env), expected)
    // An absent sequence (older demls peers) decodes as 0.
    expect(decodeEnvelope(hex(expected))).toStrictEqual({ ...env, sequence: 0n })
    // sequence = 6 (6<<3|0), a varint after the payload.
    expectBytes(encodeEnvelope({ ...env, sequence: 300n }), `${expected}30ac02`)
    expect(decodeEnvelope(hex(`${expected}30ac02`))).toStrictEqual({ ...env, sequence: 300n })
  })
  it('encodeTransportEnvelope writes the same bytes', () => {
    const bytes = encodeTransportEnvelope({
      conversationId: 'chat',
      subtopic: 'app',
      senderAppId: hex('0102'),
      payload: hex('2200'),
    })
    expectBytes(bytes, expected)
    expect(decodeTransportEnvelope(bytes)).toStrictEqual({
      version: 1,
      conversationId: 'chat',
      subtopic: 'app',
      senderAppId: hex('0102'),
      payload: hex('2200'),
    })
  })
  it('strings are UTF-8', () => {
    // "é" = U+00E9 = c3 a9; "😀" = U+1F600 = f0 9f 98 80 (one surrogate pair in JS)
    expectBytes(encodeEnvelope({ conversationId: 'é😀' }), '12 06 c3a9 f09f9880')
    expect(decodeEnvelope(hex('12 06 c3a9 f09f9880')).conversationId).toBe('é😀')
  })
  it('WelcomeChannelMessage: welcome = 2 (0x12), key_package = 10 (0x52)', () => {
    expectBytes(encodeWelcomeChannelMessage({ welcome: { welcomeBytes: hex('01') } }), '12 03 0a0101')
    expectBytes(
      encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: hex('02'), memberId: hex('03') } }),
      '52 06 0a0102 120103',
    )
    expect(decodeWelcomeChannelMessage(hex('52 00')).body).toBe('keyPackage')
  })

  // The joiner handshake (demls extension): WelcomeChannelMessage fields 11-13.
  const nonce = hex('000102030405060708090a0b0c0d0e0f')
  const probeBytes = [
    '0a 01 aa', // member_id (1<<3|2)
    '12 10 000102030405060708090a0b0c0d0e0f', // nonce (2<<3|2), 16 bytes
    '18 ac02', // sent_at_ms (3<<3|0) = 300: 0x2c|0x80, 0x02
  ].join('')
  it('JoinProbe', () => {
    const probe = { memberId: hex('aa'), nonce, sentAtMs: 300n }
    expectBytes(encodeJoinProbe(probe), probeBytes)
    expect(decodeJoinProbe(hex(probeBytes))).toStrictEqual(probe)
  })
  const beaconBytes = [
    '0a 01 63', // conversation_id (1<<3|2) "c"
    '10 05', // epoch (2<<3|0)
    '1a 01 01', // epoch_steward (3<<3|2)
    '22 01 02', // responder (4<<3|2)
    '28 03', // member_count (5<<3|0)
    '32 02 0304', // nonce (6<<3|2)
    '38 8001', // signed_at_ms (7<<3|0) = 128
    '42 01 05', // signature (8<<3|2)
  ].join('')
  const beaconFields = () => ({
    conversationId: 'c',
    epoch: 5n,
    epochSteward: hex('01'),
    responder: hex('02'),
    memberCount: 3,
    nonce: hex('0304'),
    signedAtMs: 128n,
    signature: hex('05'),
  })
  it('JoinBeacon', () => {
    const beacon = { ...beaconFields(), plugins: [], moreNonces: [] }
    expectBytes(encodeJoinBeacon(beacon), beaconBytes)
    expect(decodeJoinBeacon(hex(beaconBytes))).toStrictEqual(beacon)
  })
  it('JoinBeacon answering several probes (more_nonces, field 10, after the signature and the plug-ins; signed with them)', () => {
    const beacon = { ...beaconFields(), plugins: [], moreNonces: [hex('0a0b'), hex('0c')] }
    const moreBytes = [
      '52 02 0a0b', // more_nonces (10<<3|2), 2 bytes
      '52 01 0c', // more_nonces, 1 byte
    ].join('')
    expectBytes(encodeJoinBeacon(beacon), beaconBytes + moreBytes)
    expect(decodeJoinBeacon(hex(beaconBytes + moreBytes))).toStrictEqual(beacon)
    const unsigned = beaconBytes.replace("42 01 05", '')
    expectBytes(encodeJoinBeacon({ ...beacon, signature: null }), unsigned + moreBytes)
  })
  it('JoinBeacon with plug-in descriptors (field 9, after the signature; covered by it since it is signed with the signature empty)', () => {
    const plugins = [
      { role: 'mls', id: 'm', version: '1' },
      { role: 's', id: '', version: '2' },
    ]
    const beacon = { ...beaconFields(), plugins, moreNonces: [] }
    const pluginBytes = [
      '4a 0b', // plugins (9<<3|2), 11 bytes:
      '0a 03 6d6c73', //   role (1<<3|2) "mls"
      '12 01 6d', //   id (2<<3|2) "m"
      '1a 01 31', //   version (3<<3|2) "1"
      '4a 06', // plugins, 6 bytes: role "s", id "" omitted, version "2"
      '0a 01 73',
      '1a 01 32',
    ].join('')
    expectBytes(encodeJoinBeacon(beacon), beaconBytes + pluginBytes)
    expect(decodeJoinBeacon(hex(beaconBytes + pluginBytes))).toStrictEqual(beacon)
    // What the member signs: every field but the signature, plug-ins included.
    const unsigned = beaconBytes.replace("42 01 05", '')
    expectBytes(encodeJoinBeacon({ ...beacon, signature: null }), unsigned + pluginBytes)
  })
  const statusBytes = [
    '0a 01 63', // conversation_id (1<<3|2) "c"
    '12 01 01', // joiner (2<<3|2)
    '18 03', // status (3<<3|0) JOIN_STATUS_REJECTED
    '20 ac02', // proposal_id (4<<3|0) = 300
    '28 02', // epoch (5<<3|0)
    '32 01 02', // responder (6<<3|2)
    '3a 01 03', // key_package_hash (7<<3|2)
    '40 01', // signed_at_ms (8<<3|0)
    '4a 01 04', // signature (9<<3|2)
  ].join('')
  it('JoinStatus', () => {
    const status = {
      conversationId: 'c',
      joiner: hex('01'),
      status: JoinStatusKind.JOIN_STATUS_REJECTED,
      proposalId: 300,
      epoch: 2n,
      responder: hex('02'),
      keyPackageHash: hex('03'),
      signedAtMs: 1n,
      signature: hex('04'),
      rejectReason: 0, // demls field 100, absent here
    }
    expectBytes(encodeJoinStatus(status), statusBytes)
    expect(decodeJoinStatus(hex(statusBytes))).toStrictEqual(status)
    expect(JoinStatusKind.JOIN_STATUS_ACKED).toBe(1)
    expect(JoinStatusKind.JOIN_STATUS_ADMITTED).toBe(2)
  })
  it('WelcomeChannelMessage: join_probe = 11 (0x5a), join_beacon = 12 (0x62), join_status = 13 (0x6a)', () => {
    // 3 + 18 + 3 = 24 = 0x18 bytes of probe; 3+2+3+3+2+4+3+3 = 23 = 0x17 of beacon; 3+3+2+3+2+3+3+2+3 = 24 = 0x18 of status
    expectBytes(encodeWelcomeChannelMessage({ joinProbe: { memberId: hex('aa'), nonce, sentAtMs: 300 } }), `5a 18 ${probeBytes}`)
    expectBytes(encodeWelcomeChannelMessage({ joinBeacon: decodeJoinBeacon(hex(beaconBytes)) }), `62 17 ${beaconBytes}`)
    expectBytes(encodeWelcomeChannelMessage({ joinStatus: decodeJoinStatus(hex(statusBytes)) }), `6a 18 ${statusBytes}`)
    const decoded = decodeWelcomeChannelMessage(hex(`62 17 ${beaconBytes}`))
    expect(decoded.body).toBe('joinBeacon')
    expect(decoded.joinBeacon?.memberCount).toBe(3)
    expect(decodeWelcomeChannelMessage(hex('6a 00')).body).toBe('joinStatus')
    // An empty probe is still tagged.
    expect(decodeWelcomeChannelMessage(hex('5a 00')).body).toBe('joinProbe')
  })
  it('a peer that only knows welcome / key_package sees an unknown field: skipped, no body', () => {
    // Field 14 (0x72), length-delimited, is unknown to us as 11-13 are to the reference.
    expect(decodeWelcomeChannelMessage(hex('72 02 0a00')).body).toBeUndefined()
  })
})

describe('defaults encode to zero bytes', () => {
  it.each([
    ['Vote (all fields at default)', () =>
      encodeVote({
        voteId: 0,
        voteOwner: E,
        proposalId: 0,
        timestamp: 0n,
        vote: false,
        parentHash: E,
        receivedHash: E,
        voteHash: E,
        signature: E,
      })],
    ['Vote (timestamp as number 0)', () => encodeVote({ timestamp: 0 })],
    ['Proposal', () =>
      encodeProposal({
        name: '',
        payload: E,
        proposalId: 0,
        votes: [],
        expectedVotersCount: 0,
        round: 0,
        timestamp: 0n,
        expirationTimestamp: 0,
        livenessCriteriaYes: false,
      })],
    ['ConversationSync', () =>
      encodeConversationSync({
        stewardMembers: [],
        electionEpoch: 0n,
        peerScores: [],
        timing: null,
        allowSubsetCandidates: false,
        thresholdPeerScore: 0n,
      })],
    ['Envelope', () => encodeEnvelope({ version: 0, conversationId: '', subtopic: Subtopic.SUBTOPIC_UNSPECIFIED })],
    ['ViolationEvidence', () => encodeViolationEvidence({ violationType: ViolationType.VIOLATION_UNSPECIFIED, epoch: 0n })],
    ['AppMessage', () => encodeAppMessage({ vote: null })],
    ['ConversationMessage', () => encodeConversationMessage({ message: E, sender: E, conversationId: '' })],
    ['BanRequest', () => encodeBanRequest({})],
    ['TimingConfig', () => encodeTimingConfig({ freezeDurationMs: 0n })],
  ])('%s', (_name, enc) => {
    expect(enc().length).toBe(0)
  })
})

describe('strings', () => {
  it('decoding rejects invalid UTF-8 like prost (strict)', () => {
    for (const bad of [
      '12 01 ff', // never valid
      '12 02 c080', // overlong NUL
      '12 03 eda080', // UTF-8-encoded surrogate U+D800
      '12 04 f4908080', // above U+10FFFF
      '12 01 c3', // truncated sequence
    ]) {
      expect(() => decodeEnvelope(hex(bad)), bad).toThrow(/not valid|utf-8/i)
    }
  })
  it('encoding refuses a lone surrogate instead of writing invalid UTF-8', () => {
    expect(() => encodeEnvelope({ conversationId: 'a\ud800b' })).toThrow(InvalidMessageError)
    expect(() => encodeEnvelope({ conversationId: '\udc00' })).toThrow(InvalidMessageError)
  })
})

describe('documented leniencies (see README, Known limits)', () => {
  it('a known field with the wrong wire type is skipped (prost would reject)', () => {
    // Envelope field 1 (version, varint) sent length-delimited: 0a 01 05, then
    // field 2 "c": 12 01 63. Version keeps its default; the rest decodes.
    const back = decodeEnvelope(hex('0a0105 120163'))
    expect(back.version).toBe(0)
    expect(back.conversationId).toBe('c')
    expectBytes(encodeEnvelope(back), '120163')
  })
  it('non-minimal varints, repeated scalars (last wins), bool 2 and unknown fields are accepted', () => {
    // version 1 as a 3-byte varint, version again = 2 (last wins), field 15 unknown (78 07)
    const back = decodeEnvelope(hex('08818000 0802 7807'))
    expect(back.version).toBe(2)
    expectBytes(encodeEnvelope(back), '0802') // unknown field not re-emitted
    expect(decodeVote(hex('c00102')).vote).toBe(true)
  })
})

describe('demls control: steward list sync', () => {
  const attestationBytes = [
    '08 07', // epoch (1<<3|0)
    '12 01 aa', // commit_hash (2<<3|2)
    '1a 01 bb', // member_id (3<<3|2)
    '20 05', // steward_list_epoch (4<<3|0)
    '28 01', // steward_list_round (5<<3|0)
  ].join('')
  it('EpochAttestation carries the list it was made under (fields 4 and 5)', () => {
    const a = { epoch: 7n, commitHash: hex('aa'), memberId: hex('bb'), stewardListEpoch: 5n, stewardListRound: 1 }
    expectBytes(encodeEpochAttestation(a), attestationBytes)
    expect(decodeEpochAttestation(hex(attestationBytes))).toStrictEqual({
      ...a,
      signedAtMs: 0n,
      signature: new Uint8Array(),
      committer: new Uint8Array(),
      authenticatorHash: new Uint8Array(),
      demlsPastState: false,
    })
  })
  it('EpochAttestation signed_at_ms = 6 (0x30) and signature = 7 (0x3a) follow the list fields', () => {
    const a = { epoch: 7n, commitHash: hex('aa'), memberId: hex('bb'), stewardListEpoch: 5n, stewardListRound: 1, signedAtMs: 300n, signature: hex('cc') }
    expectBytes(encodeEpochAttestation(a), `${attestationBytes} 30 ac 02 3a 01 cc`)
    expect(decodeEpochAttestation(hex(`${attestationBytes}30ac023a01cc`))).toStrictEqual({ ...a, committer: new Uint8Array(), authenticatorHash: new Uint8Array(), demlsPastState: false })
  })
  it('EpochAttestation committer = 8 (0x42) follows the signature', () => {
    const a = { epoch: 7n, commitHash: hex('aa'), memberId: hex('bb'), stewardListEpoch: 5n, stewardListRound: 1, signedAtMs: 300n, signature: hex('cc'), committer: hex('dd') }
    expectBytes(encodeEpochAttestation(a), `${attestationBytes} 30 ac 02 3a 01 cc 42 01 dd`)
    expect(decodeEpochAttestation(hex(`${attestationBytes}30ac023a01cc4201dd`))).toStrictEqual({ ...a, authenticatorHash: new Uint8Array(), demlsPastState: false })
  })
  it('EpochAttestation authenticator_hash = 9 (0x4a) follows the committer', () => {
    const a = {
      epoch: 7n,
      commitHash: hex('aa'),
      memberId: hex('bb'),
      stewardListEpoch: 5n,
      stewardListRound: 1,
      signedAtMs: 300n,
      signature: hex('cc'),
      committer: hex('dd'),
      authenticatorHash: hex('ee'),
    }
    expectBytes(encodeEpochAttestation(a), `${attestationBytes} 30 ac 02 3a 01 cc 42 01 dd 4a 01 ee`)
    expect(decodeEpochAttestation(hex(`${attestationBytes}30ac023a01cc4201dd4a01ee`))).toStrictEqual({ ...a, demlsPastState: false })
  })
  it('EpochAttestation demls_past_state = 10 (0x50) follows the authenticator hash; absent when false', () => {
    const a = { epoch: 7n, commitHash: hex('aa'), memberId: hex('bb'), stewardListEpoch: 5n, stewardListRound: 1, signedAtMs: 300n, signature: hex('cc'), committer: hex('dd'), authenticatorHash: hex('ee') }
    expectBytes(encodeEpochAttestation({ ...a, demlsPastState: true }), `${attestationBytes} 30 ac 02 3a 01 cc 42 01 dd 4a 01 ee 50 01`)
    expectBytes(encodeEpochAttestation({ ...a, demlsPastState: false }), `${attestationBytes} 30 ac 02 3a 01 cc 42 01 dd 4a 01 ee`)
    expect(decodeEpochAttestation(hex(`${attestationBytes}30ac023a01cc4201dd4a01ee5001`))).toStrictEqual({ ...a, demlsPastState: true })
  })
  it('CommitRequest demls_past_states = 6 (0x30) follows the signature; absent when false', () => {
    const r = { fromEpoch: 4n, memberId: hex('bb'), commitHash: hex('aa'), signedAtMs: 300n, signature: hex('cc') }
    const bytes = '08 04 12 01 bb 1a 01 aa 20 ac 02 2a 01 cc'
    expectBytes(encodeCommitRequest(r), bytes)
    expectBytes(encodeCommitRequest({ ...r, demlsPastStates: true }), `${bytes} 30 01`)
    expect(decodeCommitRequest(hex(`${bytes.replace(/ /g, '')}3001`))).toStrictEqual({ ...r, demlsPastStates: true })
    expect(decodeCommitRequest(hex(bytes.replace(/ /g, '')))).toStrictEqual({ ...r, demlsPastStates: false })
  })
  it('an attestation without list fields is the original three-field encoding', () => {
    expectBytes(encodeEpochAttestation({ epoch: 7n, commitHash: hex('aa'), memberId: hex('bb') }), '08 07 12 01 aa 1a 01 bb')
  })
  const noticeBytes = [
    '08 04', // election_epoch (1<<3|0)
    '10 02', // retry_round (2<<3|0)
    '1a 01 01', // members[0] (3<<3|2)
    '1a 01 02', // members[1]
  ].join('')
  it('StewardListNotice', () => {
    const n = { electionEpoch: 4n, retryRound: 2, members: [hex('01'), hex('02')] }
    expectBytes(encodeStewardListNotice(n), noticeBytes)
    expect(decodeStewardListNotice(hex(noticeBytes))).toStrictEqual(n)
  })
  it('DemlsControl: steward_list = 5 (0x2a), inside AppMessage.demls_control = 100 (a2 06)', () => {
    const control = encodeDemlsControl({ stewardList: { electionEpoch: 4n, retryRound: 2, members: [hex('01'), hex('02')] } })
    expectBytes(control, `2a 0a ${noticeBytes}`) // 10 bytes of notice
    expectBytes(encodeAppMessage({ demlsControl: { stewardList: { electionEpoch: 4n, retryRound: 2, members: [hex('01'), hex('02')] } } }), `a2 06 0c 2a 0a ${noticeBytes}`)
  })
})

describe('demls aggregated votes (issue 55)', () => {
  const voteBytes = [
    '08 09', // proposal_id (1<<3|0)
    '10 01', // vote (2<<3|0)
    '1a 02 aa bb', // signature (3<<3|2)
    '20 04', // epoch (4<<3|0)
  ].join(' ')
  it('DemlsAggregateVote, inside AppMessage.demls_aggregate_vote = 102 (b2 06)', () => {
    const v = { proposalId: 9, vote: true, signature: hex('aabb'), epoch: 4n }
    expectBytes(encodeDemlsAggregateVote(v), voteBytes)
    expect(decodeDemlsAggregateVote(hex(voteBytes.replaceAll(' ', '')))).toStrictEqual(v)
    expectBytes(encodeAppMessage({ demlsAggregateVote: v }), `b2 06 0a ${voteBytes}`)
    expect(decodeAppMessage(hex(`b2060a${voteBytes.replaceAll(' ', '')}`)).demlsAggregateVote).toStrictEqual(v)
  })
  it('DemlsAggregateProof: proposal = 1, proof = 2, inside AppMessage.demls_aggregate_proof = 103 (ba 06)', () => {
    expectBytes(encodeDemlsAggregateProof({ proposal: {}, proof: hex('cc') }), '0a 00 12 01 cc')
    expectBytes(encodeAppMessage({ demlsAggregateProof: { proof: hex('cc') } }), 'ba 06 03 12 01 cc')
  })
  it('ApprovalCertificate.demls_aggregate_proof = 3 (1a), demls_aggregate_epoch = 4 (20); absent = the earlier bytes', () => {
    const cert = { voteBindings: [hex('01')], demlsAggregateProof: hex('dd'), demlsAggregateEpoch: 7n }
    expectBytes(encodeApprovalCertificate(cert), '12 01 01 1a 01 dd 20 07')
    expect(decodeApprovalCertificate(hex('120101' + '1a01dd' + '2007'))).toStrictEqual(cert)
    expectBytes(encodeApprovalCertificate({ voteBindings: [hex('01')] }), '12 01 01')
    expect(decodeApprovalCertificate(hex('120101'))).toStrictEqual({ voteBindings: [hex('01')], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n })
  })
  it('Envelope subtopic SUBTOPIC_DEMLS_VOTES = 100 (18 64)', () => {
    expect(Subtopic.SUBTOPIC_DEMLS_VOTES).toBe(100)
    const bytes = encodeTransportEnvelope({ conversationId: 'c', subtopic: 'votes', senderAppId: hex('01'), payload: hex('02') })
    expectBytes(bytes, '08 01 12 01 63 18 64 22 01 01 2a 01 02')
    expect(decodeTransportEnvelope(bytes).subtopic).toBe('votes')
  })
})
