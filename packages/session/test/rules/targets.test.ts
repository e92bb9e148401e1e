import { type ConversationUpdateRequest, encodeConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { isSelfLeave, keyOfTarget, targetKey, targetMemberId, targetOf, targetSatisfied } from '../../src/rules/targets.js'
import { toHex } from '../../src/util/bytes.js'

const id = (n: number) => new Uint8Array(20).fill(n)
const add = (n: number): ConversationUpdateRequest => ({ payload: 'memberInvite', memberInvite: { memberId: id(n), keyPackageBytes: new Uint8Array([n]) } })
const remove = (n: number): ConversationUpdateRequest => ({ payload: 'removeMember', removeMember: { memberId: id(n) } })

describe('rules/targets: typed { action, member } targets', () => {
  it('reads the action and member of adds and removes, nothing of other requests', () => {
    expect(targetOf(add(1))).toEqual({ action: 'add', member: id(1) })
    expect(targetOf(remove(2))).toEqual({ action: 'remove', member: id(2) })
    const election: ConversationUpdateRequest = {
      payload: 'stewardElection',
      stewardElection: { proposedStewards: [id(1)], electionEpoch: 1n, retryRound: 0 },
    }
    expect(targetOf(election)).toBeUndefined()
    expect(targetKey(election)).toBeUndefined()
    expect(targetMemberId(remove(3))).toEqual(id(3))
  })

  it('keys are distinct per action and member, and equal for the same target', () => {
    expect(targetKey(add(1))).toBe(keyOfTarget({ action: 'add', member: id(1) }))
    expect(targetKey(add(1))).toBe(`add:${toHex(id(1))}`)
    expect(new Set([targetKey(add(1)), targetKey(remove(1)), targetKey(add(2)), targetKey(remove(2))]).size).toBe(4)
  })

  it('an add of a member and a removal of a non-member are satisfied; the others are not', () => {
    const members = new Set([toHex(id(1))])
    const isMember = (h: string) => members.has(h)
    expect(targetSatisfied({ action: 'add', member: id(1) }, isMember)).toBe(true)
    expect(targetSatisfied({ action: 'add', member: id(2) }, isMember)).toBe(false)
    expect(targetSatisfied({ action: 'remove', member: id(2) }, isMember)).toBe(true)
    expect(targetSatisfied({ action: 'remove', member: id(1) }, isMember)).toBe(false)
  })

  it('a self-leave is a removal of its owner, for one voter, sent by that owner; nothing else is', () => {
    const proposal = (request: ConversationUpdateRequest, owner: number, expectedVotersCount = 1) => ({
      payload: encodeConversationUpdateRequest(request),
      proposalOwner: id(owner),
      expectedVotersCount,
    })
    expect(isSelfLeave(proposal(remove(2), 2), id(2))).toBe(true)
    // Sent by someone else (a forwarded copy), removing someone else, or for more voters: no.
    expect(isSelfLeave(proposal(remove(2), 2), id(3))).toBe(false)
    expect(isSelfLeave(proposal(remove(3), 2), id(2))).toBe(false)
    expect(isSelfLeave(proposal(remove(2), 2, 4), id(2))).toBe(false)
    expect(isSelfLeave(proposal(add(2), 2), id(2))).toBe(false)
    expect(isSelfLeave({ payload: new Uint8Array([0xff, 0xff]), proposalOwner: id(2), expectedVotersCount: 1 }, id(2))).toBe(false)
  })
})
