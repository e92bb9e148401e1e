import { EthereumSigner } from '@demls/consensus'
import { ScoreEvent, type ScoreOp } from '@demls/scoring'
import {
  type AppMessageInit,
  type ConversationUpdateRequest,
  type MemberInvitation,
  decodeMemberInvitation,
  encodeMemberInvitation,
  type Proposal,
  type Vote,
  ViolationType,
  decodeCommitRequest,
  decodeEpochAttestation,
  encodeCommitRequest,
  encodeEpochAttestation,
  toHex,
} from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { deadMemberWindowMs, resolveConfig } from '../src/conversation/config.js'
import { EQUIVOCATIONS_KEPT } from '../src/conversation/core.js'
import type { ConversationEvent } from '../src/conversation/events.js'
import type { EquivocationEvidence } from '../src/rules/equivocation.js'
import { keyFor } from './scenarios/harness.js'
import { type LivenessComponents, judgeInactiveRemoval, looksDead, noteSeen, noteSeenAt, syncLastSeen } from '../src/stewardship/liveness.js'
import { type ClaimsComponents, attestedByMember, commitRequestRefusal, signCommitRequest } from '../src/sync/claims.js'
import { type InviteComponents, adoptSyncedInvitations, invitationsForSync, onInvitation, sendInvitation, signInvitation } from '../src/join/invite.js'
import { signAttestation } from '../src/join/signing.js'
import { INVITATION_LIFETIME_MS } from '../src/state/invitations.js'
import { type OwnCandidatesComponents, keepOwnCandidate, ownCandidateState } from '../src/sync/own-candidates.js'
import { CatchUpState } from '../src/state/catch-up-state.js'
import { InvitationBook } from '../src/state/invitations.js'
import { type AdmissionComponents, creatorVoteFor, judgeAdmission, proposalLiveness, silentAdmissionRefusal } from '../src/voting/admission.js'
import { type EquivocationComponents, noteEquivocation } from '../src/voting/equivocation.js'
import { type JudgeEvidenceComponents, judgeEvidence } from '../src/voting/judge-evidence.js'
import { type OvertakenComponents, overtakenEmergency } from '../src/voting/overtaken.js'

/**
 * Flows that declare the slices they need (`…Components`), each tested on
 * those slices alone: no `ConversationCore`, no MLS group, no `User`, no
 * network.
 */

const id = (n: number) => new Uint8Array(20).fill(n)
const hex = (n: number) => toHex(id(n))

