import { describe, expect, it } from 'vitest'
import { EmptyMembersListError, NoStewardListError, StewardListService } from '../src/index.js'
import { member, members, toHex } from './helpers.js'

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a !== undefined && b !== undefined && toHex(a) === toHex(b)
const svc = (snMin = 1, snMax = 5) => new StewardListService({ config: { snMin, snMax } })

describe('steward_list/service.rs', () => {
  it('empty_service_has_no_list', () => {
    const p = svc()
    expect(p.currentList()).toBeUndefined()
    expect(p.isSteward(member(1))).toBe(false)
    expect(p.isExhausted(0)).toBe(false)
    expect(p.epochSteward(0)).toBeUndefined()
    expect(p.electionEpoch()).toBeUndefined()
  })

  it('install_sets_current_list', () => {
    const p = svc()
    p.installList(0, members([1, 2, 3]), 3, 0)
    expect(p.currentList()?.members.length).toBe(3)
    expect(p.electionEpoch()).toBe(0n)
  })

  it('epoch_steward_filters_by_eligibility', () => {
    const p = svc()
    const mems = members([1, 2, 3])
    p.installList(0, mems, 3, 0)
    const nominal = p.epochSteward(0) as Uint8Array
    const next = p.epochSteward(0, (c) => !same(c, nominal))
    expect(same(next, nominal)).toBe(false)
    expect(mems.some((m) => same(m, next))).toBe(true)
  })

  it('epoch_and_backup_distinct_when_two_eligible', () => {
    const p = svc(3, 3)
    p.installList(0, members([1, 2, 3]), 3, 0)
    const { epochSteward: e, backup: b } = p.epochAndBackup(0)
    expect(e).toBeDefined()
    expect(b).toBeDefined()
    expect(same(e, b)).toBe(false)
  })

  it('backup_is_none_when_only_one_eligible', () => {
    const p = svc()
    const mems = members([1, 2, 3])
    p.installList(0, mems, 3, 0)
    const survivor = mems[0] as Uint8Array
    const { epochSteward: e, backup: b } = p.epochAndBackup(0, (c) => same(c, survivor))
    expect(same(e, survivor)).toBe(true)
    expect(b).toBeUndefined()
  })

  it('bump_retry_increments_round_past_max', () => {
    const p = svc()
    expect(p.maxRetries).toBe(1)
    p.bumpRetry()
    expect(p.nextElectionRound).toBe(1)
    expect(p.nextElectionRound <= p.maxRetries).toBe(true)
    expect(p.retriesExhausted()).toBe(false)
    p.bumpRetry()
    expect(p.nextElectionRound).toBe(2)
    expect(p.nextElectionRound > p.maxRetries).toBe(true)
    expect(p.retriesExhausted()).toBe(true)
  })

  it('reset_retry_clears_round', () => {
    const p = svc()
    p.bumpRetry()
    p.bumpRetry()
    expect(p.nextElectionRound).toBe(2)
    p.resetRetry()
    expect(p.nextElectionRound).toBe(0)
  })

  it('validate_proposed_against_self_derived_list', () => {
    const p = svc()
    const mems = members([1, 2, 3])
    p.installList(0, mems, 3, 0)
    expect(p.validateProposed(p.currentList()?.members ?? [], 0, mems, 0)).toBe(true)
  })

  it('validate_proposed_rejects_tampered_order', () => {
    const p = svc()
    const mems = members([1, 2, 3])
    p.installList(0, mems, 3, 0)
    const m = [...(p.currentList()?.members ?? [])]
    const tampered = [m[1], m[0], m[2]] as Uint8Array[]
    expect(p.validateProposed(tampered, 0, mems, 0)).toBe(false)
  })

  it('steward_members_returns_filtered_roster', () => {
    const p = svc()
    const mems = members([1, 2, 3])
    p.installList(0, mems, 3, 0)
    const dropped = mems[0] as Uint8Array
    const filtered = p.stewardMembers((c) => !same(c, dropped))
    expect(filtered.length).toBe(2)
    expect(filtered.every((m) => !same(m, dropped))).toBe(true)
  })

  it('set_max_retries_updates_threshold', () => {
    const p = svc()
    p.setMaxRetries(3)
    expect(p.maxRetries).toBe(3)
    for (let i = 0; i < 3; i++) {
      p.bumpRetry()
      expect(p.nextElectionRound <= p.maxRetries).toBe(true)
    }
    p.bumpRetry()
    expect(p.nextElectionRound > p.maxRetries).toBe(true)
  })

  it('election_proposer_walks_eligibility', () => {
    const p = svc(3, 3)
    p.installList(0, members([1, 2, 3]), 3, 0)
    const proposer = p.electionProposer() as Uint8Array
    expect(same(proposer, p.currentList()?.members[0])).toBe(true)
    const next = p.electionProposer((c) => !same(c, proposer))
    expect(next).toBeDefined()
    expect(same(next, proposer)).toBe(false)
  })

  it('election_required_only_above_sn_max', () => {
    const p = svc(2, 3)
    expect(p.electionRequired(1)).toBe(false)
    expect(p.electionRequired(3)).toBe(false)
    expect(p.electionRequired(4)).toBe(true)
  })

  it('snapshot_restore_round_trips_list_and_retry', () => {
    const p = new StewardListService({ config: { snMin: 1, snMax: 5 }, conversationId: 'conv' })
    p.installList(0, members([1, 2, 3]), 3, 0)
    p.bumpRetry()
    const snap = p.snapshot()
    const restored = new StewardListService({ config: { snMin: 1, snMax: 5 }, conversationId: 'conv' })
    restored.restore(structuredClone(snap))
    expect(restored.currentList()?.members.map(toHex)).toEqual(p.currentList()?.members.map(toHex))
    expect(restored.electionEpoch()).toBe(0n)
    expect(restored.nextElectionRound).toBe(1)
    expect(restored.maxRetries).toBe(1)
  })

  it('snapshot_of_empty_service_errors', () => {
    const p = svc()
    expect(() => p.snapshot()).toThrow(NoStewardListError)
    expect(() => p.snapshot()).toThrow(EmptyMembersListError)
  })
})
