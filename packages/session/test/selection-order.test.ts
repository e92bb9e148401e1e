import type { ConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS } from '@demls/mls'
import { defaultPlugins } from '../src/index.js'
import {
  KEY_PACKAGE_EXPIRY_TOLERANCE_MS,
  type PrefixEntry,
  actionSetKey,
  commitPrefix,
  coversPrefix,
  deferredAdds,
  expiredAdds,
  lagsRecentApprovals,
  orderCandidates,
} from '../src/rules/selection-order.js'
import { keyFor } from './scenarios/harness.js'
import { toHex } from '../src/util/bytes.js'

const id = (n: number) => new Uint8Array(20).fill(n)
const c = (count: number, steward: number, hash: number) => ({
  proposalCount: count,
  stewardMemberId: id(steward),
  commitHash: new Uint8Array(32).fill(hash),
  label: `${count}/${steward}/${hash}`,
})

describe('orderCandidates (reference freeze/round.rs priority cases)', () => {
  it('more proposals win first when subsets are allowed', () => {
    const order = orderCandidates([c(1, 1, 1), c(2, 2, 2)], 2, undefined, true)
    expect(order.map((x) => x.label)).toEqual(['2/2/2', '1/1/1'])
  })

  it('filters candidates whose count differs from the expected count', () => {
    expect(orderCandidates([c(1, 1, 1), c(2, 2, 2)], 2, undefined, false).map((x) => x.label)).toEqual(['2/2/2'])
  })

  it('the epoch steward wins among equal counts', () => {
    const order = orderCandidates([c(2, 1, 1), c(2, 5, 1)], 2, id(5), false)
    expect(order.map((x) => x.label)).toEqual(['2/5/1', '2/1/1'])
  })

  it('then the smaller steward id', () => {
    const order = orderCandidates([c(2, 7, 1), c(2, 3, 9)], 2, id(5), false)
    expect(order.map((x) => x.label)).toEqual(['2/3/9', '2/7/1'])
  })

  it('then the smaller commit hash', () => {
    const order = orderCandidates([c(2, 3, 9), c(2, 3, 4)], 2, undefined, false)
    expect(order.map((x) => x.label)).toEqual(['2/3/4', '2/3/9'])
  })

  it('input order does not matter', () => {
    const all = [c(2, 3, 9), c(2, 3, 4), c(2, 5, 1), c(2, 1, 1)]
    const a = orderCandidates(all, 2, id(5), false).map((x) => x.label)
    const b = orderCandidates([...all].reverse(), 2, id(5), false).map((x) => x.label)
    expect(a).toEqual(b)
    expect(a).toEqual(['2/5/1', '2/1/1', '2/3/4', '2/3/9'])
  })
})

const invite = (n: number): ConversationUpdateRequest => ({
  payload: 'memberInvite',
  memberInvite: { memberId: id(n), keyPackageBytes: new Uint8Array([n]) },
})
const remove = (n: number): ConversationUpdateRequest => ({ payload: 'removeMember', removeMember: { memberId: id(n) } })
const members = new Set([1, 2, 3].map((n) => toHex(id(n))))
const isMember = (hex: string) => members.has(hex)

describe('commitPrefix (deterministic prefix, deviation 2)', () => {
  it('keeps approval order and skips satisfied work', () => {
    const prefix = commitPrefix({
      approved: [
        [1, invite(4)],
        [2, invite(2)], // already a member
        [3, remove(3)],
        [4, remove(8)], // not a member
      ],
      isMember,
      max: 50,
    })
    expect(prefix.map((e) => e.proposalId)).toEqual([1, 3])
  })

  it('caps at max', () => {
    const prefix = commitPrefix({ approved: [[1, invite(4)], [2, invite(5)], [3, invite(6)]], isMember, max: 2 })
    expect(prefix.map((e) => e.proposalId)).toEqual([1, 2])
  })

  it('with an urgent target, only that removal', () => {
    const prefix = commitPrefix({
      approved: [[1, invite(4)], [2, remove(2)], [3, remove(3)]],
      isMember,
      urgentTarget: toHex(id(3)),
      max: 50,
    })
    expect(prefix.map((e) => e.proposalId)).toEqual([3])
  })

  it('deduplicates repeated targets', () => {
    const prefix = commitPrefix({ approved: [[1, invite(4)], [2, invite(4)]], isMember, max: 50 })
    expect(prefix).toHaveLength(1)
  })

  it('actionSetKey is order-insensitive and deduplicated', () => {
    const a = actionSetKey([
      { action: 'add', memberId: id(4) },
      { action: 'remove', memberId: id(3) },
    ])
    const b = actionSetKey([
      { action: 'remove', memberId: id(3) },
      { action: 'add', memberId: id(4) },
      { action: 'add', memberId: id(4) },
    ])
    expect(a).toBe(b)
  })
})

