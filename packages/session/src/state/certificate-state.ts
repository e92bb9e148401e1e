import type { ApprovalCertificate } from '@demls/wire'
import { evictOldest } from './bounded.js'

/** Vote bindings kept (by vote hash): about two votes per member of a 1,000-member group with a few proposals open. */
export const BINDINGS_KEPT = 8192
/** Certificates kept for approved work not yet committed (by target). */
export const APPROVED_CERTIFICATES_KEPT = 256
/** Commits whose certificates are kept for replays (the commit log's length). */
export const LOGGED_CERTIFICATES_KEPT = 16

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
  /** Certificates of approved, uncommitted work by target key (`add:<hex>`, `remove:<hex>`). */
  readonly approved = new Map<string, ApprovalCertificate>()
  /** Certificates of merged commits by the epoch they left (decimal string), as in `CatchUpState.log`. */
  readonly log = new Map<string, ApprovalCertificate[]>()
  /** The certificate of the election that installed our steward list, when we hold one. */
  election: ApprovalCertificate | undefined

  /** Keep a binding (the newest {@link BINDINGS_KEPT}). */
  keepBinding(voteHashHex: string, binding: Uint8Array): void {
    if (binding.length === 0 || this.bindings.has(voteHashHex)) return
    this.bindings.set(voteHashHex, binding)
    evictOldest(this.bindings, BINDINGS_KEPT)
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
