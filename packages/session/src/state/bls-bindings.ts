/**
 * The aggregation key bindings a member of a group with an aggregating
 * consensus plug-in keeps (issue 55): each member's verified binding (its
 * encoded `demls.bls.v1.KeyBinding` and the public key it binds), and the
 * bindings carried by join proposals not committed yet. Entries enter only
 * after the plug-in verified them for the member they name
 * (`voting/aggregation.ts`); this slice holds them and answers lookups.
 */

import { toHex as hex } from '@demls/wire'

/** One verified binding. */
export interface BindingEntry {
  /** The encoded binding as the member signed it. */
  binding: Uint8Array
  /** The aggregation public key it binds. */
  publicKey: Uint8Array
}

/** Bindings of join proposals kept at most (the oldest is forgotten first). */
export const PENDING_BINDINGS_MAX = 1024

/**
 * The bindings of a conversation's members (member id hex → entry) and of
 * joiners proposed but not committed. A joiner whose join proposals carry
 * two different valid bindings is marked conflicting: its binding is
 * adopted by nobody (its two signed bindings are the evidence).
 *
 * @example
 * ```ts
 * import { BlsBindingBook } from '../state/bls-bindings.js'
 * const book = new BlsBindingBook()
 * book.setMember('aa', { binding: new Uint8Array([1]), publicKey: new Uint8Array([2]) })
 * console.log(book.member('aa')?.publicKey) // Uint8Array [2]
 * ```
 */
export class BlsBindingBook {
  readonly #members = new Map<string, BindingEntry>()
  readonly #pending = new Map<string, BindingEntry>()
  readonly #conflicting = new Set<string>()
  /** Key hex → the members and joiners (hex) whose entry, member or pending, binds it: {@link BlsBindingBook.keyOwner} without a scan. */
  readonly #owners = new Map<string, Set<string>>()
  #version = 0

  #index(memberHex: string, entry: BindingEntry): void {
    const k = hex(entry.publicKey)
    const set = this.#owners.get(k) ?? new Set<string>()
    set.add(memberHex)
    this.#owners.set(k, set)
  }

  /** Forget `memberHex` as an owner of `entry`'s key, unless its other entry (member or pending) binds the same key. */
  #unindex(memberHex: string, entry: BindingEntry | undefined): void {
    if (entry === undefined) return
    const k = hex(entry.publicKey)
    const other = this.#members.get(memberHex) ?? this.#pending.get(memberHex)
    if (other !== undefined && hex(other.publicKey) === k) return
    const set = this.#owners.get(k)
    set?.delete(memberHex)
    if (set?.size === 0) this.#owners.delete(k)
  }

  #setPending(memberHex: string, entry: BindingEntry): void {
    const old = this.#pending.get(memberHex)
    this.#pending.set(memberHex, entry)
    this.#unindex(memberHex, old)
    this.#index(memberHex, entry)
    while (this.#pending.size > PENDING_BINDINGS_MAX) this.#deletePending(this.#pending.keys().next().value as string)
  }

  #deletePending(memberHex: string): void {
    const old = this.#pending.get(memberHex)
    this.#pending.delete(memberHex)
    this.#unindex(memberHex, old)
  }

  #setMemberEntry(memberHex: string, entry: BindingEntry): void {
    const old = this.#members.get(memberHex)
    this.#members.set(memberHex, entry)
    this.#unindex(memberHex, old)
    this.#index(memberHex, entry)
  }

  #deleteMember(memberHex: string): void {
    const old = this.#members.get(memberHex)
    this.#members.delete(memberHex)
    this.#unindex(memberHex, old)
  }

  /** Bumped whenever a member binding is added or dropped: what a list built from the members' keys is valid for. */
  get version(): number {
    return this.#version
  }

  /** The binding of member `memberHex`, if we hold it. */
  member(memberHex: string): BindingEntry | undefined {
    return this.#members.get(memberHex)
  }

  /** The binding a join proposal carried for `memberHex`, if any (and not conflicting). */
  pending(memberHex: string): BindingEntry | undefined {
    return this.#conflicting.has(memberHex) ? undefined : this.#pending.get(memberHex)
  }

  /** Whether `memberHex` signed two different bindings in join proposals. */
  isConflicting(memberHex: string): boolean {
    return this.#conflicting.has(memberHex)
  }

  /** Record a member's verified binding. */
  setMember(memberHex: string, entry: BindingEntry): void {
    this.#setMemberEntry(memberHex, entry)
    this.#deletePending(memberHex)
    this.#version++
  }

  /**
   * Record the verified binding a join proposal carries for `memberHex`:
   * `'same'` when we hold this binding already, `'conflict'` when we hold
   * another one for it (member or pending: the joiner then stays without a
   * binding), `'added'` otherwise.
   */
  offerPending(memberHex: string, entry: BindingEntry): 'added' | 'same' | 'conflict' {
    const held = this.#members.get(memberHex) ?? this.#pending.get(memberHex)
    if (held !== undefined) {
      if (hex(held.binding) === hex(entry.binding)) return 'same'
      this.#conflicting.add(memberHex)
      while (this.#conflicting.size > PENDING_BINDINGS_MAX) this.#conflicting.delete(this.#conflicting.values().next().value as string)
      return 'conflict'
    }
    if (this.#conflicting.has(memberHex)) return 'conflict'
    this.#setPending(memberHex, entry)
    return 'added'
  }

  /** The member (hex) other than `exceptHex` whose binding (member or pending) binds `publicKey`, if any. */
  keyOwner(publicKey: Uint8Array, exceptHex: string): string | undefined {
    const owners = this.#owners.get(hex(publicKey))
    if (owners === undefined) return undefined
    // Members first, then joiners, as a scan of both would find them.
    for (const m of owners) if (m !== exceptHex && this.#members.has(m)) return m
    for (const m of owners) if (m !== exceptHex) return m
    return undefined
  }

  /**
   * After a merge: members take the pending binding of their join; the
   * bindings of former members go back to pending (a fork switch may bring
   * them back; they are signed facts on either branch).
   */
  settle(members: ReadonlySet<string>): void {
    for (const m of members) {
      if (this.#members.has(m)) continue
      const p = this.pending(m)
      if (p !== undefined) this.setMember(m, p)
    }
    for (const [m, e] of [...this.#members]) {
      if (members.has(m)) continue
      this.#deleteMember(m)
      this.#version++
      if (!this.#conflicting.has(m)) this.offerPending(m, e)
    }
  }

  /** Every binding held, for the saved state: members then pending, with the conflicting ids. */
  save(): { members: [string, Uint8Array, Uint8Array][]; pending: [string, Uint8Array, Uint8Array][]; conflicting: string[] } {
    return {
      members: [...this.#members].map(([m, e]) => [m, e.binding, e.publicKey]),
      pending: [...this.#pending].map(([m, e]) => [m, e.binding, e.publicKey]),
      conflicting: [...this.#conflicting],
    }
  }

  /** Take back a {@link BlsBindingBook.save}d state (entries were verified before they were saved). */
  restore(saved: ReturnType<BlsBindingBook['save']>): void {
    for (const [m, binding, publicKey] of saved.members) this.#setMemberEntry(m, { binding, publicKey })
    for (const [m, binding, publicKey] of saved.pending) this.#setPending(m, { binding, publicKey })
    for (const m of saved.conflicting) this.#conflicting.add(m)
    this.#version++
  }

  /** Number of member bindings held. */
  get size(): number {
    return this.#members.size
  }
}
