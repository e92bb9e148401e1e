import { describe, expect, it } from 'vitest'
import {
  EmptyMembersListError,
  InvalidConfigSizeError,
  type StewardList,
  createStewardList,
  epochAndBackup,
  epochSteward,
  isListExhausted,
  isValidListSize,
  computeListSize,
  sortStewardCandidates,
  stewardListConfig,
  stewardSortKey,
  validateStewardList,
} from '../src/index.js'
import { member, members, toHex } from './helpers.js'

const gen = (epoch: number | bigint, conv: string, mems: Uint8Array[], sn: number, snMin: number, snMax: number, retryRound = 0) =>
  createStewardList({ epoch, conversationId: conv, members: mems, size: sn, config: { snMin, snMax }, retryRound })
const hexes = (l: StewardList | readonly Uint8Array[]) => ('members' in l ? l.members : l).map(toHex)
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a !== undefined && b !== undefined && toHex(a) === toHex(b)

describe('steward_list/list.rs', () => {
  it('test_config_validation', () => {
    const config = stewardListConfig({ snMin: 2, snMax: 5 })
    expect(isValidListSize(config, 3, 10)).toBe(true)
    expect(isValidListSize(config, 2, 10)).toBe(true)
    expect(isValidListSize(config, 5, 10)).toBe(true)
    expect(isValidListSize(config, 1, 10)).toBe(false)
    expect(isValidListSize(config, 6, 10)).toBe(false)
    expect(isValidListSize(config, 1, 1)).toBe(true)
    expect(isValidListSize(config, 2, 1)).toBe(false)
    expect(computeListSize(config, 10)).toBe(5)
    expect(computeListSize(config, 1)).toBe(1)
  })

  it('test_new_rejects_bad_bounds', () => {
    expect(() => stewardListConfig({ snMin: 0, snMax: 5 })).toThrow(InvalidConfigSizeError)
    expect(() => stewardListConfig({ snMin: 5, snMax: 3 })).toThrow(InvalidConfigSizeError)
    expect(() => stewardListConfig({ snMin: 1.5, snMax: 3 })).toThrow(InvalidConfigSizeError)
    try {
      stewardListConfig({ snMin: 0, snMax: 1 })
    } catch (err) {
      expect((err as InvalidConfigSizeError).name).toBe('InvalidConfigSizeError')
      expect((err as InvalidConfigSizeError).code).toBe('INVALID_CONFIG_SIZE')
    }
    expect(stewardListConfig()).toEqual({ snMin: 1, snMax: 2, allowSubsetCandidates: false })
  })

  it('test_generate_empty_members', () => {
    expect(() => gen(0, 'conversation1', [], 1, 1, 3)).toThrow(EmptyMembersListError)
  })

  it('test_generate_invalid_sn', () => {
    const mems = members([1, 2, 3, 4, 5])
    expect(() => gen(0, 'conversation1', mems, 1, 2, 5)).toThrow(InvalidConfigSizeError)
    expect(() => gen(0, 'conversation1', mems, 6, 2, 5)).toThrow(InvalidConfigSizeError)
  })

  it('test_deterministic_generation', () => {
    const mems = members([1, 2, 3, 4, 5])
    const a = gen(0, 'test-conversation', mems, 3, 2, 5)
    const b = gen(0, 'test-conversation', mems, 3, 2, 5)
    expect(hexes(a)).toEqual(hexes(b))
    expect(a.members.length).toBe(3)
  })

  it('test_different_epoch_shuffles', () => {
    const mems = members([1, 2, 3, 4, 5])
    const base = hexes(gen(0, 'conversation', mems, 5, 5, 5))
    const anyDiff = [1, 2, 3, 4, 5, 6, 7, 8, 9].some(
      (e) => JSON.stringify(hexes(gen(e, 'conversation', mems, 5, 5, 5))) !== JSON.stringify(base),
    )
    expect(anyDiff).toBe(true)
  })

  it('test_different_conversation_shuffles', () => {
    const mems = members([1, 2, 3, 4, 5])
    expect(hexes(gen(0, 'conversation1', mems, 5, 5, 5))).not.toEqual(hexes(gen(0, 'conversation2', mems, 5, 5, 5)))
  })

  it('test_member_order_does_not_affect_result', () => {
    const a = gen(0, 'conversation', members([1, 2, 3, 4, 5]), 3, 2, 5)
    const b = gen(0, 'conversation', members([5, 3, 1, 4, 2]), 3, 2, 5)
    expect(hexes(a)).toEqual(hexes(b))
  })

  it('test_regen_at_sn_max_is_full_membership', () => {
    const config = stewardListConfig({ snMin: 2, snMax: 5 })
    const mems = members([1, 2, 3, 4, 5])
    const sn = computeListSize(config, mems.length)
    expect(sn).toBe(5)
    const list = gen(7, 'conv', mems, sn, 2, 5)
    expect(new Set(hexes(list))).toEqual(new Set(mems.map(toHex)))
  })

  it('test_epoch_steward_rotation', () => {
    const list = gen(0, 'conversation', members([1, 2, 3]), 3, 3, 3)
    const s = [0, 1, 2].map((e) => toHex(epochSteward(list, e) as Uint8Array))
    expect(new Set(s).size).toBe(3)
  })

  it('test_backup_is_next_rotation_slot', () => {
    const list = gen(0, 'conversation', members([1, 2, 3]), 3, 3, 3)
    const order = hexes(list)
    for (let epoch = 0; epoch < 3; epoch++) {
      const { epochSteward: e, backup: b } = epochAndBackup(list, epoch)
      expect(toHex(e as Uint8Array)).toBe(order[epoch % 3])
      expect(toHex(b as Uint8Array)).toBe(order[(epoch + 1) % 3])
    }
  })

  it('test_list_exhaustion', () => {
    const list = gen(5, 'conversation', members([1, 2, 3]), 3, 2, 3)
    expect(list.electionEpoch).toBe(5n)
    expect(isListExhausted(list, 5)).toBe(false)
    expect(isListExhausted(list, 7)).toBe(false)
    expect(isListExhausted(list, 8)).toBe(true)
    expect(isListExhausted(list, 4)).toBe(true)
    expect(epochSteward(list, 8)).toBeUndefined()
    expect(epochAndBackup(list, 8).backup).toBeUndefined()
  })

  it('test_validate_correct_list', () => {
    const mems = members([1, 2, 3, 4, 5])
    const list = gen(0, 'conversation', mems, 3, 2, 5)
    expect(
      validateStewardList({ proposed: list.members, epoch: 0, pool: mems, conversationId: 'conversation', config: { snMin: 2, snMax: 5 } }),
    ).toBe(true)
  })

  it('test_validate_tampered_list', () => {
    const mems = members([1, 2, 3, 4, 5])
    const list = gen(0, 'conversation', mems, 3, 2, 5)
    const tampered = [list.members[1], list.members[0], list.members[2]] as Uint8Array[]
    expect(
      validateStewardList({ proposed: tampered, epoch: 0, pool: mems, conversationId: 'conversation', config: { snMin: 2, snMax: 5 } }),
    ).toBe(false)
  })

  it('test_validate_wrong_epoch', () => {
    const mems = members([1, 2, 3, 4, 5])
    const list = gen(0, 'conversation', mems, 5, 5, 5)
    let diffEpoch = -1
    for (let e = 1; e < 100 && diffEpoch < 0; e++) {
      if (JSON.stringify(hexes(gen(e, 'conversation', mems, 5, 5, 5))) !== JSON.stringify(hexes(list))) diffEpoch = e
    }
    expect(diffEpoch).toBeGreaterThan(0)
    expect(
      validateStewardList({ proposed: list.members, epoch: diffEpoch, pool: mems, conversationId: 'conversation', config: { snMin: 5, snMax: 5 } }),
    ).toBe(false)
  })

  it('test_validate_wrong_members', () => {
    const mems = members([1, 2, 3, 4, 5])
    const list = gen(0, 'conversation', mems, 5, 5, 5)
    expect(
      validateStewardList({
        proposed: list.members,
        epoch: 0,
        pool: members([1, 2, 3, 4, 6]),
        conversationId: 'conversation',
        config: { snMin: 5, snMax: 5 },
      }),
    ).toBe(false)
  })

  it('test_single_member', () => {
    const list = gen(0, 'conversation', members([1]), 1, 1, 3)
    expect(list.members.length).toBe(1)
    const { epochSteward: e, backup: b } = epochAndBackup(list, 0)
    expect(e).toBeDefined()
    expect(b).toBeUndefined()
    expect(isListExhausted(list, 1)).toBe(true)
  })

  it('test_epoch_steward_walks_past_ineligible', () => {
    const mems = members([1, 2, 3])
    const list = gen(0, 'conversation', mems, 3, 3, 3)
    const nominal = epochSteward(list, 0) as Uint8Array
    const isMember = (c: Uint8Array) => mems.some((m) => toHex(m) === toHex(c))
    expect(same(epochSteward(list, 0, isMember), nominal)).toBe(true)
    const after = mems.filter((m) => toHex(m) !== toHex(nominal))
    const live = epochSteward(list, 0, (c) => after.some((m) => toHex(m) === toHex(c))) as Uint8Array
    expect(same(live, nominal)).toBe(false)
    expect(after.some((m) => same(m, live))).toBe(true)
    // the walk is cyclic and forward: the next slot after the nominal one
    expect(toHex(live)).toBe(hexes(list)[1])
  })

  it('test_epoch_and_backup_all_ineligible_and_single_survivor', () => {
    const mems = members([1, 2])
    const list = gen(0, 'conversation', mems, 2, 2, 2)
    const none = epochAndBackup(list, 0, () => false)
    expect(none.epochSteward).toBeUndefined()
    expect(none.backup).toBeUndefined()
    const survivor = mems[0] as Uint8Array
    const one = epochAndBackup(list, 0, (c) => same(c, survivor))
    expect(same(one.epochSteward, survivor)).toBe(true)
    expect(one.backup).toBeUndefined()
  })

  it('test_epoch_and_backup_rotates_when_epoch_leaves', () => {
    const list = gen(0, 'conversation', members([1, 2, 3]), 3, 3, 3)
    const nominal = epochSteward(list, 0) as Uint8Array
    const { epochSteward: e, backup: b } = epochAndBackup(list, 0, (c) => !same(c, nominal))
    expect(e).toBeDefined()
    expect(b).toBeDefined()
    expect(same(e, b)).toBe(false)
    expect(same(e, nominal)).toBe(false)
    expect(same(b, nominal)).toBe(false)
  })

  it('test_epoch_and_backup_matches_nominal_when_all_eligible', () => {
    const list = gen(0, 'conversation', members([1, 2, 3]), 3, 3, 3)
    const { epochSteward: e, backup: b } = epochAndBackup(list, 0)
    expect(same(e, epochSteward(list, 0))).toBe(true)
    expect(same(b, epochSteward(list, 1))).toBe(true)
  })

  it('test_sha256_sorting_is_ascending', () => {
    const list = gen(0, 'conversation', members([1, 2, 3, 4, 5]), 5, 5, 5)
    const keys = list.members.map((m) => toHex(stewardSortKey(0n, 0, m, 'conversation')))
    for (let i = 1; i < keys.length; i++) expect((keys[i - 1] as string) < (keys[i] as string)).toBe(true)
  })

  it('test_validate_rejects_empty_list', () => {
    expect(() =>
      validateStewardList({ proposed: [], epoch: 0, pool: members([1, 2, 3, 4, 5]), conversationId: 'conversation', config: { snMin: 3, snMax: 5 } }),
    ).toThrow(InvalidConfigSizeError)
    expect(() =>
      validateStewardList({ proposed: [member(1)], epoch: 0, pool: [], conversationId: 'conversation', config: { snMin: 1, snMax: 5 } }),
    ).toThrow(EmptyMembersListError)
  })

  it('test_below_sn_min_uses_all_members', () => {
    expect(gen(0, 'conversation', members([1, 2, 3]), 3, 5, 10).members.length).toBe(3)
    expect(createStewardList({ epoch: 0, conversationId: 'c', members: members([1, 2, 3]), config: { snMin: 5, snMax: 10 } }).members.length).toBe(3)
  })

  it('test_large_conversation_subset_selection', () => {
    const mems = Array.from({ length: 20 }, (_, i) => member(i + 1))
    const list = gen(0, 'conversation', mems, 5, 3, 5)
    expect(list.members.length).toBe(5)
    for (const s of list.members) expect(mems.some((m) => same(m, s))).toBe(true)
  })

  it('test_retry_rounds_produce_different_lists', () => {
    const mems = members([1, 2, 3, 4])
    const base = JSON.stringify(hexes(gen(1, 'conversation', mems, 2, 1, 2, 0)))
    const anyDiff = [1, 2, 3, 4, 5, 6, 7, 8, 9].some((r) => JSON.stringify(hexes(gen(1, 'conversation', mems, 2, 1, 2, r))) !== base)
    expect(anyDiff).toBe(true)
  })

  it('retry_round_seed_persists_independently_of_caller_counter', () => {
    const mems = members([1, 2, 3, 4])
    const list = gen(7, 'conv', mems, 4, 2, 4, 2)
    expect(list.retryRound).toBe(2)
    expect(hexes(list)).not.toEqual(hexes(gen(7, 'conv', mems, 4, 2, 4, 0)))
    const v = (retryRound: number) =>
      validateStewardList({ proposed: list.members, epoch: 7, pool: list.members, conversationId: 'conv', config: { snMin: 2, snMax: 4 }, retryRound })
    expect(v(2)).toBe(true)
    expect(v(0)).toBe(false)
  })
})

