import type { CommitCandidate } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { id, staged } from './fixtures.js'
import { checkReplay } from '../../src/rules/replay-check.js'

const candidate = (steward: number): CommitCandidate => ({
  demlsWelcome: new Uint8Array(0),
  conversationId: new Uint8Array([1]),
  stewardMemberId: id(steward),
  commitMessage: new Uint8Array([1]),
  mlsProposals: [],
})

describe('rules/replay-check: may a replayed commit be adopted?', () => {
  it('the committer must be the claimed steward, carry only add/remove and bundle only its own proposals', () => {
    expect(checkReplay(staged(1), candidate(1), false, [id(1)])).toEqual({ ok: true })
    expect(checkReplay(staged(1, { bundleSenderMismatch: true }), candidate(1), false, [id(1)]).ok).toBe(false)
    expect(checkReplay(staged(2), candidate(1), false, [id(1), id(2)]).ok).toBe(false)
    expect(checkReplay(staged(1, { otherProposals: 1 }), candidate(1), false, [id(1)]).ok).toBe(false)
  })

  it('off the steward list only in recovery, without a list, or on a list a missed election could have installed', () => {
    const refused = checkReplay(staged(3), candidate(3), false, [id(1)])
    expect(refused.ok).toBe(false)
    expect(checkReplay(staged(3), candidate(3), true, [id(1)])).toEqual({ ok: true })
    expect(checkReplay(staged(3), candidate(3), false, undefined)).toEqual({ ok: true })
    expect(checkReplay(staged(3), candidate(3), false, [])).toEqual({ ok: true })
    const inferred = { retryRound: 1, members: [id(3)] }
    expect(checkReplay(staged(3), candidate(3), false, [id(1)], () => [{ retryRound: 0, members: [id(4)] }, inferred])).toEqual({ ok: true, inferred })
  })

  it('the electable lists are computed only when the list check fails', () => {
    let calls = 0
    checkReplay(staged(1), candidate(1), false, [id(1)], () => {
      calls++
      return []
    })
    expect(calls).toBe(0)
  })
})
