import type { InviteLinkRecord, InviteLinkRevocation } from '@demls/wire'
import { toHex } from '@demls/wire'

/** Uses of an invite link when its creator gives none: one joiner. */
export const INVITE_LINK_DEFAULT_USES = 1
/** Most uses an invite link may have. */
export const INVITE_LINK_MAX_USES = 1000
/** How long an invite link admits when its creator gives no expiry: 7 days. */
export const INVITE_LINK_DEFAULT_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000
/** Longest lifetime an invite link may have (from its issue to its expiry): 30 days. */
export const INVITE_LINK_MAX_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000
/** Open invite links a member holds per creator at most (its own `createInviteLink` past it fails). */
export const INVITE_LINKS_PER_CREATOR = 16
/** Open invite links a member holds in all at most. */
export const INVITE_LINKS_MAX = 256
/** Addresses an invite link may carry at most. */
export const INVITE_LINK_ADDRESSES_MAX = 4
/** Longest address an invite link may carry (UTF-8 bytes). */
export const INVITE_LINK_ADDRESS_MAX_BYTES = 128
/** Revocations a member holds at most (each until its link's latest possible expiry). */
export const INVITE_LINK_REVOCATIONS_MAX = 512
/** Joiners whose join proposal used a link, held until they are members (their use is then counted) or replaced. */
export const INVITE_LINK_PENDING_MAX = 1024

/** One invite link a member holds: its verified record and the members it admitted (hex). */
export interface HeldInviteLink {
  record: InviteLinkRecord
  admitted: Set<string>
}

/** What {@link InviteLinkBook.add} did. */
export type InviteLinkAddResult = 'added' | 'duplicate' | 'revoked' | 'per-creator' | 'total'

/**
 * The invite links a member holds (beyond the reference): the verified
 * records members created, keyed by link key (hex); the revocations; and
 * the joiners whose join proposal used a link, whose use counts once they
 * are members (in commit order: every member counts it from the same
 * committed membership). A link ends when it expires, is revoked, or its
 * creator is no longer a member; a spent link is kept until it expires
 * (so a joiner is told it is spent). Bounded per creator
 * ({@link INVITE_LINKS_PER_CREATOR}) and in all ({@link INVITE_LINKS_MAX})
 * by refusing, never evicting.
 *
 * @internal
 */
export class InviteLinkBook {
  readonly #links = new Map<string, HeldInviteLink>()
  /** Revocations by link key (hex), with when they may be forgotten (ms). */
  readonly #revoked = new Map<string, { revocation: InviteLinkRevocation; until: number }>()
  /** Joiner (hex) → link key (hex) of its latest join proposal that proved a link. */
  readonly #pending = new Map<string, string>()
  /** Links (hex) we held whose creator is no longer a member, until they would have expired (ms). */
  readonly #creatorGone = new Map<string, number>()

  /** Number of links held. */
  get size(): number {
    return this.#links.size
  }

  /** The link with key `linkHex`, if held. */
  get(linkHex: string): HeldInviteLink | undefined {
    return this.#links.get(linkHex)
  }

