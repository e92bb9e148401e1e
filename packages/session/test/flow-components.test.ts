import { EthereumSigner, buildVote, consensusResult, createProposal } from '@demls/consensus'
import type { MlsSnapshot } from '@demls/mls'
import { ScoreEvent, type ScoreOp } from '@demls/scoring'
import {
  type AppMessageInit,
  type ConversationSyncInit,
  type ConversationUpdateRequest,
  type EpochAttestationInit,
  type JoinProbe,
  JoinStatusKind,
  type MemberInvitation,
  decodeMemberInvitation,
  encodeMemberInvitation,
  type Proposal,
  type Vote,
  ViolationType,
  decodeAppMessage,
  decodeCommitCandidate,
  decodeCommitRequest,
  decodeConversationSync,
  decodeEpochAttestation,
  decodeHistoryReply,
  decodeHistoryRequest,
  decodeWelcomeChannelMessage,
  encodeAppMessage,
  encodeCommitCandidate,
  encodeCommitRequest,
  encodeConversationSync,
  encodeConversationUpdateRequest,
  encodeEpochAttestation,
  encodeHistoryReply,
  encodeHistoryRequest,
  encodeWelcomeChannelMessage,
  toHex,
} from '@demls/wire'
import { describe, expect, it, vi } from 'vitest'
import { type ConversationConfigInit, defaultPlugins } from '../src/index.js'
import { deadMemberWindowMs, resolveConfig } from '../src/core/config.js'
import type { ConversationState } from '../src/core/state-machine.js'
import { PluginMismatchError } from '../src/errors.js'
import { verifyCertificate, voteBindingPayload } from '../src/rules/certificate.js'
import { keyOfTarget } from '../src/rules/targets.js'
import { authenticatorHash } from '../src/rules/joined-branch.js'
import { commitHashOf } from '../src/rules/candidate-check.js'
import type { BranchPoint } from '../src/state/branch-point.js'
import { CertificateState } from '../src/state/certificate-state.js'
import { BlsBindingBook } from '../src/state/bls-bindings.js'
import { ProvisionalJoin } from '../src/state/provisional-join.js'
import { LivenessState } from '../src/state/liveness-state.js'
import { HistoryState } from '../src/state/history-state.js'
import { JoinResponderState } from '../src/state/responder-state.js'
import {
  type ResponderComponents,
  PROBE_NONCE_LENGTH,
  answerDueProbes,
  joinAnswerDeadline,
  onInviteProposed,
  onInviteResolved,
  onJoinBeacon,
  onJoinProbe,
  onRepeatedAnnouncement,
} from '../src/join/responder.js'
import { beaconNonces, signAttestation, signJoinBeacon, verifyAttestation, verifyJoinBeacon, verifyJoinStatus } from '../src/join/signing.js'
import {
  type BackfillComponents,
  HISTORY_LIMITS,
  answerHistory,
  historyDeadline,
  keepChat,
  requestHistory,
  retryHistory,
  takeHistoryReply,
} from '../src/sync/backfill.js'
import { type ControlComponents, onControl } from '../src/sync/catch-up.js'
import { LIST_ANSWERERS, listAnswerTarget } from '../src/sync/steward-sync.js'
import { isAmongClosest } from '../src/rules/closest-members.js'
import { type ConversationSyncComponents, applySync, buildSync, checkPlugins } from '../src/sync/conversation-sync.js'
import {
  type CertificatesComponents,
  authorizeChanges,
  bindOwnVote,
  bindingsOf,
  certifies,
  certifyApproval,
  localCertificate,
  mergedByQuorum,
  noteBindings,
  takeApprovedCertificates,
} from '../src/voting/certificates.js'
import { EQUIVOCATIONS_KEPT } from '../src/state/voting-state.js'
import type { ConversationEvent } from '../src/core/events.js'
import type { EquivocationEvidence } from '../src/rules/equivocation.js'
import { keyFor } from './scenarios/harness.js'
import { type LivenessComponents, judgeInactiveRemoval, looksDead, noteSeen, noteSeenAt, syncLastSeen } from '../src/stewardship/liveness.js'
import { type ClaimsComponents, attestedByMember, commitRequestRefusal, signCommitRequest } from '../src/sync/claims.js'
import {
  type InviteComponents,
  type JoinEvidenceComponents,
  adoptSyncedInvitations,
  invitationsForSync,
  onInvitation,
  onJoinProposal,
  sendInvitation,
  signInvitation,
  takeAttachedInvitation,
  withInvitation,
} from '../src/join/invite.js'
import { INVITATION_LIFETIME_MS } from '../src/state/invitations.js'
import { type OwnCandidatesComponents, keepOwnCandidate, ownCandidateState } from '../src/sync/own-candidates.js'
import { CatchUpState, PAST_STATE_INTERVAL_MS } from '../src/state/catch-up-state.js'
import { InvitationBook } from '../src/state/invitations.js'
import { type AdmissionComponents, creatorVoteFor, judgeAdmission, proposalLiveness, silentAdmissionRefusal } from '../src/voting/admission.js'
import { type EquivocationComponents, noteEquivocation } from '../src/voting/equivocation.js'
import { type JudgeEvidenceComponents, judgeEvidence } from '../src/voting/judge-evidence.js'
import { type OvertakenComponents, overtakenEmergency } from '../src/voting/overtaken.js'

/**
 * Flows that declare the slices they need (`…Components`), each tested on
 * those slices alone: no `ConversationCore`, no MLS group, no `User`, no
 * network (the default plug-ins where a flow signs them into a message or
 * runs their steward-list and scoring services).
 */

const id = (n: number) => new Uint8Array(20).fill(n)
const hex = (n: number) => toHex(id(n))

describe('stewardship/liveness on LivenessComponents', () => {
  const slices = (members: number[]): LivenessComponents => ({
    config: resolveConfig({}),
    memberHex: hex(1),
    memberSet: () => new Set(members.map(hex)),
    liveness: new LivenessState(),
  })

  it('syncLastSeen follows the membership: new members get a grace period from now, departed ones are forgotten, a restart resets everyone', () => {
    const l = slices([1, 2, 3])
    l.liveness.lastSeen.set(hex(2), 500)
    l.liveness.lastSeen.set(hex(9), 100)
    l.liveness.inactiveProposedAt.set(hex(9), { at: 1, attempts: 1 })
    syncLastSeen(l, 1_000)
    expect(Object.fromEntries(l.liveness.lastSeen)).toEqual({ [hex(1)]: 1_000, [hex(2)]: 500, [hex(3)]: 1_000 })
    expect(l.liveness.inactiveProposedAt.size).toBe(0)
    syncLastSeen(l, 2_000, true)
    expect([...l.liveness.lastSeen.values()]).toEqual([2_000, 2_000, 2_000])
  })

  it('noteSeen moves a tracked member forward only (and clears its removal attempts); untracked members stay untracked', () => {
    const l = slices([1, 2])
    syncLastSeen(l, 1_000)
    l.liveness.inactiveProposedAt.set(hex(2), { at: 1_000, attempts: 2 })
    noteSeenAt(l, id(2), 900)
    expect(l.liveness.lastSeen.get(hex(2))).toBe(1_000)
    expect(l.liveness.inactiveProposedAt.has(hex(2))).toBe(true)
    noteSeen(l, id(2), 1_500)
    expect(l.liveness.lastSeen.get(hex(2))).toBe(1_500)
    expect(l.liveness.inactiveProposedAt.has(hex(2))).toBe(false)
    noteSeen(l, id(7), 1_500)
    expect(l.liveness.lastSeen.has(hex(7))).toBe(false)
  })

  it('looksDead after the dead-member window of silence, never for us; judgeInactiveRemoval votes by it', () => {
    const l = slices([1, 2])
    syncLastSeen(l, 0)
    const window = deadMemberWindowMs(l.config)
    expect(looksDead(l, hex(2), window - 1)).toBe(false)
    expect(looksDead(l, hex(2), window)).toBe(true)
    expect(looksDead(l, hex(1), 10 * window)).toBe(false)
    expect(judgeInactiveRemoval(l, id(2), window)).toBe(true)
    expect(judgeInactiveRemoval(l, id(5), window)).toBe(false) // not tracked
  })
})

describe('voting/judge-evidence on JudgeEvidenceComponents', () => {
  const view: JudgeEvidenceComponents = { epoch: () => 5n, isSuspect: (h) => h === hex(2) }
  const evidence = (violationType: ViolationType, target: Uint8Array, epoch: bigint) =>
    ({ violationType, targetMemberId: target, epoch, evidenceBytes: new Uint8Array(0) }) as unknown as Parameters<typeof judgeEvidence>[1]

  it('censorship: YES only against a member we, too, have not heard from; deadlock: YES for our epoch only; anything else: NO', () => {
    expect(judgeEvidence(view, evidence(ViolationType.CENSORSHIP_INACTIVITY, id(2), 5n), 0)).toBe(true)
    expect(judgeEvidence(view, evidence(ViolationType.CENSORSHIP_INACTIVITY, id(3), 5n), 0)).toBe(false)
    expect(judgeEvidence(view, evidence(ViolationType.CENSORSHIP_INACTIVITY, new Uint8Array(0), 5n), 0)).toBe(false)
    expect(judgeEvidence(view, evidence(ViolationType.DEADLOCK, new Uint8Array(0), 5n), 0)).toBe(true)
    expect(judgeEvidence(view, evidence(ViolationType.DEADLOCK, new Uint8Array(0), 4n), 0)).toBe(false)
    expect(judgeEvidence(view, evidence(ViolationType.BROKEN_COMMIT, id(2), 5n), 0)).toBe(false)
  })
})

