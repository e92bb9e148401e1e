import { type ApprovalCertificate, type EpochAttestation, toHex } from '@demls/wire'
import { evictOldest } from './bounded.js'

/** Vote bindings kept (by vote hash): about two votes per member of a 1,000-member group with a few proposals open. */
export const BINDINGS_KEPT = 8192
/** Certificates kept for approved work not yet committed (by target). */
export const APPROVED_CERTIFICATES_KEPT = 256
/** Commits whose certificates are kept for replays (the commit log's length). */
export const LOGGED_CERTIFICATES_KEPT = 16
/** Certificates of past elections kept for replays (elections come every few epochs; replays carry one at most 4 epochs old). */
export const ELECTIONS_KEPT = 4
/** Merge attestations kept per commit (one per member of a large group). */
export const MERGE_ATTESTATIONS_KEPT = 4096

/**
 * Approval certificates of one conversation (beyond the reference; see
 * `rules/certificate.ts`): the vote bindings we hold, the certificate of
 * each approved add/remove until it is committed, and the certificates of
 * the commits in the catch-up log, which travel with their replays.
 *
 * @internal
 */
export class CertificateState {
  /** Vote bindings by vote hash (hex): ours and those received with accepted votes. */
  readonly bindings = new Map<string, Uint8Array>()
  /** Bindings of votes that came before their proposal (unchecked until it arrives; at most two per vote). */
  readonly unchecked = new Map<string, Uint8Array[]>()
  /** Certificates of approved, uncommitted work by target key (`add:<hex>`, `remove:<hex>`). */
  readonly approved = new Map<string, ApprovalCertificate>()
  /** Certificates of merged commits by the epoch they left (decimal string), as in `CatchUpState.log`. */
  readonly log = new Map<string, ApprovalCertificate[]>()
  /** The certificate of the election that installed our steward list, when we hold one (set with {@link keepElection}). */
  election: ApprovalCertificate | undefined
  /**
   * The certificates of the last {@link ELECTIONS_KEPT} elections we
   * installed a list from, oldest first: a replay of a commit made before
   * our latest election carries the one in force then.
   */
  readonly elections: ApprovalCertificate[] = []

  /** The certificate (if any) of the election that installed our list: the current one, and the newest of {@link elections}. */
  keepElection(certificate: ApprovalCertificate | undefined): void {
    this.election = certificate
    if (certificate === undefined) return
    this.elections.push(certificate)
    if (this.elections.length > ELECTIONS_KEPT) this.elections.shift()
  }
  /** Certificates offered with replays we could not apply yet, by proposal digest (hex): a later replay adds its votes. */
  readonly offered = new Map<string, ApprovalCertificate>()

  /** Keep what replays offered for a proposal (the newest 16 proposals). */
  keepOffered(digestHex: string, cert: ApprovalCertificate): void {
    this.offered.delete(digestHex)
    this.offered.set(digestHex, cert)
    evictOldest(this.offered, 16)
  }

  /** Members' signed attestations that they merged a commit, by `epoch:commit hash hex`. */
  readonly merges = new Map<string, Map<string, EpochAttestation>>()

  /** Which commit each member (`epoch:member hex`) last attested at an epoch, and when it signed that. */
  readonly #latestMerge = new Map<string, { key: string; signedAtMs: bigint }>()

  /**
   * Keep a member's verified attestation of the commit it merged (a few per
   * member per commit at most). Only a member's latest word about an epoch
   * stands: an attestation of another commit at the same epoch signed later
   * (it switched branch) takes its earlier one out, and an older one is not kept.
   */
  keepMerge(a: EpochAttestation): void {
    const key = `${a.epoch}:${toHex(a.commitHash)}`
    const member = toHex(a.memberId)
    const slot = `${a.epoch}:${member}`
    const latest = this.#latestMerge.get(slot)
    if (latest !== undefined && latest.key !== key) {
      if (latest.signedAtMs > a.signedAtMs) return
      this.merges.get(latest.key)?.delete(member)
    }
    this.#latestMerge.delete(slot)
    this.#latestMerge.set(slot, { key, signedAtMs: a.signedAtMs })
    evictOldest(this.#latestMerge, 4 * MERGE_ATTESTATIONS_KEPT)
    let byMember = this.merges.get(key)
    if (byMember === undefined) {
      byMember = new Map()
      this.merges.set(key, byMember)
      evictOldest(this.merges, LOGGED_CERTIFICATES_KEPT * 2)
    }
    byMember.set(toHex(a.memberId), a)
    evictOldest(byMember, MERGE_ATTESTATIONS_KEPT)
  }

  /** Whether we hold `a`'s member's attestation of the same commit. */
  holdsMerge(a: EpochAttestation): boolean {
    return this.merges.get(`${a.epoch}:${toHex(a.commitHash)}`)?.has(toHex(a.memberId)) === true
  }

  /** The attestations kept for the commit `commitHash` that reached `epoch`. */
  mergedBy(epoch: bigint, commitHash: Uint8Array): EpochAttestation[] {
    return [...(this.merges.get(`${epoch}:${toHex(commitHash)}`)?.values() ?? [])]
  }

  /**
   * How many of `members` (hex) last attested that they merged `commitHash`
   * to reach `epoch`. With `atLeast`, it stops counting there, and answers
   * 0 at once when fewer attestations than that are kept at all (a
   * majority test run on every attestation need not walk them).
   */
  mergeSupport(epoch: bigint, commitHash: Uint8Array, members: ReadonlySet<string>, atLeast?: number): number {
    const merged = this.merges.get(`${epoch}:${toHex(commitHash)}`)
    if (merged === undefined || (atLeast !== undefined && merged.size < atLeast)) return 0
    let n = 0
    for (const member of merged.keys()) {
      if (members.has(member) && ++n === atLeast) break
    }
    return n
  }

  /** Keep a binding (the newest {@link BINDINGS_KEPT}). */
  keepBinding(voteHashHex: string, binding: Uint8Array): void {
    if (binding.length === 0 || this.bindings.has(voteHashHex)) return
    this.bindings.set(voteHashHex, binding)
    evictOldest(this.bindings, BINDINGS_KEPT)
  }

  /** Keep a binding we cannot check yet (its vote came before its proposal). */
  keepUnchecked(voteHashHex: string, binding: Uint8Array): void {
    if (binding.length === 0 || this.bindings.has(voteHashHex)) return
    const list = this.unchecked.get(voteHashHex) ?? []
    if (list.length >= 2) return
    list.push(binding)
    this.unchecked.set(voteHashHex, list)
    evictOldest(this.unchecked, BINDINGS_KEPT)
  }

  /** Keep the certificate of approved work (a newer approval of the same target replaces it). */
  keepApproved(targetKey: string, cert: ApprovalCertificate): void {
    this.approved.delete(targetKey)
    this.approved.set(targetKey, cert)
    evictOldest(this.approved, APPROVED_CERTIFICATES_KEPT)
  }

  /** Keep the certificates of the commit that left `fromEpoch`. */
  keepLogged(fromEpoch: bigint, certs: ApprovalCertificate[]): void {
    const key = String(fromEpoch)
    this.log.delete(key)
    this.log.set(key, certs)
    evictOldest(this.log, LOGGED_CERTIFICATES_KEPT)
  }
}