describe('stewardship/liveness on LivenessComponents', () => {
  const slices = (members: number[]): LivenessComponents => ({
    config: resolveConfig({}),
    memberHex: hex(1),
    memberSet: () => new Set(members.map(hex)),
    lastSeen: new Map(),
    inactiveProposedAt: new Map(),
  })

  it('syncLastSeen follows the membership: new members get a grace period from now, departed ones are forgotten, a restart resets everyone', () => {
    const l = slices([1, 2, 3])
    l.lastSeen.set(hex(2), 500)
    l.lastSeen.set(hex(9), 100)
    l.inactiveProposedAt.set(hex(9), { at: 1, attempts: 1 })
    syncLastSeen(l, 1_000)
    expect(Object.fromEntries(l.lastSeen)).toEqual({ [hex(1)]: 1_000, [hex(2)]: 500, [hex(3)]: 1_000 })
    expect(l.inactiveProposedAt.size).toBe(0)
    syncLastSeen(l, 2_000, true)
    expect([...l.lastSeen.values()]).toEqual([2_000, 2_000, 2_000])
  })

  it('noteSeen moves a tracked member forward only (and clears its removal attempts); untracked members stay untracked', () => {
    const l = slices([1, 2])
    syncLastSeen(l, 1_000)
    l.inactiveProposedAt.set(hex(2), { at: 1_000, attempts: 2 })
    noteSeenAt(l, id(2), 900)
    expect(l.lastSeen.get(hex(2))).toBe(1_000)
    expect(l.inactiveProposedAt.has(hex(2))).toBe(true)
    noteSeen(l, id(2), 1_500)
    expect(l.lastSeen.get(hex(2))).toBe(1_500)
    expect(l.inactiveProposedAt.has(hex(2))).toBe(false)
    noteSeen(l, id(7), 1_500)
    expect(l.lastSeen.has(hex(7))).toBe(false)
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
      equivocations: new Map(),
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
    expect([...s.equivocations.keys()]).toEqual([`${hex(2)}:7`, `${hex(2)}:8`])
  })

  it('the evidence kept is bounded: the oldest goes first', () => {
    const { s } = slices()
    for (let p = 0; p < EQUIVOCATIONS_KEPT + 3; p++) noteEquivocation(s, evidence(3, p))
    expect(s.equivocations.size).toBe(EQUIVOCATIONS_KEPT)
    expect(s.equivocations.has(`${hex(3)}:0`)).toBe(false)
    expect(s.equivocations.has(`${hex(3)}:${EQUIVOCATIONS_KEPT + 2}`)).toBe(true)
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
  const slices = (pending: boolean) => {
    const imported: Uint8Array[] = []
    const s: OwnCandidatesComponents = {
      catchUp: new CatchUpState(),
      plugins: {
        mls: {
          importGroup: async (state: Uint8Array) => {
            imported.push(state)
            return { hasPendingCommit: () => pending } as unknown as Awaited<ReturnType<OwnCandidatesComponents['plugins']['mls']['importGroup']>>
          },
        },
      },
    }
    return { s, imported }
  }
  const bp = (epoch: bigint, pendingHashHex: string | undefined, byte: number) => ({ epoch, mlsState: new Uint8Array([byte]), ...(pendingHashHex ? { pendingHashHex } : {}) })

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

  it('the state with our commit pending comes from the branch point when it is that one, else from a kept candidate of that epoch', async () => {
    const { s, imported } = slices(true)
    keepOwnCandidate(s, bp(3n, 'kept', 7), [id(7)])
    const fromKept = await ownCandidateState(s, 3n, 'kept', undefined)
    expect(fromKept?.joinerIds).toEqual([id(7)])
    expect(imported.at(-1)).toEqual(new Uint8Array([7]))
    await ownCandidateState(s, 3n, 'bp', bp(3n, 'bp', 8))
    expect(imported.at(-1)).toEqual(new Uint8Array([8]))
    expect(await ownCandidateState(s, 4n, 'kept', undefined)).toBeUndefined()
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
    epochHistory: new Map([[1n, { members: [alice!.identity, bob!.identity, carol!.identity] }]]) as ClaimsComponents['epochHistory'],
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

  it('a member\'s invitation sent by itself is kept once (an invite event); anything else is a typed drop', () => {
    const { v, events } = view()
    onInvitation(v, invitation(bob!, id(9), now), bob!.identity, now)
    onInvitation(v, invitation(bob!, id(9), now), bob!.identity, now)
    onInvitation(v, invitation(bob!, id(8), now), alice!.identity, now) // relayed by someone else
    onInvitation(v, invitation(carol!, id(8), now), carol!.identity, now) // by a non-member
    onInvitation(v, invitation(bob!, id(8), now + 61_000), bob!.identity, now) // dated ahead
    onInvitation(v, invitation(bob!, id(8), now - INVITATION_LIFETIME_MS), bob!.identity, now) // expired
    onInvitation(v, { ...invitation(carol!, id(8), now), inviter: bob!.identity }, bob!.identity, now) // forged
    expect(events.map((e) => (e.type === 'dropped' ? `${e.reason}: ${e.detail}` : e.type))).toEqual([
      'invite',
      'duplicate: invitation',
      'invalid-invite: invitation not sent by its inviter',
      'invalid-invite: invitation by a non-member',
      'invalid-invite: invitation dated in the future',
      'invalid-invite: invitation expired',
      'invalid-invite: invitation with a bad signature',
    ])
    expect(v.invitations.size).toBe(1)
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
})
