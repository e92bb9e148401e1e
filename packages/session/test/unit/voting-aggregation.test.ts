// Aggregation key bindings (issue 55, voting/aggregation.ts) over slices:
// real BLS plug-ins (@demls/bls), real bindings, no network.
import { blsConsensusPlugin, createKeyBinding, decodeKeyBinding, encodeKeyBinding, blsKeyFromMemberKey } from '@demls/bls'
import { EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { type ConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { BlsBindingBook, PENDING_BINDINGS_MAX } from '../../src/state/bls-bindings.js'
import {
  type AggregationComponents,
  adoptSyncedBindings,
  bindingsForSync,
  joinBindingRefusal,
  noteJoinBinding,
  orderedAggregationKeys,
  settleBindings,
} from '../../src/voting/aggregation.js'

const key = (i: number) => new Uint8Array(32).fill(i + 1)
const signer = (i: number) => new EthereumSigner(key(i))
const plugin = (i: number, init: { blsSecretKey?: Uint8Array } = {}) =>
  blsConsensusPlugin(signer(i), init.blsSecretKey ? { blsSecretKey: init.blsSecretKey } : { memberSecretKey: key(i) })
const id = (i: number) => signer(i).identity

/** A member's slices: its id, its plug-in, a binding book, and a member set we control. */
function member(i: number, members: number[], consensus: AggregationComponents['plugins']['consensus'] = plugin(i)) {
  const set = new Set(members.map((m) => toHex(id(m))))
  const core: AggregationComponents & { set: Set<string> } = {
    memberId: id(i),
    memberHex: toHex(id(i)),
    plugins: { consensus },
    blsBindings: new BlsBindingBook(),
    memberSet: () => set,
    set,
  }
  return core
}

const join = (joiner: number, binding?: Uint8Array): ConversationUpdateRequest => ({
  payload: 'memberInvite',
  memberInvite: { keyPackageBytes: new Uint8Array([1]), memberId: id(joiner), ...(binding ? { demlsBlsBinding: { keyBinding: binding } } : {}) },
})

describe('aggregation key bindings', () => {
  it('do nothing in a group on the default plug-in (the reference path)', () => {
    const core = member(0, [0], defaultConsensusPlugin(signer(0)))
    expect(joinBindingRefusal(core, join(1))).toBeUndefined()
    expect(noteJoinBinding(core, join(1))).toBeUndefined()
    settleBindings(core)
    expect(bindingsForSync(core)).toEqual([])
    expect(adoptSyncedBindings(core, { demlsBlsBindings: [plugin(1).aggregation.binding] })).toBe(0)
    expect(orderedAggregationKeys(core)).toEqual({ ok: false, reason: 'not-aggregating' })
    expect(core.blsBindings.size).toBe(0)
  })

  it('a valid join binding is kept until the commit, then every member builds the same ordered list', () => {
    const a = member(0, [0, 1])
    const b = member(1, [0, 1])
    // The creator's binding reaches b through the sync (as a Welcome carries it).
    expect(adoptSyncedBindings(b, { demlsBlsBindings: bindingsForSync(a) })).toBe(0)
    expect(bindingsForSync(a)).toHaveLength(1)
    settleBindings(a)
    expect(orderedAggregationKeys(a)).toMatchObject({ ok: false, reason: 'missing', missing: [id(1)] })
    // a learns b's binding from b's join proposal.
    expect(noteJoinBinding(a, join(1, plugin(1).aggregation.binding))).toBeUndefined()
    settleBindings(a)
    // c joins: both note its binding, the commit settles it.
    const c = plugin(2).aggregation.binding
    for (const m of [a, b]) {
      expect(noteJoinBinding(m, join(2, c))).toBeUndefined()
      m.set.add(toHex(id(2)))
      settleBindings(m)
    }
    const la = orderedAggregationKeys(a)
    const lb = orderedAggregationKeys(b)
    if (!la.ok || !lb.ok) throw new Error('no list')
    expect(la.members.map(toHex)).toEqual([0, 1, 2].map((i) => toHex(id(i))).sort())
    expect(lb.members).toEqual(la.members)
    expect(la.keys.size).toBe(3)
    // A removal: the list follows the member set; the binding goes back to pending (a fork switch may restore it).
    a.set.delete(toHex(id(1)))
    settleBindings(a)
    const after = orderedAggregationKeys(a)
    expect(after.ok && after.members.map(toHex)).toEqual([0, 2].map((i) => toHex(id(i))).sort())
    expect(a.blsBindings.pending(toHex(id(1)))).toBeDefined()
  })

  it('refuses a missing, forged, foreign, oversized or copied-key binding, and a joiner that signs two', () => {
    const a = member(0, [0])
    expect(noteJoinBinding(a, join(1))).toBe('missing')
    const forged = Uint8Array.from(plugin(1).aggregation.binding)
    forged[100] = forged[100]! ^ 1
    expect(noteJoinBinding(a, join(1, forged))).toMatch(/^invalid:/)
    // Another member's binding presented for this joiner.
    expect(noteJoinBinding(a, join(1, plugin(2).aggregation.binding))).toBe('invalid:wrong-member')
    expect(noteJoinBinding(a, join(1, new Uint8Array(10_000)))).toBe('too-large')
    // Member 0's BLS key and proof copied into joiner 1's binding (re-signed by joiner 1): the proof names member 0.
    const theirs = decodeKeyBinding(plugin(0).aggregation.binding)
    const copied = encodeKeyBinding({ ...theirs, memberId: id(1), memberSignature: signer(1).sign(new Uint8Array(32)) })
    expect(noteJoinBinding(a, join(1, copied))).toMatch(/^invalid:/)
    // A joiner holding member 0's BLS secret key (collusion): valid binding, but the key is bound already.
    const sameKey = plugin(1, { blsSecretKey: blsKeyFromMemberKey(key(0)) }).aggregation.binding
    expect(plugin(1).aggregation.verifyBinding(sameKey, id(1)).ok).toBe(true)
    expect(noteJoinBinding(a, join(1, sameKey))).toBe('key-taken')
    // Nothing was kept for joiner 1.
    expect(a.blsBindings.pending(toHex(id(1)))).toBeUndefined()
    // Two different valid bindings for one joiner: the second is a conflict, and neither is adopted.
    expect(noteJoinBinding(a, join(2, plugin(2).aggregation.binding))).toBeUndefined()
    const other = createKeyBinding(signer(2), key(9))
    expect(noteJoinBinding(a, join(2, encodeKeyBinding(other)))).toBe('conflict')
    a.set.add(toHex(id(2)))
    settleBindings(a)
    expect(orderedAggregationKeys(a)).toMatchObject({ ok: false, reason: 'missing', missing: [id(2)] })
    expect(joinBindingRefusal(a, join(2, plugin(2).aggregation.binding))).toBe('conflict')
    // The group approved one of the two: the commit's approved request decides which binding every member adopts.
    const b = member(1, [0, 1, 2])
    noteJoinBinding(b, join(2, encodeKeyBinding(other)))
    noteJoinBinding(b, join(2, plugin(2).aggregation.binding))
    for (const m of [a, b]) settleBindings(m, [join(2, plugin(2).aggregation.binding)])
    for (const m of [a, b]) expect(m.blsBindings.member(toHex(id(2)))?.binding).toEqual(plugin(2).aggregation.binding)
    // An approved request whose key a member already holds is not adopted.
    const c = member(0, [0, 3])
    settleBindings(c, [join(3, plugin(3, { blsSecretKey: blsKeyFromMemberKey(key(0)) }).aggregation.binding)])
    expect(c.blsBindings.member(toHex(id(3)))).toBeUndefined()
  })

  it('checks an announcement and its proposal with one proof-of-possession verification', () => {
    const real = plugin(0)
    let calls = 0
    const verifyBinding = (b: Uint8Array, m?: Uint8Array) => {
      calls++
      return real.aggregation.verifyBinding(b, m)
    }
    const counting = { ...real, aggregation: { ...real.aggregation, verifyBinding } }
    const a = member(0, [0], counting)
    settleBindings(a) // our own binding: one check
    const before = calls
    const request = join(1, plugin(1).aggregation.binding)
    expect(joinBindingRefusal(a, request)).toBeUndefined() // the announcement
    expect(noteJoinBinding(a, request)).toBeUndefined() // its proposal
    expect(calls - before).toBe(1)
  })

  it('a joiner keeps only synced bindings that verify, for members, once each', () => {
    const b = member(1, [0, 1, 2])
    const forged = Uint8Array.from(plugin(2).aggregation.binding)
    forged[60] = forged[60]! ^ 1
    const outsider = plugin(5).aggregation.binding
    expect(adoptSyncedBindings(b, { demlsBlsBindings: [plugin(0).aggregation.binding, forged, outsider] })).toBe(2)
    expect(b.blsBindings.member(toHex(id(0)))).toBeDefined()
    expect(b.blsBindings.member(toHex(id(2)))).toBeUndefined()
    expect(b.blsBindings.member(toHex(id(5)))).toBeUndefined()
  })

  it('a joiner checks the synced bindings together (one batch call, no one-by-one checks), and refuses two whose proofs are valid only summed', () => {
    const real = plugin(1)
    let batches = 0
    let singles = 0
    const aggregation = {
      ...real.aggregation,
      verifyBinding: (b: Uint8Array, m?: Uint8Array) => {
        singles++
        return real.aggregation.verifyBinding(b, m)
      },
      verifyBindings: (list: readonly Uint8Array[]) => {
        batches++
        return real.aggregation.verifyBindings!(list)
      },
    }
    const b = member(1, [0, 1, 2, 3, 4], { ...real, aggregation })
    // Members 2 and 3 (one owner) swap their proofs of possession: each invalid alone, their sum the valid one.
    const [p2, p3] = [decodeKeyBinding(plugin(2).aggregation.binding), decodeKeyBinding(plugin(3).aggregation.binding)]
    const swapped = [encodeKeyBinding({ ...p2, possession: p3.possession }), encodeKeyBinding({ ...p3, possession: p2.possession })]
    const synced = [plugin(0).aggregation.binding, swapped[0]!, swapped[1]!, plugin(4).aggregation.binding]
    const before = singles
    expect(adoptSyncedBindings(b, { demlsBlsBindings: synced })).toBe(2)
    expect(batches).toBe(1)
    expect(singles - before).toBe(1) // our own binding, checked once when first needed
    expect([0, 2, 3, 4].map((i) => b.blsBindings.member(toHex(id(i))) !== undefined)).toEqual([true, false, false, true])
  })

  it('survive a save and restore: the restored book builds the same list', () => {
    const a = member(0, [0, 1])
    noteJoinBinding(a, join(1, plugin(1).aggregation.binding))
    settleBindings(a)
    const before = orderedAggregationKeys(a)
    const restored = member(0, [0, 1])
    restored.blsBindings.restore(structuredClone(a.blsBindings.save()))
    const after = orderedAggregationKeys(restored)
    if (!before.ok || !after.ok) throw new Error('no list')
    expect(after.members).toEqual(before.members)
    expect(restored.blsBindings.save()).toEqual(a.blsBindings.save())
  })

  it('build the list once per member set and bindings: a new epoch set, a binding that arrives or one replaced rebuilds it', () => {
    let memberKeys = 0
    const consensus = plugin(0)
    const memberKeysOnce = (...args: Parameters<typeof consensus.aggregation.memberKeys>) => {
      memberKeys++
      return consensus.aggregation.memberKeys(...args)
    }
    const counting = { ...consensus, aggregation: { ...consensus.aggregation, memberKeys: memberKeysOnce } }
    const a = member(0, [0, 1], counting)
    let set: ReadonlySet<string> = a.set
    a.memberSet = () => set
    expect(orderedAggregationKeys(a)).toMatchObject({ ok: false, reason: 'missing' })
    noteJoinBinding(a, join(1, plugin(1).aggregation.binding))
    settleBindings(a)
    const first = orderedAggregationKeys(a)
    expect(first.ok).toBe(true)
    // Every vote and proof of the epoch asks again: the same list, built once.
    for (let i = 0; i < 10; i++) expect(orderedAggregationKeys(a)).toBe(first)
    expect(memberKeys).toBe(1)
    // The next epoch's member set (a new set object, same members) builds it again.
    set = new Set(set)
    const next = orderedAggregationKeys(a)
    expect(next).not.toBe(first)
    expect(next).toEqual(first)
    // A member's binding replaced (a fork switch's restore) rebuilds it from the new key.
    a.blsBindings.setMember(toHex(id(1)), { binding: plugin(3).aggregation.binding, publicKey: decodeKeyBinding(plugin(3).aggregation.binding).publicKey })
    const replaced = orderedAggregationKeys(a)
    if (!replaced.ok || !first.ok) throw new Error('no list')
    expect(replaced.publicKeys[replaced.members.findIndex((m) => toHex(m) === toHex(id(1)))]).toEqual(decodeKeyBinding(plugin(3).aggregation.binding).publicKey)
    expect(memberKeys).toBe(3)
  })

  it('answer who binds a key (keyOwner) through every move of a binding: pending, member, back to pending, evicted, restored', () => {
    const book = new BlsBindingBook()
    const k = (n: number) => new Uint8Array(48).fill(n)
    const e = (n: number) => ({ binding: new Uint8Array([n]), publicKey: k(n) })
    expect(book.offerPending('aa', e(1))).toBe('added')
    expect(book.keyOwner(k(1), 'zz')).toBe('aa')
    expect(book.keyOwner(k(1), 'aa')).toBeUndefined()
    book.setMember('aa', e(1))
    expect(book.keyOwner(k(1), 'zz')).toBe('aa')
    // Two holders of one key (a copied key): a member is named before a joiner, and each is named when the other is excepted.
    book.offerPending('bb', { binding: new Uint8Array([9]), publicKey: k(1) })
    expect(book.keyOwner(k(1), 'zz')).toBe('aa')
    expect(book.keyOwner(k(1), 'aa')).toBe('bb')
    // A member that left: its binding goes back to pending and still owns the key; dropped from pending, it owns nothing.
    book.settle(new Set())
    expect(book.member('aa')).toBeUndefined()
    expect(book.keyOwner(k(1), 'bb')).toBe('aa')
    for (let n = 0; n < PENDING_BINDINGS_MAX; n++) book.offerPending(`p${n}`, { binding: new Uint8Array([2, n & 255, n >> 8]), publicKey: new Uint8Array(48).fill(100).fill(n & 255, 0, 1).fill(n >> 8, 1, 2) })
    expect(book.keyOwner(k(1), 'zz')).toBeUndefined()
    // A restored book answers as the saved one.
    book.setMember('cc', e(3))
    const restored = new BlsBindingBook()
    restored.restore(book.save())
    expect(restored.keyOwner(k(3), 'zz')).toBe('cc')
    expect(restored.keyOwner(k(1), 'zz')).toBeUndefined()
  })
})