  /** Links of one creator (hex) held. */
  heldFrom(creatorHex: string): number {
    let n = 0
    for (const l of this.#links.values()) if (toHex(l.record.creator) === creatorHex) n++
    return n
  }

  /** Which bound a new link of `creatorHex` would pass, or `undefined` when it fits. */
  wouldExceed(creatorHex: string): 'per-creator' | 'total' | undefined {
    if (this.heldFrom(creatorHex) >= INVITE_LINKS_PER_CREATOR) return 'per-creator'
    if (this.#links.size >= INVITE_LINKS_MAX) return 'total'
    return undefined
  }

  /**
   * Keep a verified record (call {@link InviteLinkBook.prune} first), with
   * the members it admitted already (from a sync). A record we hold is a
   * `duplicate` (its admitted members are merged in); a revoked one is
   * refused.
   */
  add(record: InviteLinkRecord, admitted: Iterable<string> = []): InviteLinkAddResult {
    const key = toHex(record.linkKey)
    if (this.#revoked.has(key)) return 'revoked'
    const held = this.#links.get(key)
    if (held !== undefined) {
      for (const a of admitted) held.admitted.add(a)
      return 'duplicate'
    }
    const bound = this.wouldExceed(toHex(record.creator))
    if (bound !== undefined) return bound
    this.#links.set(key, { record, admitted: new Set(admitted) })
    return 'added'
  }

  /** Whether link `linkHex` was revoked. */
  isRevoked(linkHex: string): boolean {
    return this.#revoked.has(linkHex)
  }

  /** The revocation of link `linkHex`, if held. */
  revocationOf(linkHex: string): InviteLinkRevocation | undefined {
    return this.#revoked.get(linkHex)?.revocation
  }

  /**
   * Keep a verified revocation until `until` (ms) and forget its link.
   * Returns `false` when it was known already, or when the bound
   * ({@link INVITE_LINK_REVOCATIONS_MAX}) refuses it.
   */
  revoke(revocation: InviteLinkRevocation, until: number): boolean {
    const key = toHex(revocation.linkKey)
    if (this.#revoked.has(key)) return false
    if (this.#revoked.size >= INVITE_LINK_REVOCATIONS_MAX) return false
    this.#revoked.set(key, { revocation, until })
    this.#links.delete(key)
    return true
  }

  /**
   * A join proposal of `joinerHex` proved link `linkHex` (or, with
   * `undefined`, proved none: an earlier one is forgotten). Its use counts
   * once the joiner is a member ({@link InviteLinkBook.consume}).
   */
  noteJoin(joinerHex: string, linkHex: string | undefined): void {
    this.#pending.delete(joinerHex)
    if (linkHex === undefined) return
    if (this.#pending.size >= INVITE_LINK_PENDING_MAX) {
      const oldest = this.#pending.keys().next().value
      if (oldest !== undefined) this.#pending.delete(oldest)
    }
    this.#pending.set(joinerHex, linkHex)
  }

  /** Every pending link join: joiner (hex) → link key (hex), oldest first (what a saved state keeps). */
  pendingJoins(): [string, string][] {
    return [...this.#pending]
  }

  /** The link a pending join of `joinerHex` proved, if any. */
  pendingLinkOf(joinerHex: string): string | undefined {
    return this.#pending.get(joinerHex)
  }

  /** Count the uses of the joiners that became members (per `isMember`). */
  consume(isMember: (hex: string) => boolean): void {
    for (const [joiner, link] of this.#pending) {
      if (!isMember(joiner)) continue
      this.#pending.delete(joiner)
      this.#links.get(link)?.admitted.add(joiner)
    }
  }

  /** Uses of link `linkHex` spent so far (members it admitted). */
  used(linkHex: string): number {
    return this.#links.get(linkHex)?.admitted.size ?? 0
  }

  /**
   * Count the uses of new members, then forget what ended at `now`:
   * expired links, and with `isMember` those whose creator is no longer a
   * member (revoked with it); revocations past their time.
   */
  prune(now: number, isMember?: (hex: string) => boolean): void {
    if (isMember !== undefined) this.consume(isMember)
    for (const [key, l] of this.#links) {
      const expiresAt = Number(l.record.expiresAtMs)
      if (expiresAt <= now) this.#links.delete(key)
      else if (isMember !== undefined && !isMember(toHex(l.record.creator))) {
        this.#links.delete(key)
        if (this.#creatorGone.size < INVITE_LINK_REVOCATIONS_MAX) this.#creatorGone.set(key, expiresAt)
      }
    }
    for (const [key, r] of this.#revoked) if (r.until <= now) this.#revoked.delete(key)
    for (const [key, until] of this.#creatorGone) if (until <= now) this.#creatorGone.delete(key)
  }

  /** Whether we held link `linkHex` until its creator stopped being a member (its links stop working with it). */
  creatorLeft(linkHex: string): boolean {
    return this.#creatorGone.has(linkHex)
  }

  /** Every held link, oldest first. */
  all(): HeldInviteLink[] {
    return [...this.#links.values()]
  }

  /** Every held revocation with when it may be forgotten. */
  revocations(): { revocation: InviteLinkRevocation; until: number }[] {
    return [...this.#revoked.values()]
  }
}