describe('expiredAdds and coversPrefix (deviation 9: adds whose key package expired may be left out)', () => {
  const T0 = 1_700_000_000_000
  const lifetimeMs = DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS * 1000
  const add = async (i: number, generatedAt: number, proposalId: number): Promise<PrefixEntry> => {
    const keyPackageBytes = await (await defaultPlugins(keyFor(i))).generateKeyPackage(generatedAt)
    const memberId = (await defaultPlugins(keyFor(i))).mls.memberId
    const request = { payload: 'memberInvite', memberInvite: { memberId, keyPackageBytes } } as ConversationUpdateRequest
    return { proposalId, request, action: 'add', memberId }
  }
  const remove = (n: number, proposalId: number): PrefixEntry => ({
    proposalId,
    action: 'remove',
    memberId: id(n),
    request: { payload: 'removeMember', removeMember: { memberId: id(n) } } as ConversationUpdateRequest,
  })

  it('an add is expired once its notAfter second is past; removes never are', async () => {
    const fresh = await add(1, T0, 1)
    const dying = await add(2, T0 - lifetimeMs + 10_000, 2) // notAfter = T0 + 10 s
    const prefix = [fresh, dying, remove(9, 3)]
    expect(expiredAdds(prefix, T0).map((e) => e.proposalId)).toEqual([])
    expect(expiredAdds(prefix, T0 + 10_999).map((e) => e.proposalId)).toEqual([])
    expect(expiredAdds(prefix, T0 + 11_000).map((e) => e.proposalId)).toEqual([2])
    // A receiver's view: expired within the tolerance of its clock.
    expect(expiredAdds(prefix, T0 + KEY_PACKAGE_EXPIRY_TOLERANCE_MS).map((e) => e.proposalId)).toEqual([2])
  })

  it('an undecodable key package counts as expired (every member decodes the same bytes)', () => {
    const bad: PrefixEntry = {
      proposalId: 4,
      action: 'add',
      memberId: id(4),
      request: { payload: 'memberInvite', memberInvite: { memberId: id(4), keyPackageBytes: new Uint8Array([1, 2]) } } as ConversationUpdateRequest,
    }
    expect(expiredAdds([bad], T0)).toEqual([bad])
  })

  it('a commit must carry the prefix minus only omittable entries, and nothing else', async () => {
    const a = await add(1, T0, 1)
    const b = await add(2, T0, 2)
    const r = remove(9, 3)
    const prefix = [a, b, r]
    const act = (e: PrefixEntry) => ({ action: e.action, memberId: e.memberId })
    expect(coversPrefix([a, b, r].map(act), prefix, [])).toEqual({ ok: true, omitted: [] })
    expect(coversPrefix([a, r].map(act), prefix, [b])).toEqual({ ok: true, omitted: [b] })
    expect(coversPrefix([r].map(act), prefix, [a, b])).toEqual({ ok: true, omitted: [a, b] })
    expect(coversPrefix([], [b], [b])).toEqual({ ok: true, omitted: [b] })
    // Leaving out work that is not omittable, or adding work beyond the prefix, is refused.
    expect(coversPrefix([a, r].map(act), prefix, []).ok).toBe(false)
    expect(coversPrefix([b, r].map(act), prefix, [b]).ok).toBe(false)
    expect(coversPrefix([a, b, r, remove(8, 5)].map(act), prefix, []).ok).toBe(false)
  })
})

