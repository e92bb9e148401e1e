import type { MemberInvitation } from '@demls/wire'
import { toHex } from '@demls/wire'

/** How long an invitation vouches for its invitee after it was issued: 24 hours. */
export const INVITATION_LIFETIME_MS = 24 * 60 * 60 * 1000
/**
 * Open invitations a member holds per inviter at most: an inviter's own
 * `invite` past it fails (`InvitationLimitError`, `per-inviter`), and more
 * from one inviter over the wire are refused (an `invitation-limit` drop),
 * never evicting an invitation already held.
 */
export const INVITATIONS_PER_INVITER = 64
/**
 * Open invitations a member holds in all at most (every inviter): past it
 * `invite` fails (`InvitationLimitError`, `total`) and received ones are
 * refused (`invitation-limit`). With `INVITATION_ENTRY_MAX_BYTES` per
 * entry, the bound in bytes is {@link INVITATIONS_MAX_BYTES}.
 */
export const INVITATIONS_MAX = 2048
/** Longest member id an invitation may name (bytes). */
export const INVITATION_ID_MAX_BYTES = 64
/** Longest signature an invitation may carry (bytes). */
export const INVITATION_SIGNATURE_MAX_BYTES = 128
/** Bytes one held invitation keeps at most: inviter, invitee, signature and issued-at. */
export const INVITATION_ENTRY_MAX_BYTES = 2 * INVITATION_ID_MAX_BYTES + INVITATION_SIGNATURE_MAX_BYTES + 8
/** Bytes of invitations a member holds per conversation at most (about 528 KiB). */
export const INVITATIONS_MAX_BYTES = INVITATIONS_MAX * INVITATION_ENTRY_MAX_BYTES

/** One held invitation (verified when it was taken). */
export interface HeldInvitation {
  invitation: MemberInvitation
  /** When it stops vouching (ms): issued at plus {@link INVITATION_LIFETIME_MS}. */
  expiresAt: number
}

/** What {@link InvitationBook.add} did: kept it, already held it (or a newer one), or refused it at a bound. */
export type InvitationAddResult = 'added' | 'duplicate' | 'per-inviter' | 'total'

/**
 * The open invitations a member holds (admission by invitation, beyond the
 * reference): verified signed statements by members that vouch for a
 * joiner. An invitation ends only when it expires, when its invitee is a
 * member (it was used) or when its inviter is not (revoked: it left or was
 * removed); each is dropped on the next {@link InvitationBook.prune} that
 * is told the membership. Bounded per inviter
 * ({@link INVITATIONS_PER_INVITER}) and in all ({@link INVITATIONS_MAX}) by
 * refusing: an invitation past a bound is not kept, and nothing held is
 * ever evicted for it, so a member flooding invitations cannot push out
 * anyone else's. Each entry is at most `INVITATION_ENTRY_MAX_BYTES`.
 *
 * @internal
 */
export class InvitationBook {
  /** By `inviterHex:inviteeHex`, in insertion order. */
  readonly #entries = new Map<string, HeldInvitation>()
  /** Entries per inviter (hex). */
  readonly #perInviter = new Map<string, number>()

  /** Number of invitations held. */
  get size(): number {
    return this.#entries.size
  }

  /** Open invitations of one inviter (hex) held. */
  heldFrom(inviterHex: string): number {
    return this.#perInviter.get(inviterHex) ?? 0
  }

  /** Whether an invitation of `inviterHex` for `inviteeHex` is held. */
  holds(inviterHex: string, inviteeHex: string): boolean {
    return this.#entries.has(`${inviterHex}:${inviteeHex}`)
  }

  /**
   * Which bound a new invitation of `inviterHex` for `inviteeHex` would
   * pass, with `pending` more of that inviter's not held yet (queued), or
   * `undefined` when it fits. Replacing a held one (same inviter and
   * invitee) always fits.
   */
  wouldExceed(inviterHex: string, inviteeHex: string, pending = 0): 'per-inviter' | 'total' | undefined {
    if (this.holds(inviterHex, inviteeHex)) return undefined
    if (this.heldFrom(inviterHex) + pending >= INVITATIONS_PER_INVITER) return 'per-inviter'
    if (this.#entries.size + pending >= INVITATIONS_MAX) return 'total'
    return undefined
  }

  /**
   * Keep an invitation (the newest per inviter and invitee). Call
   * {@link InvitationBook.prune} with the membership first, so that only
   * open invitations count against the bounds. Returns `duplicate` when
   * the same or a newer one from that inviter for that invitee is held,
   * and the bound when one refuses it (nothing held is evicted).
   */
  add(invitation: MemberInvitation, expiresAt: number): InvitationAddResult {
    const inviterHex = toHex(invitation.inviter)
    const inviteeHex = toHex(invitation.invitee)
    const key = `${inviterHex}:${inviteeHex}`
    const held = this.#entries.get(key)
    if (held !== undefined) {
      if (held.invitation.issuedAtMs >= invitation.issuedAtMs) return 'duplicate'
      this.#entries.delete(key)
      this.#entries.set(key, { invitation, expiresAt })
      return 'added'
    }
    const bound = this.wouldExceed(inviterHex, inviteeHex)
    if (bound !== undefined) return bound
    this.#entries.set(key, { invitation, expiresAt })
    this.#perInviter.set(inviterHex, this.heldFrom(inviterHex) + 1)
    return 'added'
  }

  /**
   * Whether a member (per `isMember`) vouches for `inviteeHex` with an
   * invitation valid at `now`. Expired invitations are dropped on the way.
   */
  vouches(inviteeHex: string, now: number, isMember: (hex: string) => boolean): boolean {
    return this.vouchFor(inviteeHex, now, isMember) !== undefined
  }

  /**
   * The invitation that vouches for `inviteeHex` at `now` (its inviter a
   * member per `isMember`), the most recently issued when several do, or
   * `undefined`. Expired invitations are dropped on the way.
   */
  vouchFor(inviteeHex: string, now: number, isMember: (hex: string) => boolean): MemberInvitation | undefined {
    this.prune(now)
    let best: MemberInvitation | undefined
    for (const { invitation } of this.#entries.values()) {
      if (toHex(invitation.invitee) !== inviteeHex || !isMember(toHex(invitation.inviter))) continue
      if (best === undefined || invitation.issuedAtMs > best.issuedAtMs) best = invitation
    }
    return best
  }

  /**
   * Forget the invitations that ended: expired at `now`, and, when
   * `isMember` (hex) is given, used (the invitee is a member) or revoked
   * (the inviter is not).
   */
  prune(now: number, isMember?: (hex: string) => boolean): void {
    for (const [key, held] of this.#entries) {
      const ended =
        held.expiresAt <= now ||
        (isMember !== undefined && (isMember(toHex(held.invitation.invitee)) || !isMember(toHex(held.invitation.inviter))))
      if (ended) this.#delete(key, held)
    }
  }

  /** Every held invitation, oldest first (what a saved state keeps). */
  all(): HeldInvitation[] {
    return [...this.#entries.values()]
  }

  #delete(key: string, held: HeldInvitation): void {
    this.#entries.delete(key)
    const inviterHex = toHex(held.invitation.inviter)
    const left = this.heldFrom(inviterHex) - 1
    if (left > 0) this.#perInviter.set(inviterHex, left)
    else this.#perInviter.delete(inviterHex)
  }
}