describe('voting/overtaken on OvertakenComponents', () => {
  it('a rejected emergency against a member a later commit removed is overtaken; one at our epoch, an approved one, or a member still here is not', () => {
    const members = new Set([hex(2)])
    const at3: OvertakenComponents = { epoch: () => 3n, mls: { isMember: (m) => members.has(toHex(m)) } }
    const against = (target: Uint8Array, epoch: bigint) => ({ targetMemberId: target, epoch }) as unknown as Parameters<typeof overtakenEmergency>[1]
    expect(overtakenEmergency(at3, against(id(4), 2n), false)).toBe(true)
    expect(overtakenEmergency(at3, against(id(4), 2n), true)).toBe(false)
    expect(overtakenEmergency(at3, against(id(4), 3n), false)).toBe(false)
    expect(overtakenEmergency(at3, against(id(2), 2n), false)).toBe(false)
    expect(overtakenEmergency(at3, against(new Uint8Array(3), 2n), false)).toBe(false)
  })
})

describe('voting/equivocation on EquivocationComponents', () => {
  const slices = () => {
    const scores: ScoreOp[] = []
    const events: ConversationEvent[] = []
    const s: EquivocationComponents = {
      voting: { equivocations: new Map() },
      plugins: { consensus: { signer: undefined as unknown as EquivocationComponents['plugins']['consensus']['signer'] } },
      applyScores: (ops) => void scores.push(...ops),
      emit: (e) => void events.push(e),
    }
    return { s, scores, events }
  }
  const evidence = (voter: number, proposalId: number): EquivocationEvidence => ({ proposalId, voter: id(voter), votes: [{} as Vote, {} as Vote] })

  it('the first sighting per voter and proposal is kept, penalised once and reported; a repeat changes nothing', () => {
    const { s, scores, events } = slices()
    expect(noteEquivocation(s, evidence(2, 7))).toBe(true)
    expect(noteEquivocation(s, evidence(2, 7))).toBe(false)
    expect(noteEquivocation(s, evidence(2, 8))).toBe(true)
    expect(scores).toEqual([
      { memberId: id(2), event: ScoreEvent.EquivocatingVote },
      { memberId: id(2), event: ScoreEvent.EquivocatingVote },
    ])
    expect(events.map((e) => e.type === 'equivocation' && e.proposalId)).toEqual([7, 8])
    expect([...s.voting.equivocations.keys()]).toEqual([`${hex(2)}:7`, `${hex(2)}:8`])
  })

  it('the evidence kept is bounded: the oldest goes first', () => {
    const { s } = slices()
    for (let p = 0; p < EQUIVOCATIONS_KEPT + 3; p++) noteEquivocation(s, evidence(3, p))
    expect(s.voting.equivocations.size).toBe(EQUIVOCATIONS_KEPT)
    expect(s.voting.equivocations.has(`${hex(3)}:0`)).toBe(false)
    expect(s.voting.equivocations.has(`${hex(3)}:${EQUIVOCATIONS_KEPT + 2}`)).toBe(true)
  })
})

describe('voting/admission on AdmissionComponents', () => {
  const join = (n: number): ConversationUpdateRequest => ({ payload: 'memberInvite', memberInvite: { keyPackageBytes: new Uint8Array(1), memberId: id(n) } })
  const leave: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: id(2) } }
  const slices = (admission: 'open' | 'invite', votes: { vote: boolean; voteOwner: Uint8Array }[] = []): AdmissionComponents => ({
    id: 'chat',
    config: { admission },
    invitations: new InvitationBook(),
    consensus: { getSession: () => ({ proposal: { votes } }) as unknown as ReturnType<AdmissionComponents['consensus']['getSession']> },
    isMemberHex: (h) => h === hex(1) || h === hex(2),
  })

  it('under invite, a join or a removal never counts silence as YES (ours, or one we receive), except a member leaving; open groups keep their flag', () => {
    expect(proposalLiveness(slices('invite'), join(5), true)).toBe(false)
    expect(proposalLiveness(slices('invite'), leave, true)).toBe(false)
    expect(proposalLiveness(slices('invite'), { payload: 'stewardElection', stewardElection: {} } as ConversationUpdateRequest, true)).toBe(true)
    expect(proposalLiveness(slices('open'), join(5), true)).toBe(true)
    expect(proposalLiveness(slices('open'), leave, true)).toBe(true)
    const proposal = (livenessCriteriaYes: boolean, owner = id(1)) => ({ livenessCriteriaYes, proposalOwner: owner }) as Proposal
    expect(silentAdmissionRefusal(slices('invite'), proposal(true), join(5))).toMatch(/silent voters as YES/)
    expect(silentAdmissionRefusal(slices('invite'), proposal(false), join(5))).toBeUndefined()
    expect(silentAdmissionRefusal(slices('open'), proposal(true), join(5))).toBeUndefined()
    expect(silentAdmissionRefusal(slices('invite'), proposal(true), leave)).toMatch(/removal counts silent voters as YES/)
    expect(silentAdmissionRefusal(slices('invite'), proposal(true, id(2)), leave)).toBeUndefined() // leaving
    expect(silentAdmissionRefusal(slices('open'), proposal(true), leave)).toBeUndefined()
  })

  it('our automatic vote on a join: YES on a member\'s invitation we hold or a member\'s YES vote, else NO', () => {
    const now = 1_000_000
    expect(judgeAdmission(slices('invite'), 1, id(5), now)).toBe(false)
    expect(judgeAdmission(slices('invite', [{ vote: true, voteOwner: id(9) }]), 1, id(5), now)).toBe(false) // not a member
    expect(judgeAdmission(slices('invite', [{ vote: false, voteOwner: id(2) }]), 1, id(5), now)).toBe(false)
    expect(judgeAdmission(slices('invite', [{ vote: true, voteOwner: id(2) }]), 1, id(5), now)).toBe(true)
    const book = new InvitationBook()
    book.add({ inviter: id(2), invitee: id(5) } as MemberInvitation, now + 1)
    const vouched = { ...slices('invite'), invitations: book }
    expect(judgeAdmission(vouched, 1, id(5), now)).toBe(true)
    expect(creatorVoteFor(vouched, join(5), 'deferred', now)).toBe('yes')
    expect(creatorVoteFor(slices('invite'), join(5), 'deferred', now)).toBe('deferred')
    expect(creatorVoteFor(vouched, join(5), 'deferred', now + 2)).toBe('deferred') // expired
  })
})

describe('sync/own-candidates on OwnCandidatesComponents', () => {
  type Restored = Awaited<ReturnType<OwnCandidatesComponents['plugins']['mls']['restoreGroup']>>
  /** A stand-in for an MLS snapshot whose export is one byte. */
  const snapshotOf = (byte: number) => ({ exportState: () => new Uint8Array([byte]) }) as unknown as MlsSnapshot
  const slices = (pending: boolean) => {
    const imported: Uint8Array[] = []
    const restored: Uint8Array[] = []
    const group = { hasPendingCommit: () => pending } as unknown as Restored
    const s: OwnCandidatesComponents = {
      catchUp: new CatchUpState(),
      plugins: {
        mls: {
          importGroup: async (state: Uint8Array) => {
            imported.push(state)
            return group
          },
          restoreGroup: async (snapshot: MlsSnapshot) => {
            restored.push(snapshot.exportState())
            return group
          },
        },
      },
    }
    return { s, imported, restored }
  }
  const bp = (epoch: bigint, pendingHashHex: string | undefined, byte: number) => ({ epoch, mlsState: snapshotOf(byte), ...(pendingHashHex ? { pendingHashHex } : {}) })

  it('a lost candidate is kept with its state (at most 4; those two epochs old are dropped); a round without our pending commit keeps nothing', () => {
    const { s } = slices(true)
    keepOwnCandidate(s, bp(3n, undefined, 0), [])
    expect(s.catchUp.ownCandidates.size).toBe(0)
    for (let i = 0; i < 5; i++) keepOwnCandidate(s, bp(3n, `h${i}`, i), [id(i)])
    expect([...s.catchUp.ownCandidates.keys()]).toEqual(['h1', 'h2', 'h3', 'h4'])
    keepOwnCandidate(s, bp(4n, 'h5', 5), [])
    expect([...s.catchUp.ownCandidates.keys()]).toEqual(['h2', 'h3', 'h4', 'h5'])
    keepOwnCandidate(s, bp(5n, 'h6', 6), [])
    expect([...s.catchUp.ownCandidates.keys()]).toEqual(['h5', 'h6'])
  })

  it('the state with our commit pending comes from the branch point when it is that one, else from a kept candidate of that epoch (imported when read back from a save)', async () => {
    const { s, imported, restored } = slices(true)
    keepOwnCandidate(s, bp(3n, 'kept', 7), [id(7)])
    const fromKept = await ownCandidateState(s, 3n, 'kept', undefined)
    expect(fromKept?.joinerIds).toEqual([id(7)])
    expect(restored.at(-1)).toEqual(new Uint8Array([7]))
    await ownCandidateState(s, 3n, 'bp', bp(3n, 'bp', 8))
    expect(restored.at(-1)).toEqual(new Uint8Array([8]))
    expect(await ownCandidateState(s, 4n, 'kept', undefined)).toBeUndefined()
    // A kept candidate restored from a saved state holds the exported bytes: imported.
    s.catchUp.ownCandidates.set('saved', { epoch: 3n, mlsState: new Uint8Array([9]), joinerIds: [] })
    expect(await ownCandidateState(s, 3n, 'saved', undefined)).toBeDefined()
    expect(imported).toEqual([new Uint8Array([9])])
    const { s: notPending } = slices(false)
    keepOwnCandidate(notPending, bp(3n, 'kept', 7), [])
    expect(await ownCandidateState(notPending, 3n, 'kept', undefined)).toBeUndefined()
  })
})