describe('lagsRecentApprovals (the epoch steward froze before it counted our latest approvals)', () => {
  const entry = (action: 'add' | 'remove', n: number, proposalId: number): PrefixEntry => ({
    proposalId,
    action,
    memberId: id(n),
    request: { payload: 'removeMember', removeMember: { memberId: id(n) } } as ConversationUpdateRequest,
  })
  const prefix = [entry('add', 1, 11), entry('add', 2, 12), entry('remove', 3, 13)]
  const at = new Map([
    [11, 1_000],
    [12, 5_000],
    [13, 6_000],
  ])
  const carries = (...xs: PrefixEntry[]) => xs.map((e) => ({ action: e.action, memberId: e.memberId }))

  it('a commit of the older entries that leaves out only work approved since the window start lags', () => {
    expect(lagsRecentApprovals(carries(prefix[0]!), prefix, at, 4_000)).toBe(true)
    expect(lagsRecentApprovals(carries(prefix[0]!, prefix[1]!), prefix, at, 6_000)).toBe(true)
  })

  it('leaving out work approved before the window start is withholding it, not lag', () => {
    expect(lagsRecentApprovals(carries(prefix[0]!), prefix, at, 5_001)).toBe(false)
    expect(lagsRecentApprovals(carries(prefix[1]!, prefix[2]!), prefix, at, 2_000)).toBe(false)
  })

  it('an entry with no recorded approval time (saved before a restart) counts as old', () => {
    expect(lagsRecentApprovals(carries(prefix[0]!), prefix, new Map([[12, 5_000]]), 4_000)).toBe(false)
  })

  it('an empty commit, a commit carrying work outside our prefix, or the whole prefix do not qualify', () => {
    expect(lagsRecentApprovals([], prefix, at, 0)).toBe(false)
    expect(lagsRecentApprovals([...carries(prefix[0]!), { action: 'remove', memberId: id(9) }], prefix, at, 0)).toBe(false)
    expect(lagsRecentApprovals([{ action: 'remove', memberId: id(1) }], prefix, at, 0)).toBe(false) // the wrong action on a prefix member
    expect(lagsRecentApprovals(carries(...prefix), prefix, at, 0)).toBe(false) // covers it: the ordinary rule applies
  })
})

describe('deferredAdds: adds wait while no listed steward would stay a member', () => {
  const entry = (action: 'add' | 'remove', n: number, proposalId: number): PrefixEntry => ({
    proposalId,
    action,
    memberId: id(n),
    request: (action === 'add'
      ? { payload: 'memberInvite', memberInvite: { memberId: id(n), keyPackageBytes: new Uint8Array(0) } }
      : { payload: 'removeMember', removeMember: { memberId: id(n) } }) as ConversationUpdateRequest,
  })
  const members = new Set([1, 2, 3, 4].map((n) => toHex(id(n))))
  const isMember = (hex: string) => members.has(hex)
  const ids = (es: PrefixEntry[]) => es.map((e) => e.proposalId)

  it('every listed steward removed: the adds wait, the removals do not', () => {
    const prefix = [entry('remove', 1, 1), entry('add', 7, 2), entry('remove', 2, 3), entry('add', 8, 4)]
    expect(ids(deferredAdds(prefix, [id(1), id(2)], isMember))).toEqual([2, 4])
  })

  it('a listed steward that stays a member: nothing waits', () => {
    const prefix = [entry('remove', 1, 1), entry('add', 7, 2)]
    expect(deferredAdds(prefix, [id(1), id(2)], isMember)).toEqual([])
  })

  it('stewards that already left count as gone: after the removal, the adds wait for the election', () => {
    const prefix = [entry('add', 7, 2)]
    expect(ids(deferredAdds(prefix, [id(5), id(6)], isMember))).toEqual([2])
    expect(ids(deferredAdds([entry('remove', 1, 1), ...prefix], [id(1), id(6)], isMember))).toEqual([2])
  })

  it('no list, or no adds: nothing waits', () => {
    expect(deferredAdds([entry('add', 7, 2)], [], isMember)).toEqual([])
    expect(deferredAdds([entry('remove', 1, 1)], [id(1)], isMember)).toEqual([])
  })
})
