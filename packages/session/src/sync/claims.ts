import { type CommitRequest, type CommitRequestInit, type EpochAttestation, encodeCommitRequest, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { signedPayload, verifyAttestation } from '../join/signing.js'
import { evictOldest } from '../state/bounded.js'
import { AVAILABILITY_LIMITS } from './limits.js'

/**
 * What checking and signing claims needs: our ids, the membership (now and
 * per epoch), the signature checks it rate-limits (catch-up state) and the
 * vote signer.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { ClaimsComponents } from '../sync/claims.js'
 * declare const core: ConversationCore
 * const slices: ClaimsComponents = core // or plain objects with these members, in a test
 * ```
 */
export interface ClaimsComponents {
  readonly id: string
  readonly memberId: Uint8Array
  readonly memberHex: string
  isMemberHex(hex: string): boolean
  epoch(): bigint
  readonly membership: Pick<ConversationCore['membership'], 'epochHistory'>
  readonly catchUp: Pick<ConversationCore['catchUp'], 'claimChecks' | 'requestChecks'>
  readonly plugins: { readonly consensus: Pick<ConversationCore['plugins']['consensus'], 'signer'> }
}

/** Domain tag of commit-request signatures. */
export const COMMIT_REQUEST_DOMAIN = 'demls/commit-request/v1'

/** One signature check per claimed member per this interval (a flood of copies costs one check). */
const CHECK_INTERVAL_MS = 500

/**
 * Whether a signed attestation comes from a current member: cheap checks
 * first (membership, a plausible epoch), then at most one signature check
 * per member per half second, remembered for the epoch it claimed. Only
 * such an attestation may make us believe the group is ahead of us or on
 * a better branch.
 */
export function attestedByMember(core: ClaimsComponents, a: EpochAttestation, now: number): boolean {
  const hex = toHex(a.memberId)
  if (hex === core.memberHex || !core.isMemberHex(hex)) return false
  if (a.epoch > core.epoch() + BigInt(AVAILABILITY_LIMITS.futureHorizonEpochs)) return false
  const checks = core.catchUp.claimChecks
  const last = checks.get(hex)
  if (last !== undefined && last.epoch === a.epoch && last.ok) return true
  if (last !== undefined && now - last.at < CHECK_INTERVAL_MS) return false
  const ok = verifyAttestation(core.plugins.consensus.signer, core.id, a)
  checks.delete(hex)
  checks.set(hex, { epoch: a.epoch, at: now, ok })
  evictOldest(checks, 1024)
  return ok
}

function commitRequestPayload(conversationId: string, r: CommitRequestInit): Uint8Array {
  return signedPayload(COMMIT_REQUEST_DOMAIN, conversationId, encodeCommitRequest({ ...r, signature: null }))
}

/** Our commit request, signed by our member key. */
export function signCommitRequest(
  core: ClaimsComponents,
  fields: { fromEpoch: bigint; commitHash?: Uint8Array; pastStates?: boolean },
  now: number,
): CommitRequestInit {
  const unsigned: CommitRequestInit = {
    fromEpoch: fields.fromEpoch,
    memberId: core.memberId,
    ...(fields.commitHash !== undefined ? { commitHash: fields.commitHash } : {}),
    ...(fields.pastStates === true ? { demlsPastStates: true } : {}),
    signedAtMs: BigInt(Math.max(0, Math.floor(now))),
  }
  return { ...unsigned, signature: core.plugins.consensus.signer.sign(commitRequestPayload(core.id, unsigned)) }
}

/**
 * Whether a commit request comes from a member (now, or at the epoch it
 * asks about), signed within
 * {@link AVAILABILITY_LIMITS.requestSkewMs} of our clock (one signature
 * check per member per half second). Returns the reason when not.
 */
export function commitRequestRefusal(core: ClaimsComponents, req: CommitRequest, now: number): string | undefined {
  const hex = toHex(req.memberId)
  // A member of the epoch it asks about (it may have been removed since: it needs that commit to learn it).
  const then = core.membership.epochHistory.get(req.fromEpoch)?.members ?? []
  if (!core.isMemberHex(hex) && !then.some((m) => toHex(m) === hex)) return 'commit request from a non-member'
  if (req.signature.length === 0 || Math.abs(now - Number(req.signedAtMs)) > AVAILABILITY_LIMITS.requestSkewMs) {
    return 'commit request unsigned or signed too far from our clock'
  }
  const checks = core.catchUp.requestChecks
  const last = checks.get(hex)
  if (last !== undefined && now - last < CHECK_INTERVAL_MS) return 'commit request rate'
  checks.delete(hex)
  checks.set(hex, now)
  evictOldest(checks, 1024)
  if (!core.plugins.consensus.signer.verify(req.memberId, commitRequestPayload(core.id, req), req.signature)) return 'commit request with a bad signature'
  return undefined
}