describe('sync/claims on ClaimsComponents', () => {
  const [alice, bob, carol] = [0, 1, 2].map((i) => new EthereumSigner(keyFor(i)))
  /** Alice's view: alice and bob are members at epoch 3; carol was a member at epoch 1. */
  const view = (): ClaimsComponents => ({
    id: 'chat',
    memberId: alice!.identity,
    memberHex: toHex(alice!.identity),
    isMemberHex: (h) => h === toHex(alice!.identity) || h === toHex(bob!.identity),
    epoch: () => 3n,
    membership: { epochHistory: new Map([[1n, { members: [alice!.identity, bob!.identity, carol!.identity] }]]) as ClaimsComponents['membership']['epochHistory'] },
    catchUp: new CatchUpState(),
    plugins: { consensus: { signer: alice! } },
  })
  const attestation = (signer: EthereumSigner, epoch: bigint, as?: Uint8Array) => {
    const signed = signAttestation(signer, 'chat', { epoch, signedAtMs: 1n })
    return decodeEpochAttestation(encodeEpochAttestation(as === undefined ? signed : { ...signed, memberId: as }))
  }

  it('attestedByMember: signed by a member only (not ours, not an outsider, not beyond the horizon); one check per member per half second, a checked epoch trusted after', () => {
    const v = view()
    expect(attestedByMember(v, attestation(bob!, 4n), 0)).toBe(true)
    expect(attestedByMember(v, attestation(alice!, 4n), 0)).toBe(false)
    expect(attestedByMember(v, attestation(carol!, 4n), 0)).toBe(false)
    expect(attestedByMember(v, attestation(bob!, 3n + 65n), 0)).toBe(false)
    // Another epoch within the interval: not checked again.
    expect(attestedByMember(v, attestation(bob!, 5n), 100)).toBe(false)
    expect(attestedByMember(v, attestation(bob!, 5n), 600)).toBe(true)
    // A forgery in bob's name fails its check, and blocks checks of bob for the interval.
    expect(attestedByMember(v, attestation(carol!, 6n, bob!.identity), 1_200)).toBe(false)
    expect(attestedByMember(v, attestation(bob!, 6n), 1_300)).toBe(false)
    expect(attestedByMember(v, attestation(bob!, 6n), 1_800)).toBe(true)
  })

  it('commit requests: signed by a member of now or of the epoch asked about, near our clock, one check per member per half second', () => {
    const now = 1_000_000
    const bobView = { ...view(), memberId: bob!.identity, memberHex: toHex(bob!.identity), plugins: { consensus: { signer: bob! } } }
    const request = (signer: EthereumSigner, fromEpoch: bigint, at: number) =>
      decodeCommitRequest(encodeCommitRequest(signCommitRequest({ ...view(), memberId: signer.identity, plugins: { consensus: { signer } } }, { fromEpoch }, at)))
    const v = view()
    expect(commitRequestRefusal(v, request(bob!, 3n, now), now)).toBeUndefined()
    expect(commitRequestRefusal(v, request(bob!, 3n, now), now + 100)).toBe('commit request rate')
    expect(commitRequestRefusal(v, request(carol!, 1n, now), now)).toBeUndefined() // a member of epoch 1
    expect(commitRequestRefusal(v, request(carol!, 2n, now), now + 1_000)).toBe('commit request from a non-member')
    expect(commitRequestRefusal(bobView, request(alice!, 3n, now - 61_000), now)).toBe('commit request unsigned or signed too far from our clock')
    const forged = { ...request(carol!, 3n, now), memberId: alice!.identity }
    expect(commitRequestRefusal(bobView, forged, now)).toBe('commit request with a bad signature')
  })
})

describe('join/invite on InviteComponents', () => {
  const [alice, bob, carol] = [0, 1, 2].map((i) => new EthereumSigner(keyFor(i)))
  const now = 1_700_000_000_000
  /** Alice's view: alice and bob are members. */
  const view = () => {
    const events: ConversationEvent[] = []
    const sent: AppMessageInit[] = []
    const v: InviteComponents = {
      id: 'chat',
      memberId: alice!.identity,
      isMemberHex: (h) => h === toHex(alice!.identity) || h === toHex(bob!.identity),
      invitations: new InvitationBook(),
      plugins: { consensus: { signer: alice! } },
      emit: (e) => void events.push(e),
      sendEncrypted: async (m) => void sent.push(m),
    }
    return { v, events, sent }
  }
  const invitation = (signer: EthereumSigner, invitee: Uint8Array, at: number) =>
    decodeMemberInvitation(encodeMemberInvitation(signInvitation(signer, 'chat', invitee, at)))

  it('a member\'s invitation sent by itself or relayed by a member is kept once (an invite event); anything else is a typed drop', () => {
    const { v, events } = view()
    onInvitation(v, invitation(bob!, id(9), now), bob!.identity, now)
    onInvitation(v, invitation(bob!, id(9), now), bob!.identity, now)
    onInvitation(v, invitation(bob!, id(7), now), carol!.identity, now) // relayed by a non-member
    onInvitation(v, invitation(bob!, id(8), now), alice!.identity, now) // relayed by another member: kept
    onInvitation(v, invitation(carol!, id(8), now), carol!.identity, now) // by a non-member
    onInvitation(v, invitation(bob!, id(8), now + 61_000), bob!.identity, now) // dated ahead
    onInvitation(v, invitation(bob!, id(8), now - INVITATION_LIFETIME_MS), bob!.identity, now) // expired
    onInvitation(v, { ...invitation(carol!, id(8), now), inviter: bob!.identity }, bob!.identity, now) // forged
    expect(events.map((e) => (e.type === 'dropped' ? `${e.reason}: ${e.detail}` : e.type))).toEqual([
      'invite',
      'duplicate: invitation',
      'invalid-invite: invitation relayed by a non-member',
      'invite',
      'invalid-invite: invitation by a non-member',
      'invalid-invite: invitation dated in the future',
      'invalid-invite: invitation expired',
      'invalid-invite: invitation with a bad signature',
    ])
    expect(v.invitations.size).toBe(2)
  })

  it('ours is signed, kept, sent encrypted and reported; a sync carries the valid ones of members, and a joiner adopts them checked', async () => {
    const { v, events, sent } = view()
    const expiresAt = await sendInvitation(v, id(9), now)
    expect(expiresAt).toBe(now + INVITATION_LIFETIME_MS)
    expect(sent).toHaveLength(1)
    expect(events.map((e) => e.type)).toEqual(['invite'])
    const synced = invitationsForSync(v, now + 1)
    expect(synced.map((i) => toHex(i.invitee))).toEqual([hex(9)])
    expect(invitationsForSync(v, expiresAt)).toEqual([])
    const joiner = view()
    adoptSyncedInvitations(joiner.v, [...synced, invitation(carol!, id(7), now)], now + 1)
    expect(joiner.v.invitations.size).toBe(1)
    expect(joiner.events.map((e) => e.type === 'dropped' && e.detail)).toEqual(['synced: invitation by a non-member'])
  })

  /** Alice's view with the admission policy and the send gate (join-proposal evidence). */
  const evidenceView = (admission: 'invite' | 'open' = 'invite') => {
    const { v, events, sent } = view()
    const e: JoinEvidenceComponents = { ...v, config: { admission }, sm: { blocksMessaging: false } }
    return { e, events, sent }
  }
  const join = (joiner: Uint8Array, demlsInvitation?: MemberInvitation): ConversationUpdateRequest => ({
    payload: 'memberInvite',
    memberInvite: { keyPackageBytes: new Uint8Array([1]), memberId: joiner, ...(demlsInvitation ? { demlsInvitation } : {}) },
  })

  it('a join we propose carries the valid invitation we hold for its joiner (the newest); a stale one is replaced; open admission adds nothing', () => {
    const { e } = evidenceView()
    expect(withInvitation(e, join(id(9)), now).memberInvite?.demlsInvitation).toBeUndefined()
    e.invitations.add(invitation(bob!, id(9), now - 10), now - 10 + INVITATION_LIFETIME_MS)
    e.invitations.add(invitation(alice!, id(9), now), now + INVITATION_LIFETIME_MS)
    expect(toHex(withInvitation(e, join(id(9)), now).memberInvite!.demlsInvitation!.inviter)).toBe(toHex(alice!.identity))
    // A carried valid one stays; an expired one gives way to ours.
    const bobs = invitation(bob!, id(9), now - 10)
    expect(withInvitation(e, join(id(9), bobs), now).memberInvite?.demlsInvitation).toBe(bobs)
    const stale = invitation(bob!, id(9), now - INVITATION_LIFETIME_MS - 1)
    expect(toHex(withInvitation(e, join(id(9), stale), now).memberInvite!.demlsInvitation!.inviter)).toBe(toHex(alice!.identity))
    expect(withInvitation(evidenceView('open').e, join(id(9)), now).memberInvite?.demlsInvitation).toBeUndefined()
    const removal: ConversationUpdateRequest = { payload: 'removeMember', removeMember: { memberId: id(9) } }
    expect(withInvitation(e, removal, now)).toBe(removal)
  })

  it('a carried invitation is checked like a received one: a valid one is kept (it vouches), a bad one is a drop that vouches for nothing', () => {
    const { e, events } = evidenceView()
    expect(takeAttachedInvitation(e, join(id(9), invitation(bob!, id(8), now)), now)).toBe(false) // for another joiner
    expect(takeAttachedInvitation(e, join(id(9), invitation(carol!, id(9), now)), now)).toBe(false) // by a non-member
    expect(takeAttachedInvitation(e, join(id(9), { ...invitation(carol!, id(9), now), inviter: bob!.identity }), now)).toBe(false) // forged
    expect(takeAttachedInvitation(e, join(id(9), invitation(bob!, id(9), now - INVITATION_LIFETIME_MS)), now)).toBe(false) // expired
    expect(e.invitations.vouches(hex(9), now, e.isMemberHex)).toBe(false)
    expect(takeAttachedInvitation(e, join(id(9), invitation(bob!, id(9), now)), now)).toBe(true)
    expect(e.invitations.vouches(hex(9), now, e.isMemberHex)).toBe(true)
    // Held already: still valid evidence, no second event.
    expect(takeAttachedInvitation(e, join(id(9), invitation(bob!, id(9), now)), now)).toBe(true)
    expect(events.map((x) => (x.type === 'dropped' ? `${x.reason}: ${x.detail}` : x.type))).toEqual([
      'invalid-invite: attached to a join proposal: invitation for another joiner',
      'invalid-invite: attached to a join proposal: invitation by a non-member',
      'invalid-invite: attached to a join proposal: invitation with a bad signature',
      'invalid-invite: attached to a join proposal: invitation expired',
      'invite',
    ])
  })

  it('a join proposal without (valid) evidence makes a holder relay its invitation once; with evidence, or holding none, nothing is sent', async () => {
    const { e, sent } = evidenceView()
    await onJoinProposal(e, join(id(9)), now)
    expect(sent).toEqual([])
    const bobs = invitation(bob!, id(9), now)
    e.invitations.add(bobs, now + INVITATION_LIFETIME_MS)
    await onJoinProposal(e, join(id(9), bobs), now)
    expect(sent).toEqual([])
    await onJoinProposal(e, join(id(9), invitation(carol!, id(9), now)), now)
    await onJoinProposal(e, join(id(9)), now)
    expect(sent.map((m) => m.demlsControl?.invitation)).toEqual([bobs, bobs])
    // Not while the epoch changes, and never under open admission.
    await onJoinProposal({ ...e, sm: { blocksMessaging: true } }, join(id(9)), now)
    await onJoinProposal({ ...e, config: { admission: 'open' } }, join(id(9)), now)
    expect(sent).toHaveLength(2)
  })
})