describe('sortStewardCandidates: the order of recent inputs is kept', () => {
  /** The order from the sort keys themselves, computed here without the module's kept orders. */
  const direct = (epoch: bigint, retry: number, conv: string, mems: readonly Uint8Array[]) =>
    [...mems]
      .map((id) => ({ id, key: toHex(stewardSortKey(epoch, retry, id, conv)) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : toHex(a.id) < toHex(b.id) ? -1 : 1))
      .map((x) => toHex(x.id))

  it('a repeat gives the same order, made of the instances passed this time', () => {
    const first = members([...Array(12).keys()].map((i) => i + 1))
    const again = first.map((id) => Uint8Array.from(id))
    const a = sortStewardCandidates(9n, 0, 'memo', first)
    const b = sortStewardCandidates(9n, 0, 'memo', again)
    expect(b.map(toHex)).toEqual(a.map(toHex))
    expect(b.map(toHex)).toEqual(direct(9n, 0, 'memo', first))
    for (const id of b) expect(again.some((x) => x === id)).toBe(true)
    // Input order does not matter, kept or not.
    expect(sortStewardCandidates(9n, 0, 'memo', [...again].reverse()).map(toHex)).toEqual(a.map(toHex))
  })

  it('any change of epoch, retry round, conversation or members is a new order, also past the orders kept', () => {
    const mems = members([...Array(9).keys()].map((i) => i + 1))
    const inputs: [bigint, number, string, Uint8Array[]][] = []
    for (let e = 0n; e < 20n; e++) inputs.push([e, 0, 'memo', mems])
    inputs.push([3n, 1, 'memo', mems], [3n, 0, 'other', mems], [3n, 0, 'memo', mems.slice(1)], [3n, 0, 'memo', [...mems.slice(1), member(200)]])
    // Twice over: the second pass reads some inputs back from the kept orders and recomputes the evicted ones.
    for (let pass = 0; pass < 2; pass++) {
      for (const [e, r, c, m] of inputs) expect(sortStewardCandidates(e, r, c, m).map(toHex)).toEqual(direct(e, r, c, m))
    }
  })
})
