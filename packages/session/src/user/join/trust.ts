import type { ConsensusSigner } from '@demls/consensus'
import { type JoinBeacon, type JoinStatus, JoinStatusKind, type KnockAnswer, bytesEqual, toHex } from '@demls/wire'
import { knockAnswerFor, verifyKnockAnswer } from '../../join/knock.js'
import { beaconNonces, verifyJoinBeacon, verifyJoinStatus } from '../../join/signing.js'
import { evictOldest } from '../../state/bounded.js'

/** Bound of every per-join set (nonces, responders, ackers). */
const LIMIT = 64

function remember<T>(set: Set<T>, item: T): void {
  set.add(item)
  evictOldest(set, LIMIT)
}

/**
 * What a joiner believes before its Welcome (see "Trust limits" in the
 * README). A beacon counts if it names this conversation, echoes one of our
 * probe nonces and is signed by its `responder`. A status counts if it
 * names this conversation, us and the SHA-256 of our key package, and is
 * signed by its `responder`; a REJECTED must also come from a beacon
 * signer, an epoch steward a beacon named, or the member that acknowledged
 * that proposal. With `trusted` ids, only their signatures count. A
 * Welcome counts if its group has a trusted member, or (without `trusted`)
 * a member that signed one of the beacons ({@link JoinTrust.checkGroup}).
 *
 * @internal
 */
export class JoinTrust {
  readonly #conversationId: string
  readonly #memberId: Uint8Array
  readonly #verifier: Pick<ConsensusSigner, 'verify'>
  readonly #trusted: Set<string> | undefined
  readonly #isOurKeyPackage: (hashHex: string) => boolean
  readonly #nonces = new Set<string>()
  readonly #responders = new Set<string>()
  /** Members whose own signed beacon answered one of our probes. */
  readonly #signers = new Set<string>()
  readonly #ackers = new Map<number, string>()

  constructor(init: {
    conversationId: string
    memberId: Uint8Array
    verifier: Pick<ConsensusSigner, 'verify'>
    trusted: Set<string> | undefined
    isOurKeyPackage: (hashHex: string) => boolean
  }) {
    this.#conversationId = init.conversationId
    this.#memberId = init.memberId
    this.#verifier = init.verifier
    this.#trusted = init.trusted
    this.#isOurKeyPackage = init.isOurKeyPackage
  }

  /** Record a nonce we sent in a probe. */
  probed(nonce: Uint8Array): void {
    remember(this.#nonces, toHex(nonce))
  }

  #trusts(member: Uint8Array): boolean {
    return this.#trusted === undefined || this.#trusted.has(toHex(member))
  }

  /** Whether a beacon answers one of our probes (and remember who answered). */
  acceptBeacon(b: JoinBeacon): boolean {
    const nonces = beaconNonces(b)
    if (b.conversationId !== this.#conversationId || nonces === undefined || !nonces.some((n) => this.#nonces.has(toHex(n)))) return false
    if (!this.#trusts(b.responder) || !verifyJoinBeacon(this.#verifier, b)) return false
    remember(this.#responders, toHex(b.responder))
    remember(this.#signers, toHex(b.responder))
    if (b.epochSteward.length > 0) remember(this.#responders, toHex(b.epochSteward))
    return true
  }

  /** Whether a Welcome's group can be checked against someone: trusted members, or a beacon signer. */
  anchored(): boolean {
    return this.#trusted !== undefined || this.#signers.size > 0
  }

  /**
   * Whether the group a Welcome leads to is the one that answered us: with
   * `trusted` ids one of them must be a member; otherwise, once a beacon
   * was accepted, one of its signers must be (not merely an epoch steward a
   * beacon named). Undefined when it is, or the reason it is not.
   */
  checkGroup(members: readonly Uint8Array[]): 'untrusted' | 'not-answered' | undefined {
    const ids = members.map(toHex)
    if (this.#trusted !== undefined) return ids.some((m) => this.#trusted!.has(m)) ? undefined : 'untrusted'
    if (this.#signers.size === 0) return undefined
    return ids.some((m) => this.#signers.has(m)) ? undefined : 'not-answered'
  }

  /**
   * Whether a knock answer speaks for the group to us: for our knock
   * `knockId`, validly signed by its member, and that member one we trust
   * as for a REJECTED status: with `trusted` ids one of them, otherwise a
   * member whose beacon answered our probes or an epoch steward a beacon
   * named. An outsider that answered no probe cannot end our knock.
   */
  acceptKnockAnswer(answer: KnockAnswer, knockId: string): boolean {
    if (!knockAnswerFor(answer, this.#conversationId, this.#memberId, knockId)) return false
    const member = toHex(answer.member)
    const known = this.#trusted !== undefined ? this.#trusted.has(member) : this.#responders.has(member)
    return known && verifyKnockAnswer(this.#verifier, answer)
  }

  /** Whether a status is about our key package, validly signed, and (for REJECTED) from someone who answered us. */
  acceptStatus(st: JoinStatus): boolean {
    if (st.conversationId !== this.#conversationId || !bytesEqual(st.joiner, this.#memberId)) return false
    if (!this.#isOurKeyPackage(toHex(st.keyPackageHash))) return false
    if (!this.#trusts(st.responder) || !verifyJoinStatus(this.#verifier, st)) return false
    const responder = toHex(st.responder)
    if (st.status === JoinStatusKind.JOIN_STATUS_ACKED) {
      this.#ackers.set(st.proposalId, responder)
      evictOldest(this.#ackers, LIMIT)
    }
    if (st.status === JoinStatusKind.JOIN_STATUS_REJECTED) {
      return this.#responders.has(responder) || this.#ackers.get(st.proposalId) === responder
    }
    return true
  }
}