describe('voting/certificates on CertificatesComponents', () => {
  const signers = Array.from({ length: 5 }, (_, i) => new EthereumSigner(keyFor(i)))
  const NOW = 1_800_000_000_000
  const target = id(9)
  const change = { action: 'remove' as const, memberId: target }
  const removal = (proposalId: number): Proposal =>
    createProposal(
      { owner: signers[1]!.identity, payload: encodeConversationUpdateRequest({ removeMember: { memberId: target } }), expectedVotersCount: 4, livenessCriteriaYes: true, proposalId },
      NOW,
    )
  /** Votes of `voters` on `p` (YES unless listed in `no`), chained as the consensus service chains them. */
  const votesOn = (p: Proposal, voters: number[], no: number[] = []): Vote[] => {
    const votes: Vote[] = []
    for (const i of voters) votes.push(buildVote({ proposal: { proposalId: p.proposalId, votes }, choice: !no.includes(i), signer: signers[i]!, now: NOW + 1_000 }))
    return votes
  }
  const bindingOf = (p: Proposal, v: Vote, by: number) => signers[by]!.sign(voteBindingPayload('chat', p, v.voteHash))
  const owners = (votes: readonly Vote[]) => votes.map((v) => signers.findIndex((s) => toHex(s.identity) === toHex(v.voteOwner)))
  const members = new Set(signers.slice(0, 4).map((s) => toHex(s.identity)))
  /** Member 0's view of a group of members 0..3; `held` are the proposals its consensus service holds. */
  const view = (referenceGaps: { uncertifiedChanges?: boolean } = {}) => {
    const held = new Map<number, Proposal>()
    const scores: ScoreOp[] = []
    const events: ConversationEvent[] = []
    const s: CertificatesComponents = {
      id: 'chat',
      memberId: signers[0]!.identity,
      memberHex: toHex(signers[0]!.identity),
      blsBindings: new BlsBindingBook(),
      config: { referenceGaps },
      certificates: new CertificateState(),
      consensus: { getProposal: (_scope, proposalId) => held.get(proposalId) },
      plugins: { consensus: { signer: signers[0]!, rule: consensusResult } },
      memberSet: () => members,
      membership: { epochHistory: new Map(), joinElectorate: undefined },
      voting: { equivocations: new Map() },
      applyScores: (ops) => void scores.push(...ops),
      emit: (e) => void events.push(e),
    }
    return { s, held, scores, events }
  }

  it('bindings: ours are signed on demand and kept; received ones are kept once checked against the proposal held, those that came first wait for it; a forged one is never kept', () => {
    const { s, held } = view()
    const p = removal(1)
    const votes = votesOn(p, [0, 1, 2, 3])
    // Bob's vote and binding come before the proposal: kept unchecked.
    noteBindings(s, 1, [votes[1]!], [bindingOf(p, votes[1]!, 1)])
    expect(s.certificates.bindings.size).toBe(0)
    expect(s.certificates.unchecked.size).toBe(1)
    held.set(1, { ...p, votes: votes.slice(0, 2) })
    noteBindings(s, 1, [votes[2]!, votes[3]!], [bindingOf(p, votes[2]!, 2), bindingOf(p, votes[3]!, 2)]) // the last one signed by someone else
    expect(s.certificates.unchecked.size).toBe(0)
    expect(s.certificates.bindings.has(toHex(votes[1]!.voteHash))).toBe(true)
    expect(s.certificates.bindings.has(toHex(votes[2]!.voteHash))).toBe(true)
    expect(s.certificates.bindings.has(toHex(votes[3]!.voteHash))).toBe(false)
    const sent = bindingsOf(s, p, votes)
    expect(sent.map((b) => b.length > 0)).toEqual([true, true, true, false])
    expect(sent[0]).toEqual(bindOwnVote(s, p, votes[0]!)) // kept: the same binding again
    expect(bindingsOf(view({ uncertifiedChanges: true }).s, p, votes)).toEqual([])
    expect(certifies(view({ uncertifiedChanges: true }).s)).toBe(false)
  })

  it('a binding its voter sent itself is kept unchecked at the size of its vote signature; a bad one costs the reader of the certificate only that vote', () => {
    const { s, held } = view()
    const p = removal(5)
    const votes = votesOn(p, [0, 1, 2, 3])
    held.set(5, { ...p, votes })
    const verify = vi.spyOn(signers[0]!, 'verify')
    try {
      noteBindings(s, 5, [votes[1]!], [bindingOf(p, votes[1]!, 1)], signers[1]!.identity)
      noteBindings(s, 5, [votes[2]!], [bindingOf(p, votes[2]!, 3)], signers[2]!.identity) // a signature of the right size, by another key
      noteBindings(s, 5, [votes[3]!], [new Uint8Array(4096)], signers[3]!.identity) // not a signature's size: never kept
      expect(verify).not.toHaveBeenCalled()
      expect([1, 2, 3].map((i) => s.certificates.bindings.has(toHex(votes[i]!.voteHash)))).toEqual([true, true, false])
      // Forwarded by another member (Bob relays Dave's vote): checked, and a bad one is not kept.
      noteBindings(s, 5, [votes[3]!], [bindingOf(p, votes[3]!, 1)], signers[1]!.identity)
      expect(verify).toHaveBeenCalledTimes(1)
      expect(s.certificates.bindings.has(toHex(votes[3]!.voteHash))).toBe(false)
      noteBindings(s, 5, [votes[3]!], [bindingOf(p, votes[3]!, 3)], signers[3]!.identity)
    } finally {
      verify.mockRestore()
    }
    const cert = localCertificate(s, 5)!
    expect(owners(cert.proposal!.votes)).toEqual([0, 1, 2, 3])
    const read = verifyCertificate(cert, { conversationId: 'chat', members, rule: consensusResult, verifier: signers[0]! })
    expect(read.ok && read.voters).toBe(3) // Carol's vote, with the binding another key signed, does not count
  })

  it('an approval keeps the certificate of the votes we hold a binding for, by target, until the commit that carries it takes it', () => {
    const { s, held } = view()
    const p = removal(2)
    const votes = votesOn(p, [0, 1, 2, 3])
    held.set(2, { ...p, votes })
    noteBindings(s, 2, votes.slice(1, 3), [bindingOf(p, votes[1]!, 1), bindingOf(p, votes[2]!, 2)])
    const local = localCertificate(s, 2)
    expect(owners(local!.proposal!.votes)).toEqual([0, 1, 2])
    expect(localCertificate(s, 99)).toBeUndefined()
    certifyApproval(s, 2, { payload: 'removeMember', removeMember: { memberId: target } })
    expect([...s.certificates.approved.keys()]).toEqual([keyOfTarget({ action: 'remove', member: target })])
    expect(takeApprovedCertificates(s, [change]).map((c) => owners(c.proposal!.votes))).toEqual([[0, 1, 2]])
    expect(s.certificates.approved.size).toBe(0)
    expect(takeApprovedCertificates(s, [change])).toEqual([])
  })

  it('authorizeChanges: our own approval, else an offered certificate verified against the members the commit leaves (with the votes we hold), else the merge quorum; nothing proves a change: refused', () => {
    const p = removal(3)
    const votes = votesOn(p, [0, 1, 2, 3])
    const offered = (voters: number[]) => ({ proposal: { ...p, votes: voters.map((i) => votes[i]!) }, voteBindings: voters.map((i) => bindingOf(p, votes[i]!, i)), demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n })
    const key = keyOfTarget({ action: 'remove', member: target })
    expect(authorizeChanges(view().s, [change], [], members, new Set([key]))).toEqual({ ok: true, certificates: [] })
    expect(authorizeChanges(view({ uncertifiedChanges: true }).s, [change], [], members, new Set())).toEqual({ ok: true, certificates: [] })
    const proved = authorizeChanges(view().s, [change], [offered([0, 1, 2, 3])], members, new Set())
    expect(proved.ok && proved.certificates.length).toBe(1)
    const tooFew = authorizeChanges(view().s, [change], [offered([1])], members, new Set())
    expect(tooFew).toEqual({ ok: false, reason: expect.stringMatching(/^no verifiable approval for remove:/) })
    // Two replays of one proposal, each with part of the votes: together they prove it.
    const { s } = view()
    expect(authorizeChanges(s, [change], [offered([1, 2])], members, new Set()).ok).toBe(false)
    expect(authorizeChanges(s, [change], [offered([3, 0])], members, new Set()).ok).toBe(true)
  })

  it('the merge quorum: more members of the epoch than can be Byzantine signed that they merged the commit, its committer not counted; the attestations are kept', () => {
    const commitHash = new Uint8Array(32).fill(7)
    const attestation = (by: number, epoch = 5n) => decodeEpochAttestation(encodeEpochAttestation(signAttestation(signers[by]!, 'chat', { epoch, commitHash, signedAtMs: 1n })))
    const merge = (by: number[]) => ({ epoch: 5n, commitHash, committer: signers[3]!.identity, attestations: by.map((i) => attestation(i)) })
    const { s } = view()
    expect(mergedByQuorum(s, merge([1, 2]), members)).toBe(true) // f + 1 = 2 of 4
    expect(mergedByQuorum(s, merge([1, 3]), members)).toBe(false) // the committer's own word
    expect(mergedByQuorum(s, merge([1, 4]), members)).toBe(false) // not a member
    expect(mergedByQuorum(s, { ...merge([1]), attestations: [attestation(1), attestation(2, 6n)] }, members)).toBe(false) // another epoch
    expect(authorizeChanges(s, [change], [], members, new Set(), merge([1, 2])).ok).toBe(true)
    expect(s.certificates.mergedBy(5n, commitHash).length).toBe(2)
    expect(authorizeChanges(view().s, [change], [], members, new Set(), merge([1])).ok).toBe(false)
  })

  it('a member that voted one way to us and the other way in an offered certificate is caught there (penalised and reported once)', () => {
    const { s, held, scores, events } = view()
    const p = removal(4)
    const yes = votesOn(p, [0, 1, 2])
    const no = votesOn(p, [2], [2])
    held.set(4, { ...p, votes: yes })
    noteBindings(s, 4, yes.slice(1), [bindingOf(p, yes[1]!, 1), bindingOf(p, yes[2]!, 2)])
    const cert = { proposal: { ...p, votes: no }, voteBindings: [bindingOf(p, no[0]!, 2)], demlsAggregateProof: new Uint8Array(0), demlsAggregateEpoch: 0n }
    authorizeChanges(s, [change], [cert], members, new Set())
    expect(scores).toEqual([{ memberId: signers[2]!.identity, event: ScoreEvent.EquivocatingVote }])
    expect(events.map((e) => e.type)).toEqual(['equivocation'])
  })
})

