// Attestations whose signature check can wait (`LivenessState.defer`): a
// plain member's word that it merged the commit we merged is kept
// unchecked, and checked only when it matters: the member would look
// silent, its merge is handed out with a replay, or it may make the
// fork choice's majority. These tests pin that nothing it decides changes,
// and that forged copies in a member's name cannot displace its real word.
import { EthereumSigner } from '@demls/consensus'
import { type AppMessageInit, type EpochAttestation, decodeAppMessage, decodeCommitCandidate, encodeAppMessage, encodeCommitCandidate, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { deadMemberWindowMs, resolveConfig } from '../src/core/config.js'
import { signAttestation, verifyAttestation } from '../src/join/signing.js'
import { commitHashOf } from '../src/rules/candidate-check.js'
import { authenticatorHash } from '../src/rules/joined-branch.js'
import { ProvisionalJoin } from '../src/state/provisional-join.js'
import type { BranchPoint } from '../src/state/branch-point.js'
import { CatchUpState } from '../src/state/catch-up-state.js'
import { CertificateState } from '../src/state/certificate-state.js'
import { DEFERRED_PER_MEMBER, LivenessState } from '../src/state/liveness-state.js'
import { looksDead } from '../src/stewardship/liveness.js'
import { type ControlComponents, mergedByMajority, onControl } from '../src/sync/catch-up.js'
import { signCommitRequest } from '../src/sync/claims.js'
import { keyFor } from './scenarios/harness.js'

const NOW = 1_800_000_000_000
const [alice, bob, carol, dave] = [0, 1, 2, 3].map((i) => new EthereumSigner(keyFor(i))) as [EthereumSigner, EthereumSigner, EthereumSigner, EthereumSigner]
const hex = (s: EthereumSigner) => toHex(s.identity)
const candidate = decodeCommitCandidate(encodeCommitCandidate({ conversationId: new TextEncoder().encode('chat'), commitMessage: new Uint8Array([4, 4]), stewardMemberId: alice.identity }))
/** The commit we merged from epoch 4 to reach 5. */
const merged = commitHashOf(candidate.commitMessage)
const control = (c: NonNullable<AppMessageInit['demlsControl']>) => decodeAppMessage(encodeAppMessage({ demlsControl: c })).demlsControl!
const OUR_AUTHENTICATOR = new Uint8Array(32).fill(5)
/** The state we hold at epoch 5, as attestations name it. */
const OUR_STATE = authenticatorHash(OUR_AUTHENTICATOR)
/** Another state at epoch 5 (another branch). */
const OTHER_STATE = authenticatorHash(new Uint8Array(32).fill(6))

/** Alice's view at epoch 5 of a group of four, having merged `merged` from epoch 4; `checks` counts signature checks. */
function view(options: { stewards?: EthereumSigner[]; provisional?: ProvisionalJoin } = {}) {
  const members = new Set([alice, bob, carol, dave].map(hex))
  const certificates = new CertificateState()
  let checks = 0
  const liveness = new LivenessState(
    (a) => {
      checks++
      return verifyAttestation(alice, 'chat', a)
    },
    (a) => {
      certificates.keepMerge(a)
      // As the conversation core does: a checked word of a member's state is noted while we are provisional.
      s.provisional?.note(toHex(a.memberId), { epoch: a.epoch, authenticatorHash: a.authenticatorHash }, Number(a.signedAtMs))
    },
  )
  for (const m of members) liveness.lastSeen.set(m, NOW - 10_000)
  const branch = { epoch: 4n, hashHex: toHex(merged), committer: alice.identity, members, session: { steward: undefined } } as unknown as BranchPoint
  const stewards = new Set((options.stewards ?? []).map(hex))
  const released: string[] = []
  const s: ControlComponents = {
    id: 'chat',
    memberId: alice.identity,
    memberHex: hex(alice),
    config: resolveConfig({}),
    epoch: () => 5n,
    memberSet: () => members,
    isMemberHex: (h) => members.has(h),
    membership: { epochHistory: new Map() },
    liveness,
    provisional: options.provisional,
    mls: { epochAuthenticator: () => OUR_AUTHENTICATOR },
    plugins: { consensus: { signer: alice }, mls: { releaseKeyPackage: () => released.push('chat') > 0 } },
    catchUp: new CatchUpState(),
    certificates,
    branch,
    priorBranches: [],
    steward: { currentList: () => undefined, isSteward: (id) => stewards.has(toHex(id)) },
    consensus: { getProposal: () => undefined },
    voting: { voided: new Set() },
    sm: { state: 'working' },
  }
  return { s, checks: () => checks, released }
}

/** `by`'s signed word that it merged `commitHash` to reach epoch 5 (holding `state`, when given), signed at `at`. */
function attestation(by: EthereumSigner, at: number, commitHash = merged, state?: Uint8Array): EpochAttestation {
  return control({ attestation: signAttestation(by, 'chat', { epoch: 5n, commitHash, signedAtMs: at, ...(state !== undefined ? { authenticatorHash: state } : {}) }) })
    .attestation!
}

/** A copy of `a` whose signature is not its member's: one byte of the signature changed. */
function tampered(a: EpochAttestation, byte = 7): EpochAttestation {
  const signature = Uint8Array.from(a.signature)
  signature[byte] = (signature[byte] as number) ^ 1
  return { ...a, signature }
}

/** Carol's attestation claiming to be Bob's: a valid signature of the wrong member. */
function inBobsName(at: number): EpochAttestation {
  const signed = signAttestation(carol, 'chat', { epoch: 5n, commitHash: merged, signedAtMs: at })
  return control({ attestation: { ...signed, memberId: bob.identity } }).attestation!
}

describe('attestations of the commit we merged are checked when their word matters', () => {
  it('a plain member\'s attestation of our commit is kept unchecked and changes nothing at once; the check comes when the member would look dead', () => {
    const { s, checks } = view()
    expect(onControl(s, { attestation: attestation(bob, NOW) }, NOW)).toEqual({ events: [], send: [] })
    expect(checks()).toBe(0)
    expect(s.liveness.lastSeen.get(hex(bob))).toBe(NOW - 10_000)
    expect(s.liveness.deferredMembers()).toBe(1)
    const window = deadMemberWindowMs(s.config, 4)
    // Heard recently enough: nothing to check yet.
    expect(looksDead(s, hex(bob), NOW - 10_000 + window - 1)).toBe(false)
    expect(checks()).toBe(0)
    // It would look dead on what we checked: its waiting word is checked and counts, at its signing time.
    expect(looksDead(s, hex(bob), NOW - 10_000 + window)).toBe(false)
    expect(checks()).toBe(1)
    expect(s.liveness.lastSeen.get(hex(bob))).toBe(NOW)
    expect(s.certificates.mergedBy(5n, merged).map((a) => toHex(a.memberId))).toEqual([hex(bob)])
    expect(looksDead(s, hex(bob), NOW + window)).toBe(true)
  })

  it('a member whose only word since is forged looks dead as before: the forgery is checked, refused and dropped', () => {
    const { s, checks } = view()
    onControl(s, { attestation: tampered(attestation(bob, NOW)) }, NOW)
    onControl(s, { attestation: inBobsName(NOW) }, NOW)
    const window = deadMemberWindowMs(s.config, 4)
    expect(looksDead(s, hex(bob), NOW - 10_000 + window)).toBe(true)
    expect(checks()).toBe(2)
    expect(s.liveness.deferredMembers()).toBe(0)
    expect(s.certificates.mergedBy(5n, merged)).toEqual([])
  })

  it('forged copies in a member\'s name, before or after its real word, cannot displace it: a full slot is checked, and the real one counts', () => {
    for (const forgedFirst of [0, 1, DEFERRED_PER_MEMBER]) {
      const { s, checks } = view()
      const real = attestation(bob, NOW)
      let k = 0
      const forged = () => (k++ % 2 === 0 ? tampered(real, 3 + k) : inBobsName(NOW + k))
      for (let i = 0; i < forgedFirst; i++) onControl(s, { attestation: forged() }, NOW)
      onControl(s, { attestation: real }, NOW)
      for (let i = 0; i < 6; i++) onControl(s, { attestation: forged() }, NOW)
      s.liveness.settle()
      expect(s.liveness.lastSeen.get(hex(bob)), `${forgedFirst} forged first`).toBe(NOW)
      expect(s.certificates.mergedBy(5n, merged).map((a) => toHex(a.memberId))).toEqual([hex(bob)])
      // Bounded: every copy is checked at most once.
      expect(checks()).toBeLessThanOrEqual(forgedFirst + 7)
    }
  })

  it('the merges a replay hands out are checked ones: waiting attestations are checked first, forged ones left out', () => {
    const { s, checks } = view()
    s.catchUp.log.set('4', candidate)
    onControl(s, { attestation: attestation(bob, NOW) }, NOW)
    onControl(s, { attestation: tampered(attestation(carol, NOW)) }, NOW)
    expect(checks()).toBe(0)
    const request = control({ commitRequest: signCommitRequest({ ...s, memberId: dave.identity, plugins: { consensus: { signer: dave } } }, { fromEpoch: 4n }, NOW + 100) })
    const replay = onControl(s, request, NOW + 100).send[0]?.demlsControl?.commitReplay
    expect(replay?.mergedBy?.map((a) => toHex(a.memberId as Uint8Array))).toEqual([hex(bob)])
    expect(checks()).toBe(2)
  })

  it('waiting merges count toward the fork choice\'s majority once checked; forged ones do not', () => {
    const { s } = view()
    onControl(s, { attestation: attestation(bob, NOW) }, NOW)
    onControl(s, { attestation: tampered(attestation(carol, NOW)) }, NOW)
    onControl(s, { attestation: tampered(attestation(dave, NOW)) }, NOW)
    onControl(s, { attestation: inBobsName(NOW + 1) }, NOW)
    // Bob's word alone of four members (majority 3): no majority, whatever the forged copies in the others' names say.
    expect(mergedByMajority(s, merged)).toBe(false)
    onControl(s, { attestation: attestation(carol, NOW + 2) }, NOW + 2)
    onControl(s, { attestation: attestation(dave, NOW + 2) }, NOW + 2)
    expect(mergedByMajority(s, merged)).toBe(true)
    expect(s.liveness.deferredMembers()).toBe(0)
  })

  it('checked at once, as before: a steward\'s attestation, one of another commit or epoch, and one of another state while we are a joiner judging our branch', () => {
    const cases: [string, ReturnType<typeof view>, EpochAttestation, number][] = [
      ['a steward', view({ stewards: [bob] }), attestation(bob, NOW), NOW],
      ['another commit', view(), attestation(bob, NOW, new Uint8Array(32).fill(0xee)), NOW],
      ['another epoch', view(), control({ attestation: signAttestation(bob, 'chat', { epoch: 6n, commitHash: merged, signedAtMs: NOW }) }).attestation!, NOW],
      ['a provisional joiner, of another state', view({ provisional: new ProvisionalJoin(new Uint8Array([1]), 4n, 2_000) }), attestation(bob, NOW, merged, OTHER_STATE), NOW],
      // Too old to be a sign of life: ignored, neither checked nor kept.
      ['signed outside our suspect window', view(), attestation(bob, NOW - 10 * 60_000), NOW - 10_000],
    ]
    for (const [name, { s }, a, seen] of cases) {
      onControl(s, { attestation: a }, NOW)
      expect(s.liveness.deferredMembers(), name).toBe(0)
      expect(s.liveness.lastSeen.get(hex(bob)), name).toBe(seen)
    }
  })

  describe('a provisional joiner (welcomed at epoch 4, now at 5)', () => {
    const joiner = () => new ProvisionalJoin(new Uint8Array([1]), 4n, 2_000)

    it('confirmations of our state wait until they could make the majority of our roster; then they are checked and confirm us', () => {
      const { s, checks, released } = view({ provisional: joiner() })
      expect(onControl(s, { attestation: attestation(bob, NOW, merged, OUR_STATE) }, NOW).events).toEqual([])
      expect(checks()).toBe(0)
      expect(s.provisional).toBeDefined()
      // Bob and Carol of the three others: a strict majority, if both check.
      onControl(s, { attestation: attestation(carol, NOW, merged, OUR_STATE) }, NOW)
      expect(checks()).toBe(2)
      expect(s.provisional).toBeUndefined()
      expect(released).toEqual(['chat'])
    })

    it('forged confirmations do not confirm us: a majority of checked words is needed', () => {
      const p = joiner()
      const { s, checks } = view({ provisional: p })
      onControl(s, { attestation: attestation(bob, NOW, merged, OUR_STATE) }, NOW)
      onControl(s, { attestation: tampered(attestation(carol, NOW, merged, OUR_STATE)) }, NOW)
      expect(checks()).toBe(2)
      expect(s.provisional).toBe(p)
      expect(p.countOf(5n, toHex(OUR_STATE))).toBe(1)
      onControl(s, { attestation: attestation(dave, NOW + 1, merged, OUR_STATE) }, NOW + 1)
      expect(s.provisional).toBeUndefined()
    })

    it('a waiting confirmation is checked before we call ourselves stranded: it is that member\'s later word', () => {
      const p = joiner()
      // Carol and Dave once held another state here (checked then).
      p.note(hex(carol), { epoch: 5n, authenticatorHash: OTHER_STATE }, NOW - 5_000)
      p.note(hex(dave), { epoch: 5n, authenticatorHash: OTHER_STATE }, NOW - 5_000)
      const { s } = view({ provisional: p })
      // Carol's later word: our state (waits: one confirmation of three cannot confirm us).
      onControl(s, { attestation: attestation(carol, NOW, merged, OUR_STATE) }, NOW)
      expect(s.liveness.deferredMembers()).toBe(1)
      // Dave attests the other state again: on what was checked, two of three hold it and we would be stranded.
      const effects = onControl(s, { attestation: attestation(dave, NOW + 1, new Uint8Array(32).fill(0xee), OTHER_STATE) }, NOW + 1)
      expect(effects.events.filter((e) => e.type === 'stranded')).toEqual([])
      expect(p.target).toBeUndefined()
      expect(p.countOf(5n, toHex(OTHER_STATE))).toBe(1)
    })
  })

  it('a member\'s waiting words: two per epoch (a third is checked with them), those of epochs before the one before dropped unchecked, each counted once per commit', () => {
    let checks = 0
    const kept: bigint[] = []
    const liveness = new LivenessState(
      (a) => {
        checks++
        return verifyAttestation(alice, 'chat', a)
      },
      (a) => kept.push(a.epoch),
    )
    const members = new Set([hex(bob)])
    const at = (epoch: bigint, t: number, hash = merged) => control({ attestation: signAttestation(bob, 'chat', { epoch, commitHash: hash, signedAtMs: t }) }).attestation!
    const other = new Uint8Array(32).fill(3)
    liveness.defer(hex(bob), at(5n, NOW), NOW)
    liveness.defer(hex(bob), at(5n, NOW + 1), NOW + 1) // a periodic re-attestation: two of epoch 5
    expect(liveness.deferredMerges(5n, toHex(merged), members)).toEqual([hex(bob)])
    liveness.defer(hex(bob), at(6n, NOW + 2, other), NOW + 2)
    liveness.defer(hex(bob), at(7n, NOW + 3, other), NOW + 3) // epoch 5's words are dropped, unchecked
    expect(checks).toBe(0)
    expect(liveness.deferredMerges(5n, toHex(merged), members)).toEqual([])
    expect(liveness.deferredMerges(6n, toHex(other), members, 1)).toEqual([hex(bob)])
    expect(liveness.deferredMerges(6n, toHex(other), members, 2)).toEqual([]) // fewer waiting than asked for: no walk
    liveness.defer(hex(bob), at(7n, NOW + 4, other), NOW + 4)
    liveness.defer(hex(bob), at(7n, NOW + 5, other), NOW + 5) // a third of epoch 7: all three waiting are checked first
    expect(checks).toBe(3)
    expect(kept).toEqual([6n, 7n, 7n])
    expect(liveness.deferredMembers()).toBe(1) // the newest waits
    liveness.settle()
    expect(liveness.deferredMembers()).toBe(0)
    expect(liveness.deferredMerges(7n, toHex(other), members)).toEqual([])
  })
})
