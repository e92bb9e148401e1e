import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { AUTHENTICATOR_HASH_DOMAIN, type AttestedState, authenticatorHash, judgeJoinedBranch } from '../../src/rules/index.js'

const ours = new Uint8Array(32).fill(1)
const theirs = new Uint8Array(32).fill(2)
const third = new Uint8Array(32).fill(3)
const at = (epoch: bigint, h: Uint8Array): AttestedState => ({ epoch, authenticatorHash: h })
const own = at(5n, ours)

describe('judgeJoinedBranch', () => {
  it('is stranded only when a strict majority of the other members attests one other state at our epoch', () => {
    const others = ['a', 'b', 'c', 'd']
    // 2 of 4: not a majority.
    const half = new Map([
      ['a', at(5n, theirs)],
      ['b', at(5n, theirs)],
    ])
    expect(judgeJoinedBranch(own, others, half)).toEqual({ kind: 'undecided' })
    half.set('c', at(5n, theirs))
    const v = judgeJoinedBranch(own, others, half)
    expect(v).toMatchObject({ kind: 'stranded', attesters: 3 })
    expect(v.kind === 'stranded' && v.target).toEqual(theirs)
  })

  it('counts only the roster, only our epoch, and never splits a majority between two other states', () => {
    const others = ['a', 'b', 'c']
    const attested = new Map([
      ['a', at(5n, theirs)],
      ['b', at(5n, third)],
      // not in our roster (a member the other branch added, or a forgery)
      ['x', at(5n, theirs)],
      ['y', at(5n, theirs)],
      // another epoch
      ['c', at(6n, theirs)],
    ])
    expect(judgeJoinedBranch(own, others, attested)).toEqual({ kind: 'undecided' })
  })

  it('is with the majority when it attests our state, and undecided alone or with empty hashes', () => {
    const attested = new Map([
      ['a', at(5n, ours)],
      ['b', at(5n, ours)],
      ['c', at(5n, theirs)],
    ])
    expect(judgeJoinedBranch(own, ['a', 'b', 'c'], attested)).toEqual({ kind: 'with-majority', attesters: 2 })
    expect(judgeJoinedBranch(own, [], attested)).toEqual({ kind: 'undecided' })
    const empty = new Map([['a', at(5n, new Uint8Array(0))]])
    expect(judgeJoinedBranch(own, ['a'], empty)).toEqual({ kind: 'undecided' })
  })

  it('authenticatorHash is the domain-separated SHA-256 of the authenticator', () => {
    const auth = new Uint8Array(32).fill(7)
    const tag = new TextEncoder().encode(AUTHENTICATOR_HASH_DOMAIN)
    expect(authenticatorHash(auth)).toEqual(sha256(new Uint8Array([...tag, 0, ...auth])))
    expect(authenticatorHash(auth)).not.toEqual(sha256(auth))
  })
})