describe('sync/conversation-sync on ConversationSyncComponents', () => {
  const NOW = 1_800_000_000_000
  const signers = Array.from({ length: 4 }, (_, i) => new EthereumSigner(keyFor(i)))
  const ids = signers.map((s) => s.identity)
  /** Member `member`'s view at `epoch` of a group of `group` (indexes), with the default plug-ins (no MLS group). */
  const view = async (member: number, group: number[], epoch: bigint, init: ConversationConfigInit = {}): Promise<ConversationSyncComponents> => {
    const plugins = await defaultPlugins(keyFor(member))
    const config = resolveConfig(init)
    const set = new Set(group.map((i) => toHex(ids[i]!)))
    return {
      memberId: ids[member]!,
      idBytes: new TextEncoder().encode('chat'),
      epoch: () => epoch,
      memberSet: () => set,
      isMemberHex: (h) => set.has(h),
      config,
      plugins,
      steward: plugins.makeStewardList('chat', { config: config.stewardList, maxRetries: config.maxReelectionAttempts }),
      scoring: plugins.makeScoring({}),
      invitations: new InvitationBook(),
    }
  }
  const roundTrip = (s: ConversationSyncInit) => decodeConversationSync(encodeConversationSync(s))

  it('the committing steward\'s sync carries its list, bounds, scores, timing, admission, plug-ins and the invitations of members; the joiner adopts them', async () => {
    const steward = await view(0, [0, 1, 2], 3n, { admission: 'open', livenessCriteriaYes: false, pendingUpdateMaxEpochs: 7 })
    steward.steward.installList(2n, ids.slice(0, 3))
    steward.invitations.add({ inviter: ids[1]!, invitee: id(8), issuedAtMs: BigInt(NOW), signature: new Uint8Array(0) }, NOW + 60_000)
    steward.invitations.add({ inviter: id(9), invitee: id(7), issuedAtMs: BigInt(NOW), signature: new Uint8Array(0) }, NOW + 60_000) // not a member's
    const sync = roundTrip(buildSync(steward, NOW))
    expect(sync.stewardMembers.map(toHex)).toEqual(steward.steward.currentList()!.members.map(toHex))
    expect(sync.electionEpoch).toBe(2n)
    expect(sync.demlsInvitations.map((i) => toHex(i.invitee))).toEqual([hex(8)])
    const joiner = await view(3, [0, 1, 2, 3], 3n)
    const before = joiner.config
    expect(applySync(joiner, sync)).toBeUndefined()
    expect(joiner.config).not.toBe(before)
    expect({ admission: joiner.config.admission, liveness: joiner.config.livenessCriteriaYes, pending: joiner.config.pendingUpdateMaxEpochs }).toEqual({ admission: 'open', liveness: false, pending: 7 })
    expect(joiner.steward.currentList()!.members.map(toHex)).toEqual(sync.stewardMembers.map(toHex))
    expect(joiner.scoring.threshold()).toBe(steward.scoring.threshold())
  })

  it('a sync that fails validation changes nothing (a silent reject); other plug-ins throw', async () => {
    const steward = await view(0, [0, 1, 2], 3n)
    steward.steward.installList(2n, ids.slice(0, 3))
    const sync = roundTrip(buildSync(steward, NOW))
    const joiner = await view(3, [0, 1, 2, 3], 3n)
    const before = joiner.config
    expect(sync.stewardMembers).toHaveLength(2)
    expect(applySync(joiner, { ...sync, stewardMembers: [...sync.stewardMembers].reverse() })).toBe('invalid-steward-order')
    expect(applySync(joiner, { ...sync, electionEpoch: 4n })).toBe('future-election-epoch')
    expect(joiner.config).toBe(before)
    expect(joiner.steward.currentList()).toBeUndefined()
    const otherPlugins = sync.demlsPlugins.map((p) => (p.role === 'consensus' ? { ...p, version: 'other' } : p))
    expect(() => applySync(joiner, { ...sync, demlsPlugins: otherPlugins })).toThrow(PluginMismatchError)
    expect(() => checkPlugins(joiner, [])).not.toThrow()
  })
})

describe('sync/backfill on BackfillComponents', () => {
  const NOW = 1_800_000_000_000
  const [alice, bob, carol] = [0, 1, 2].map((i) => new EthereumSigner(keyFor(i)))
  /** `signer`'s view of a group of alice and bob, with no steward list (everyone answers) unless `stewards`. */
  const view = (signer: EthereumSigner, stewards?: Uint8Array[]) => {
    const sent: AppMessageInit[] = []
    const members = new Set([toHex(alice!.identity), toHex(bob!.identity)])
    const s: BackfillComponents = {
      id: 'chat',
      memberId: signer.identity,
      memberHex: toHex(signer.identity),
      history: new HistoryState(),
      steward: {
        currentList: () => (stewards === undefined ? undefined : ({ members: stewards } as unknown as ReturnType<BackfillComponents['steward']['currentList']>)),
        isSteward: (m) => stewards?.some((x) => toHex(x) === toHex(m)) ?? false,
      },
      plugins: { consensus: { signer: signer } },
      isMemberHex: (h) => members.has(h),
      sendPlain: (m) => void sent.push(m),
    }
    return { s, sent }
  }
  const requestOf = (m: AppMessageInit | undefined) => decodeHistoryRequest(encodeHistoryRequest(m!.demlsControl!.historyRequest!))

  it('chat is kept within the limits; a returning member\'s signed request is answered by a member with what was kept since, and retried until answered', () => {
    const { s: a, sent: fromA } = view(alice!)
    for (let i = 0; i < HISTORY_LIMITS.packets + 2; i++) keepChat(a, new Uint8Array([i % 256]), NOW + i)
    expect(a.history.kept.length).toBe(HISTORY_LIMITS.packets)
    keepChat(a, new Uint8Array([1]), NOW + HISTORY_LIMITS.ageMs + 1_000)
    expect(a.history.kept.length).toBeLessThan(HISTORY_LIMITS.packets)
    const { s: b, sent: fromB } = view(bob!)
    requestHistory(b, NOW + HISTORY_LIMITS.ageMs, NOW + HISTORY_LIMITS.ageMs)
    expect(historyDeadline(b)).toBe(NOW + HISTORY_LIMITS.ageMs + HISTORY_LIMITS.retryMs)
    const at = NOW + HISTORY_LIMITS.ageMs + 10
    expect(answerHistory(a, requestOf(fromB[0]), at)).toBeUndefined()
    const reply = decodeHistoryReply(encodeHistoryReply(fromA[0]!.demlsControl!.historyReply!))
    expect(toHex(reply.toMember)).toBe(toHex(bob!.identity))
    expect(reply.packets.length).toBeGreaterThan(0)
    expect(answerHistory(a, requestOf(fromB[0]), at + 1)).toBeUndefined() // answered lately: quiet
    expect(fromA).toHaveLength(1)
    retryHistory(b, at)
    expect(fromB).toHaveLength(1) // not due yet
    retryHistory(b, NOW + HISTORY_LIMITS.ageMs + HISTORY_LIMITS.retryMs)
    expect(fromB).toHaveLength(2)
    const packets = takeHistoryReply(b, reply, at + 20)
    expect(packets.length).toBe(reply.packets.length)
    expect(historyDeadline(b)).toBeUndefined()
    expect(takeHistoryReply(b, reply, at + 30)).toEqual([]) // taken already
    expect(takeHistoryReply(a, reply, at + 30)).toEqual([]) // not ours
  })

  it('refusals: our own request, a non-member\'s, one signed far from our clock or by someone else; a member that is not a steward stays quiet', () => {
    const { s: a, sent } = view(alice!)
    const requestBy = (signer: EthereumSigner, at: number) => {
      const v = view(signer)
      requestHistory(v.s, NOW, at)
      return requestOf(v.sent[0])
    }
    expect(answerHistory(a, requestBy(alice!, NOW), NOW)).toBe('own request')
    expect(answerHistory(a, requestBy(carol!, NOW), NOW)).toBe('history request from a non-member')
    expect(answerHistory(a, requestBy(bob!, NOW - HISTORY_LIMITS.requestSkewMs - 1), NOW)).toBe('history request signed too far from our clock')
    expect(answerHistory(a, { ...requestBy(carol!, NOW), memberId: bob!.identity }, NOW)).toBe('history request with a bad signature')
    expect(answerHistory(view(alice!, [carol!.identity]).s, requestBy(bob!, NOW), NOW)).toBeUndefined()
    expect(sent).toEqual([])
  })
})

