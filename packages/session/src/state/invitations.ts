import type { MemberInvitation } from '@demls/wire'
import { toHex } from '@demls/wire'

/** How long an invitation vouches for its invitee after it was issued: 24 hours. */
export const INVITATION_LIFETIME_MS = 24 * 60 * 60 * 1000
/** Invitations a member holds per inviter at most (the oldest of that inviter is dropped first). */
export const INVITATIONS_PER_INVITER = 16
/** Invitations a member holds in all at most (the oldest is dropped first). */
export const INVITATIONS_MAX = 512
/** Longest member id an invitation may name (bytes). */
export const INVITATION_ID_MAX_BYTES = 64
/** Longest signature an invitation may carry (bytes). */
export const INVITATION_SIGNATURE_MAX_BYTES = 128

/** One held invitation (verified when it was taken). */
export interface HeldInvitation {
  invitation: MemberInvitation
  /** When it stops vouching (ms): issued at plus {@link INVITATION_LIFETIME_MS}. */
  expiresAt: number
}

/**
 * The valid invitations a member holds (admission by invitation, beyond the
 * reference): verified signed statements by members that vouch for a
 * joiner. Bounded per inviter and in all (insertion order, oldest evicted),
 * so a member flooding invitations evicts only its own; each entry is at
 * most {@link INVITATION_ID_MAX_BYTES} × 2 + {@link INVITATION_SIGNATURE_MAX_BYTES}
 * bytes.
 *
 * @internal
 */
export class InvitationBook {
  /** By `inviterHex:inviteeHex`, in insertion order. */
  readonly #entries = new Map<string, HeldInvitation>()

  /** Number of invitations held. */
  get size(): number {
    return this.#entries.size
  }

  /**
   * Keep an invitation (the newest per inviter and invitee). Returns false
   * when the same or a newer one from that inviter for that invitee is held.
   */
  add(invitation: MemberInvitation, expiresAt: number): boolean {
    const inviterHex = toHex(invitation.inviter)
    const key = `${inviterHex}:${toHex(invitation.invitee)}`
    const held = this.#entries.get(key)
    if (held !== undefined && held.invitation.issuedAtMs >= invitation.issuedAtMs) return false
    this.#entries.delete(key)
    this.#entries.set(key, { invitation, expiresAt })
    const own = [...this.#entries.keys()].filter((k) => k.startsWith(`${inviterHex}:`))
    for (const k of own.slice(0, Math.max(0, own.length - INVITATIONS_PER_INVITER))) this.#entries.delete(k)
    while (this.#entries.size > INVITATIONS_MAX) this.#entries.delete(this.#entries.keys().next().value as string)
    return true
  }

  /**
   * Whether a member (per `isMember`) vouches for `inviteeHex` with an
   * invitation valid at `now`. Expired invitations are dropped on the way.
   */
  vouches(inviteeHex: string, now: number, isMember: (hex: string) => boolean): boolean {
    this.prune(now)
    for (const { invitation } of this.#entries.values()) {
      if (toHex(invitation.invitee) === inviteeHex && isMember(toHex(invitation.inviter))) return true
    }
    return false
  }

  /** Forget expired invitations. */
  prune(now: number): void {
    for (const [key, held] of this.#entries) if (held.expiresAt <= now) this.#entries.delete(key)
  }

  /** Every held invitation, oldest first (what a saved state keeps). */
  all(): HeldInvitation[] {
    return [...this.#entries.values()]
  }
}
