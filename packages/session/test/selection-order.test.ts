import type { ConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { actionSetKey, commitPrefix, orderCandidates } from '../src/freeze/selection-order.js'
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