describe('join/responder on ResponderComponents', () => {
  const NOW = 1_800_000_000_000
  const [alice, bob] = [0, 1].map((i) => new EthereumSigner(keyFor(i)))
  /** Alice's view of a group of alice and bob at epoch 4; she acts as epoch steward when `acting`. */
  const view = async (acting: boolean, perSecond = 20) => {
    const plugins = await defaultPlugins(keyFor(0))
    const events: ConversationEvent[] = []
    const held = new Map<number, Proposal>()
    const members = [alice!.identity, bob!.identity]
    const sm: { state: ConversationState } = { state: 'working' }
    const s: ResponderComponents = {
      id: 'chat',
      memberId: alice!.identity,
      config: { probeAnswerDelayMs: 500, probeAnswerIntervalMs: 2_000, probeAnswersPerSecond: perSecond, admission: 'invite' },
      joinResponder: new JoinResponderState(),
      sm,
      mls: { isMember: (m) => members.some((x) => toHex(x) === toHex(m)), members: () => members },
      steward: { currentList: () => undefined },
      consensus: { getProposal: (_scope, proposalId) => held.get(proposalId), getSession: () => undefined },
      invitations: new InvitationBook(),
      queues: { voting: new Map(), approved: new Map() },
      plugins,
      scoring: plugins.makeScoring({}),
      outbox: { packets: [] },
      epoch: () => 4n,
      epochSteward: () => alice!.identity,
      isEpochSteward: () => acting,
      isMemberHex: (h) => members.some((x) => toHex(x) === h),
      emit: (e) => void events.push(e),
    }
    return { s, events, held, sm }
  }
  const probe = (prober: number, nonce: number): JoinProbe => ({ memberId: id(prober), nonce: new Uint8Array(PROBE_NONCE_LENGTH).fill(nonce), sentAtMs: 0n })
  const welcomeOf = (s: ResponderComponents) => s.outbox.packets.map((o) => decodeWelcomeChannelMessage(o.payload))
  const drops = (events: ConversationEvent[]) => events.map((e) => (e.type === 'dropped' ? `${e.reason}: ${e.detail}` : e.type))

  it('the acting epoch steward answers a probe at once with a signed beacon, once per prober per interval and within its budget; malformed, repeated or off-phase probes are typed drops', async () => {
    const { s, events, sm } = await view(true, 2)
    onJoinProbe(s, probe(7, 1), NOW)
    const [beacon] = welcomeOf(s).map((m) => m.joinBeacon!)
    expect(beacon && verifyJoinBeacon(alice!, beacon)).toBe(true)
    expect({ epoch: beacon!.epoch, members: beacon!.memberCount, responder: toHex(beacon!.responder) }).toEqual({ epoch: 4n, members: 2, responder: toHex(alice!.identity) })
    onJoinProbe(s, probe(7, 1), NOW) // the same probe
    onJoinProbe(s, probe(7, 2), NOW + 1) // the same prober
    onJoinProbe(s, { ...probe(7, 3), nonce: new Uint8Array(3) }, NOW + 1)
    // Probes right after our beacon wait half a step (250 ms) and share the next one.
    onJoinProbe(s, probe(8, 4), NOW + 2)
    onJoinProbe(s, probe(9, 5), NOW + 3)
    expect(s.outbox.packets).toHaveLength(1)
    expect(joinAnswerDeadline(s)).toBe(NOW + 250)
    answerDueProbes(s, NOW + 250)
    const shared = welcomeOf(s)[1]!.joinBeacon!
    expect(verifyJoinBeacon(alice!, shared)).toBe(true)
    expect([shared.nonce, ...shared.moreNonces].map(toHex)).toEqual([probe(8, 4).nonce, probe(9, 5).nonce].map(toHex))
    onJoinProbe(s, probe(11, 7), NOW + 600) // the third beacon in a second: it waits for the next second's budget
    expect(s.outbox.packets).toHaveLength(2)
    expect(joinAnswerDeadline(s)).toBe(NOW + 1_000)
    sm.state = 'freezing'
    onJoinProbe(s, probe(10, 6), NOW + 700)
    expect(drops(events)).toEqual([
      'duplicate: join probe',
      'rate-limited: join probe: prober answered recently',
      'undecodable: malformed join probe',
      'rate-limited: join probe: beacon budget exhausted, the answer waits',
      'not-working: join probe',
    ])
    sm.state = 'working'
    answerDueProbes(s, NOW + 1_000)
    const third = welcomeOf(s)[2]!.joinBeacon!
    expect(verifyJoinBeacon(alice!, third)).toBe(true)
    expect([third.nonce, ...third.moreNonces].map(toHex)).toEqual([toHex(probe(11, 7).nonce)])
  })

  it('one beacon answers at most 32 probes: more due at once go out in further beacons, each within the budget', async () => {
    const { s, events } = await view(true, 3)
    onJoinProbe(s, probe(1, 1), NOW)
    for (let k = 2; k <= 66; k++) onJoinProbe(s, probe(k, k), NOW + 1)
    expect(s.joinResponder.pending.size).toBe(65) // all wait: up to what 3 beacons a second answer (96)
    answerDueProbes(s, NOW + 250)
    const beacons = welcomeOf(s).map((m) => m.joinBeacon!)
    expect(beacons.map((b) => 1 + b.moreNonces.length)).toEqual([1, 32, 32]) // the budget's 3 beacons this second
    expect(beacons.every((b) => verifyJoinBeacon(alice!, b))).toBe(true)
    // The last probe waits for the next second's budget instead of being dropped.
    expect(s.joinResponder.pending.size).toBe(1)
    expect(joinAnswerDeadline(s)).toBe(NOW + 1_000)
    answerDueProbes(s, NOW + 1_000)
    expect(welcomeOf(s).map((m) => 1 + m.joinBeacon!.moreNonces.length)).toEqual([1, 32, 32, 1])
    // Past the cap (96 waiting with a budget of 3) a probe is dropped, to be answered at its prober's next probe.
    for (let k = 100; k < 100 + 97; k++) onJoinProbe(s, probe(k, k & 0xff), NOW + 1_100)
    expect(s.joinResponder.pending.size).toBe(96)
    expect(drops(events).filter((d) => d.includes('too many waiting'))).toHaveLength(1)
  })

  it('a beacon naming more than 32 probes is malformed: a member does not take it as an answer, whatever its signature', async () => {
    const { s } = await view(false)
    onJoinProbe(s, probe(7, 1), NOW)
    const many = Array.from({ length: 32 }, (_, k) => probe(100 + k, 100 + k).nonce)
    const fromBob = decodeWelcomeChannelMessage(
      encodeWelcomeChannelMessage({ joinBeacon: signJoinBeacon(bob!, { conversationId: 'chat', epoch: 4n, memberCount: 2, nonce: probe(7, 1).nonce, moreNonces: many, signedAtMs: NOW }) }),
    ).joinBeacon!
    expect(beaconNonces(fromBob)).toBeUndefined()
    onJoinBeacon(s, fromBob, NOW + 10)
    expect(s.joinResponder.pending.size).toBe(1)
  })

  it('another member waits its delay: a member\'s valid beacon answers for it, else it answers when due', async () => {
    const { s } = await view(false)
    onJoinProbe(s, probe(7, 1), NOW)
    onJoinProbe(s, probe(8, 2), NOW)
    const due = joinAnswerDeadline(s)!
    expect(due).toBeGreaterThan(NOW)
    expect(s.outbox.packets).toEqual([])
    const fromBob = decodeWelcomeChannelMessage(
      encodeWelcomeChannelMessage({ joinBeacon: signJoinBeacon(bob!, { conversationId: 'chat', epoch: 4n, memberCount: 2, nonce: probe(7, 1).nonce, signedAtMs: NOW }) }),
    ).joinBeacon!
    onJoinBeacon(s, fromBob, NOW + 10)
    expect(s.joinResponder.pending.size).toBe(1)
    // A beacon answering several probes answers for each of them (and only if its signature holds).
    onJoinProbe(s, probe(12, 12), NOW + 20)
    onJoinProbe(s, probe(13, 13), NOW + 20)
    const forged = { ...fromBob, moreNonces: [probe(12, 12).nonce] }
    onJoinBeacon(s, forged, NOW + 30)
    expect(s.joinResponder.pending.size).toBe(3)
    const both = decodeWelcomeChannelMessage(
      encodeWelcomeChannelMessage({
        joinBeacon: signJoinBeacon(bob!, { conversationId: 'chat', epoch: 4n, memberCount: 2, nonce: probe(12, 12).nonce, moreNonces: [probe(13, 13).nonce], signedAtMs: NOW }),
      }),
    ).joinBeacon!
    onJoinBeacon(s, both, NOW + 40)
    expect(s.joinResponder.pending.size).toBe(1)
    answerDueProbes(s, due - 1)
    expect(s.outbox.packets).toEqual([])
    answerDueProbes(s, Math.max(due, joinAnswerDeadline(s)!))
    expect(welcomeOf(s).map((m) => toHex(m.joinBeacon!.nonce))).toEqual([toHex(probe(8, 2).nonce)])
    expect(joinAnswerDeadline(s)).toBeUndefined()
  })

  it('a join proposal\'s owner acknowledges it, reports its result (not an undecided vote) and re-sends its status to a joiner that announces again, at most once per interval', async () => {
    const { s, held } = await view(false)
    const invite = { memberId: id(7), keyPackageBytes: new Uint8Array([1, 2, 3]) }
    const request: ConversationUpdateRequest = { payload: 'memberInvite', memberInvite: invite }
    held.set(3, { proposalOwner: alice!.identity } as Proposal)
    held.set(4, { proposalOwner: bob!.identity } as Proposal)
    const statuses = () => welcomeOf(s).map((m) => [m.joinStatus!.proposalId, m.joinStatus!.status, verifyJoinStatus(alice!, m.joinStatus!)])
    onInviteProposed(s, 3, request, NOW)
    onInviteResolved(s, 3, request, true, false, NOW)
    onInviteResolved(s, 3, request, false, true, NOW) // undecided
    onInviteResolved(s, 4, request, true, false, NOW) // bob's
    expect(statuses()).toEqual([
      [3, JoinStatusKind.JOIN_STATUS_ACKED, true],
      [3, JoinStatusKind.JOIN_STATUS_ADMITTED, true],
    ])
    s.queues.voting.set(3, request)
    onRepeatedAnnouncement(s, invite, NOW + 1_000)
    onRepeatedAnnouncement(s, invite, NOW + 2_000)
    expect(statuses().slice(2)).toEqual([[3, JoinStatusKind.JOIN_STATUS_ACKED, true]])
  })
})

describe('sync/catch-up onControl on ControlComponents: every reply and event is returned, none sent', () => {
  const NOW = 1_800_000_000_000
  const [alice, bob, carol] = [0, 1, 2].map((i) => new EthereumSigner(keyFor(i)))
  const ours = new Uint8Array(32).fill(1)
  /** Alice's view at epoch 5 of a group of alice and bob (on `branch`): no outbox and no event sink, by type. */
  const view = (branch?: BranchPoint) => {
    const members = new Set([toHex(alice!.identity), toHex(bob!.identity)])
    const held = new Map<number, Proposal>()
    const released: string[] = []
    const s: ControlComponents = {
      id: 'chat',
      memberId: alice!.identity,
      memberHex: toHex(alice!.identity),
      config: resolveConfig({}),
      epoch: () => 5n,
      memberSet: () => members,
      isMemberHex: (h) => members.has(h),
      membership: { epochHistory: new Map() },
      liveness: Object.assign(new LivenessState(), { lastSeen: new Map([[toHex(bob!.identity), NOW - 10_000]]) }),
      provisional: undefined,
      mls: { epochAuthenticator: () => ours },
      plugins: { consensus: { signer: alice! }, mls: { releaseKeyPackage: (conversationId) => released.push(conversationId) > 0 } },
      catchUp: new CatchUpState(),
      certificates: new CertificateState(),
      branch,
      priorBranches: [],
      steward: { currentList: () => undefined, isSteward: () => false },
      consensus: { getProposal: (_scope, proposalId) => held.get(proposalId) },
      voting: { voided: new Set() },
      sm: { state: 'working' },
    }
    return { s, held, released }
  }
  const control = (c: NonNullable<AppMessageInit['demlsControl']>) => decodeAppMessage(encodeAppMessage({ demlsControl: c })).demlsControl!
  const attested = (by: EthereumSigner, epoch: bigint, at: number, fields: { commitHash?: Uint8Array; authenticatorHash?: Uint8Array } = {}) =>
    control({ attestation: signAttestation(by, 'chat', { epoch, signedAtMs: at, ...fields }) })
  const candidate = decodeCommitCandidate(encodeCommitCandidate({ conversationId: new TextEncoder().encode('chat'), commitMessage: new Uint8Array([4, 4]), stewardMemberId: alice!.identity }))
  const replayed = (fromEpoch: bigint, mergedBy: EpochAttestationInit[] = []) => control({ commitReplay: { fromEpoch, candidate, certificates: [], mergedBy } })

  it('attestations: a member ahead makes us ask for the commit that left our epoch (at once, in a freeze round too), one behind gets our attestation (rate-limited); both are returned', () => {
    const { s } = view()
    const ahead = onControl(s, attested(bob!, 7n, NOW), NOW)
    expect(ahead.events).toEqual([])
    expect(ahead.send.map((m) => m.demlsControl?.commitRequest?.fromEpoch)).toEqual([5n])
    expect(s.catchUp.knownEpoch).toBe(7n)
    expect(s.liveness.lastSeen.get(toHex(bob!.identity))).toBe(NOW) // a sign of life, at its signing time
    // In our own freeze round too (holding the candidate is no proof we can merge it): at once, then backing off.
    const { s: freezing } = view()
    Object.assign(freezing, { sm: { state: 'freezing' } })
    expect(onControl(freezing, attested(bob!, 7n, NOW), NOW).send.map((m) => m.demlsControl?.commitRequest?.fromEpoch)).toEqual([5n])
    expect(onControl(freezing, attested(bob!, 7n, NOW + 999), NOW + 999).send).toEqual([])
    const again = onControl(freezing, attested(bob!, 7n, NOW + 1_000), NOW + 1_000)
    expect(again.send.map((m) => m.demlsControl?.commitRequest?.fromEpoch)).toEqual([5n])
    const behind = onControl(s, attested(bob!, 3n, NOW + 1_000), NOW + 1_000)
    const [ourAttestation] = behind.send.map((m) => m.demlsControl?.attestation)
    expect(ourAttestation && { epoch: ourAttestation.epoch, by: toHex(ourAttestation.memberId as Uint8Array) }).toEqual({ epoch: 5n, by: toHex(alice!.identity) })
    expect(onControl(s, attested(bob!, 3n, NOW + 1_500), NOW + 1_500).send).toEqual([]) // within the re-send interval
  })

  it('in a larger group, an attestation of a member behind us is answered only by the few members it picks, a different few for each', () => {
    const { s } = view()
    const others = Array.from({ length: 10 }, (_, i) => toHex(new EthereumSigner(keyFor(10 + i)).identity))
    const members = new Set([toHex(alice!.identity), toHex(bob!.identity), ...others])
    Object.assign(s, { memberSet: () => members, isMemberHex: (h: string) => members.has(h) })
    let answered = 0
    for (let k = 0; k < 20; k++) {
      const at = NOW + 2_000 * k
      const a = attested(bob!, 3n, at)
      const picked = isAmongClosest(listAnswerTarget(a.attestation!), members, toHex(bob!.identity), s.memberHex, LIST_ANSWERERS)
      expect(onControl(s, a, at).send.length).toBe(picked ? 1 : 0)
      if (picked) answered++
    }
    expect(answered).toBeGreaterThan(0)
    expect(answered).toBeLessThan(20)
  })

  it('fork healing: a better branch at our epoch is asked for by its hash; a worse one gets our attestation', () => {
    const branch = { epoch: 4n, hashHex: '80'.repeat(32), committer: alice!.identity, session: { steward: undefined } } as unknown as BranchPoint
    const { s } = view(branch)
    const better = onControl(s, attested(bob!, 5n, NOW, { commitHash: new Uint8Array(32) }), NOW)
    const request = better.send[0]?.demlsControl?.commitRequest
    expect(request && { fromEpoch: request.fromEpoch, hash: toHex(request.commitHash as Uint8Array) }).toEqual({ fromEpoch: 4n, hash: '00'.repeat(32) })
    expect(s.catchUp.wantBranch?.epoch).toBe(5n)
    const { s: other } = view(branch)
    const worse = onControl(other, attested(bob!, 5n, NOW, { commitHash: new Uint8Array(32).fill(0xff) }), NOW)
    expect(worse.send.map((m) => m.demlsControl?.attestation?.epoch)).toEqual([5n])
    expect(other.catchUp.wantBranch).toBeUndefined()
  })

  it('commit requests: the committer answers a member with the logged commit (once per interval); a non-member\'s request is a returned drop', () => {
    const { s } = view()
    s.catchUp.log.set('4', candidate)
    const by = (signer: EthereumSigner, at: number) =>
      control({ commitRequest: signCommitRequest({ ...s, memberId: signer.identity, plugins: { consensus: { signer } } }, { fromEpoch: 4n }, at) })
    const answered = onControl(s, by(bob!, NOW), NOW)
    expect(answered.events).toEqual([])
    const replay = answered.send[0]?.demlsControl?.commitReplay
    expect(replay && { fromEpoch: replay.fromEpoch, commit: replay.candidate?.commitMessage, certificates: replay.certificates, mergedBy: replay.mergedBy }).toEqual({
      fromEpoch: 4n,
      commit: candidate.commitMessage,
      certificates: [],
      mergedBy: [],
    })
    expect(onControl(s, by(bob!, NOW + 100), NOW + 100)).toEqual({ events: [], send: [] }) // rate-limited, silently
    const refused = onControl(s, by(carol!, NOW + 700), NOW + 700)
    expect(refused.send).toEqual([])
    expect(refused.events).toEqual([{ type: 'dropped', reason: 'unauthorized', detail: 'commit request from a non-member' }])
    expect(onControl(s, by(bob!, NOW + 2_000), NOW + 2_000).send[0]?.demlsControl?.commitReplay?.fromEpoch).toBe(4n) // 2 s later
  })

  it('commit requests: another member\'s replay of the commit we logged counts as our answer; a replay of other bytes (anyone can send one) does not silence us', () => {
    const { s } = view()
    s.catchUp.log.set('4', candidate)
    const ask = (at: number) => control({ commitRequest: signCommitRequest({ ...s, memberId: bob!.identity, plugins: { consensus: { signer: bob! } } }, { fromEpoch: 4n }, at) })
    const other = decodeCommitCandidate(encodeCommitCandidate({ ...candidate, commitMessage: new Uint8Array([6, 6, 6]) }))
    const junk = control({ commitReplay: { fromEpoch: 4n, candidate: other, certificates: [], mergedBy: [] } })
    onControl(s, junk, NOW)
    expect(onControl(s, ask(NOW + 1), NOW + 1).send[0]?.demlsControl?.commitReplay?.candidate?.commitMessage).toEqual(candidate.commitMessage)
    // Someone else answered with our very commit: we stay quiet for the interval.
    onControl(s, replayed(4n), NOW + 2_100)
    expect(onControl(s, ask(NOW + 2_200), NOW + 2_200).send).toEqual([])
  })

  it('replays: one of our epoch is a catch-up, one of the epoch before a fork switch, older ones nothing; a provisional joiner gets its stranded verdict from the merge attestations', () => {
    const { s } = view()
    expect(onControl(s, replayed(5n), NOW).replay?.kind).toBe('catch-up')
    expect(onControl(s, replayed(4n), NOW).replay?.kind).toBe('fork')
    expect(onControl(s, replayed(2n), NOW).replay).toBeUndefined()
    s.provisional = new ProvisionalJoin(new Uint8Array(1), 5n, 2_000)
    const theirs = authenticatorHash(new Uint8Array(32).fill(2))
    const stranded = onControl(s, replayed(5n, [signAttestation(bob!, 'chat', { epoch: 5n, signedAtMs: NOW, authenticatorHash: theirs })]), NOW + 1)
    expect(stranded.replay?.kind).toBe('catch-up')
    expect(stranded.events).toEqual([{ type: 'stranded', epoch: 5n, attesters: 1, majorityState: theirs }])
    // Confirmed past the epoch we joined at: the key package is released.
    const { s: confirmed, released } = view()
    confirmed.provisional = new ProvisionalJoin(new Uint8Array(1), 4n, 2_000)
    const endorsed = onControl(confirmed, attested(bob!, 5n, NOW, { authenticatorHash: authenticatorHash(ours) }), NOW)
    expect(endorsed.events).toEqual([])
    expect(confirmed.provisional).toBeUndefined()
    expect(released).toEqual(['chat'])
  })

  it('replays of an epoch before our branch point: a fork switch only once we asked for one (our branch point\'s epoch did not stage), and only of another commit than ours', () => {
    const bp = (epoch: bigint, hashHex: string) => ({ epoch, hashHex, committer: alice!.identity, session: { steward: undefined } }) as unknown as BranchPoint
    const { s } = view(bp(4n, '11'.repeat(32)))
    ;(s as { priorBranches: BranchPoint[] }).priorBranches = [bp(3n, '22'.repeat(32))]
    // A member on the group's branch never asked: a late or forged commit of an old epoch changes nothing.
    expect(onControl(s, replayed(3n), NOW).replay).toBeUndefined()
    // The group's commit of epoch 4 did not stage on our state there (`askBeforeBranchPoint`): we asked for epoch 3's.
    s.catchUp.offBranch = { epoch: 5n, at: NOW, from: 3n }
    expect(onControl(s, replayed(3n), NOW).replay?.kind).toBe('fork')
    // Our own commit of epoch 3 (the group merged it too): nothing to switch to there.
    ;(s as { priorBranches: BranchPoint[] }).priorBranches = [bp(3n, toHex(commitHashOf(candidate.commitMessage)))]
    expect(onControl(s, replayed(3n), NOW).replay).toBeUndefined()
    // Asked at another epoch of ours (the claim is per epoch): nothing.
    ;(s as { priorBranches: BranchPoint[] }).priorBranches = [bp(3n, '22'.repeat(32))]
    s.catchUp.offBranch = { epoch: 4n, at: NOW, from: 3n }
    expect(onControl(s, replayed(3n), NOW).replay).toBeUndefined()
  })

  it('requests that want past states: we send our signed word about the epoch asked of, marked past (once per epoch per interval, two in all); at our epoch our attestation; without the flag, nothing', () => {
    const { s } = view()
    const state = (n: number) => ({ commitHash: new Uint8Array(32).fill(n), committer: bob!.identity, authenticatorHash: new Uint8Array(32).fill(0x40 + n) })
    for (const e of [2, 3, 4]) s.catchUp.pastStates.set(String(e), state(e))
    const ask = (fromEpoch: bigint, at: number, pastStates = true) =>
      control({ commitRequest: signCommitRequest({ ...s, memberId: bob!.identity, plugins: { consensus: { signer: bob! } } }, { fromEpoch, pastStates }, at) })
    const words = (at: number, fromEpoch: bigint, pastStates = true) => onControl(s, ask(fromEpoch, at, pastStates), at).send.flatMap((m) => (m.demlsControl?.attestation ? [m.demlsControl.attestation] : []))
    const [word] = words(NOW, 3n)
    expect(word && { epoch: word.epoch, past: word.demlsPastState, hash: word.commitHash, state: word.authenticatorHash }).toEqual({ epoch: 4n, past: true, hash: state(4).commitHash, state: state(4).authenticatorHash })
    const decoded = decodeAppMessage(encodeAppMessage({ demlsControl: { attestation: word! } })).demlsControl!.attestation!
    expect(verifyAttestation(alice!, 'chat', decoded)).toBe(true)
    // The flag is signed: the same word read as a current attestation does not verify.
    expect(verifyAttestation(alice!, 'chat', { ...decoded, demlsPastState: false })).toBe(false)
    expect(words(NOW + 600, 3n)).toEqual([]) // that epoch again within the interval
    expect(words(NOW + 1_200, 2n).map((a) => a.epoch)).toEqual([3n]) // another epoch: the second of the window
    expect(words(NOW + 1_800, 1n)).toEqual([]) // two in all per interval (epoch 2 would be the third)
    expect(words(NOW + 2_400, 3n, false)).toEqual([]) // a plain request: no word
    // At our own epoch: our attestation, not a past one.
    const [current] = words(NOW + PAST_STATE_INTERVAL_MS + 3_000, 4n)
    expect(current && { epoch: current.epoch, past: current.demlsPastState ?? false }).toEqual({ epoch: 5n, past: false })
    expect(words(NOW + PAST_STATE_INTERVAL_MS + 3_600, 3n).map((a) => a.epoch)).toEqual([4n]) // the interval passed
  })

  it('a member\'s word about an epoch it left is evidence, not a sign that it is behind: no attestation of ours answers it', () => {
    const { s } = view()
    expect(onControl(s, attested(bob!, 3n, NOW), NOW).send.map((m) => m.demlsControl?.attestation?.epoch)).toEqual([5n])
    const { s: other } = view()
    const past = control({ attestation: signAttestation(bob!, 'chat', { epoch: 3n, signedAtMs: NOW, demlsPastState: true }) })
    expect(onControl(other, past, NOW).send).toEqual([])
    expect(other.liveness.lastSeen.get(toHex(bob!.identity))).toBe(NOW) // still a sign of life
  })

  it('proposal requests: the owner returns its proposal to send again (votes cleared, round 1), once per interval; not someone else\'s', () => {
    const { s, held } = view()
    held.set(3, { proposalId: 3, proposalOwner: alice!.identity, votes: [{} as Vote], round: 2 } as unknown as Proposal)
    held.set(4, { proposalId: 4, proposalOwner: bob!.identity, votes: [], round: 1 } as unknown as Proposal)
    const ask = (proposalId: number) => control({ proposalRequest: { proposalId, memberId: bob!.identity } })
    const resend = onControl(s, ask(3), NOW)
    expect(resend.resendProposal && { id: resend.resendProposal.proposalId, votes: resend.resendProposal.votes, round: resend.resendProposal.round }).toEqual({ id: 3, votes: [], round: 1 })
    expect(resend.send).toEqual([])
    expect(onControl(s, ask(3), NOW + 100).resendProposal).toBeUndefined()
    expect(onControl(s, ask(4), NOW).resendProposal).toBeUndefined()
  })
})
