import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_STEWARD_LIST_PLUGIN,
  ElectionSkip,
  EmptyMembersListError,
  InvalidConfigSizeError,
  InvalidEpochError,
  InvalidListSizeError,
  InvalidRetryRoundError,
  StewardListService,
  type StewardListPlugin,
  createStewardList,
  decideReconcile,
  deterministicStewardList,
  epochAndBackup,
  epochSteward,
  generateStewardList,
  memberIdHex,
  settledMembers,
  stewardListConfig,
  validateStewardList,
} from '../src/index.js'
import { member, members, toHex } from './helpers.js'

describe('settled members and reconcile', () => {
  const mems = members([1, 2, 3, 4])
  const joins = new Map<string, bigint>([
    [memberIdHex(member(3)), 5n],
    [memberIdHex(member(4)), 4n],
  ])

  it('members whose join epoch < current epoch, unrecorded count as settled', () => {
    expect(settledMembers(mems, joins, 5n).map(toHex)).toEqual(members([1, 2, 4]).map(toHex))
    expect(settledMembers(mems, joins, 6).map(toHex)).toEqual(mems.map(toHex))
    expect(settledMembers(mems, (id) => (id[0] === 1 ? 9 : undefined), 5n).map(toHex)).toEqual(members([2, 3, 4]).map(toHex))
  })

  it('still covered → keep; no list → keep', () => {
    const config = stewardListConfig({ snMin: 1, snMax: 2 })
    const list = createStewardList({ epoch: 4n, members: mems, conversationId: 'c', config })
    expect(decideReconcile({ list, config, epoch: 5n, members: mems, joinEpochs: joins })).toEqual({ kind: 'keep' })
    expect(decideReconcile({ list: undefined, config, epoch: 5n, members: mems, joinEpochs: joins })).toEqual({ kind: 'keep' })
  })

  it('settled ≤ snMax → local install with retry round 0; else needs election', () => {
    const config = stewardListConfig({ snMin: 1, snMax: 3 })
    const list = createStewardList({ epoch: 0n, members: mems, conversationId: 'c', config: { snMin: 1, snMax: 1 } })
    const d = decideReconcile({ list, config, epoch: 5n, members: mems, joinEpochs: joins })
    expect(d.kind).toBe('install')
    if (d.kind === 'install') {
      expect(d.size).toBe(3)
      expect(d.retryRound).toBe(0)
      expect(d.pool.map(toHex)).toEqual(members([1, 2, 4]).map(toHex))
    }
    const d2 = decideReconcile({ list, config: stewardListConfig({ snMin: 1, snMax: 2 }), epoch: 5n, members: mems, joinEpochs: joins })
    expect(d2.kind).toBe('needs-election')
  })

  it('service.reconcile installs the settled list locally', () => {
    const svc = new StewardListService({ config: { snMin: 1, snMax: 3 }, conversationId: 'c' })
    svc.installList(0n, [member(1)], 1)
    const d = svc.reconcile(5n, mems, joins)
    expect(d.kind).toBe('install')
    expect(svc.electionEpoch()).toBe(5n)
    expect(svc.currentList()?.retryRound).toBe(0)
    expect(new Set(svc.currentList()?.members.map(toHex))).toEqual(new Set(members([1, 2, 4]).map(toHex)))
    expect(svc.reconcile(6n, mems, joins)).toEqual({ kind: 'keep' })
  })

  it('service.reconcile with no settled member throws EmptyMembersListError (as the reference)', () => {
    const svc = new StewardListService({ conversationId: 'c' })
    svc.installList(0n, [member(1)], 1)
    expect(() => svc.reconcile(5n, [member(9)], () => 5n)).toThrow(EmptyMembersListError)
  })
})

describe('elections', () => {
  const mems = members([1, 2, 3, 4, 5])

  it('skips when not exhausted, not the proposer, or the pool is empty; proposes otherwise', () => {
    const svc = new StewardListService({ config: { snMin: 1, snMax: 2 }, conversationId: 'chat' })
    expect(svc.proposeElection({ epoch: 0n, pool: mems, self: member(1), recovery: true })).toEqual({
      kind: 'skip',
      reason: ElectionSkip.NotResponsibleProposer,
    })
    svc.installList(0n, mems, 2)
    const proposer = svc.electionProposer() as Uint8Array
    const other = mems.find((m) => toHex(m) !== toHex(proposer)) as Uint8Array
    expect(svc.proposeElection({ epoch: 1n, pool: mems, self: proposer })).toEqual({ kind: 'skip', reason: 'not-exhausted' })
    expect(svc.proposeElection({ epoch: 2n, pool: mems, self: other }).kind).toBe('skip')
    expect(svc.proposeElection({ epoch: 2n, pool: [], self: proposer })).toEqual({ kind: 'skip', reason: 'no-eligible-candidates' })
    svc.bumpRetry()
    const d = svc.proposeElection({ epoch: 2n, pool: mems, self: proposer })
    expect(d.kind).toBe('proposed')
    if (d.kind === 'proposed') {
      expect(d.electionEpoch).toBe(2n)
      expect(d.retryRound).toBe(1)
      expect(d.proposedStewards.length).toBe(2)
      expect(svc.validateProposed(d.proposedStewards, 2n, d.proposedStewards, 1)).toBe(true)
      expect(svc.validateProposed(d.proposedStewards, 2n, d.proposedStewards, 0)).toBe(
        generateStewardList({ epoch: 2n, members: d.proposedStewards, conversationId: 'chat', retryRound: 0 }).map(toHex).join() ===
          d.proposedStewards.map(toHex).join(),
      )
    }
    // recovery proposes even when not exhausted
    expect(svc.proposeElection({ epoch: 1n, pool: mems, self: proposer, recovery: true }).kind).toBe('proposed')
  })

  it('electableList is what proposeElection files, round by round, and installs nothing', () => {
    const svc = new StewardListService({ config: { snMin: 1, snMax: 2 }, conversationId: 'chat' })
    svc.installList(0n, mems, 2)
    const proposer = svc.electionProposer() as Uint8Array
    const before = svc.currentList()
    for (const round of [0, 1, 2]) {
      if (round > 0) svc.bumpRetry()
      const d = svc.proposeElection({ epoch: 2n, pool: mems, self: proposer })
      const preview = svc.electableList(2n, mems, round)
      expect(d.kind === 'proposed' && d.proposedStewards.map(toHex)).toEqual(preview.members.map(toHex))
      expect(preview.retryRound).toBe(round)
    }
    expect(svc.currentList()).toBe(before)
    // Different rounds give different seeds (over five members, lists of two differ for some round).
    const lists = new Set([0, 1, 2, 3].map((r) => svc.electableList(2n, mems, r).members.map(toHex).join()))
    expect(lists.size).toBeGreaterThan(1)
  })

  it('when no list member is eligible, the head of the list generated over the pool is responsible', () => {
    const svc = new StewardListService({ config: { snMin: 1, snMax: 1 }, conversationId: 'chat' })
    svc.installList(0n, [member(1)], 1)
    const gone = (m: Uint8Array) => toHex(m) !== toHex(member(1))
    const pool = members([2, 3])
    expect(svc.electionProposer(gone)).toBeUndefined()
    const head = generateStewardList({ epoch: 1n, members: pool, conversationId: 'chat', config: { snMin: 1, snMax: 1 } })[0]!
    expect(toHex(svc.responsibleProposer({ epoch: 1n, pool, eligible: gone })!)).toBe(toHex(head))
    const other = pool.find((m) => toHex(m) !== toHex(head))!
    expect(svc.proposeElection({ epoch: 1n, pool, self: other, eligible: gone, recovery: true })).toEqual({
      kind: 'skip',
      reason: ElectionSkip.NotResponsibleProposer,
    })
    const d = svc.proposeElection({ epoch: 1n, pool, self: head, eligible: gone, recovery: true })
    expect(d).toEqual({ kind: 'proposed', proposedStewards: [head], electionEpoch: 1n, retryRound: 0 })
    // An eligible list member stays responsible; without a list, nobody is.
    expect(toHex(svc.responsibleProposer({ epoch: 1n, pool })!)).toBe(toHex(member(1)))
    expect(new StewardListService().responsibleProposer({ epoch: 1n, pool })).toBeUndefined()
    expect(svc.responsibleProposer({ epoch: 1n, pool: [], eligible: gone })).toBeUndefined()
  })

  it('a custom plug-in is used by the service', () => {
    const reversed: StewardListPlugin = {
      ...deterministicStewardList,
      id: 'test/reversed',
      generate: (init) => {
        const l = deterministicStewardList.generate(init)
        return { ...l, members: [...l.members].reverse() }
      },
    }
    const svc = new StewardListService({ plugin: reversed, config: { snMin: 3, snMax: 3 } })
    const l = svc.installList(0n, members([1, 2, 3]))
    const d = deterministicStewardList.generate({ epoch: 0n, members: members([1, 2, 3]), conversationId: new Uint8Array(), config: { snMin: 3, snMax: 3 } })
    expect(l.members.map(toHex)).toEqual([...d.members].reverse().map(toHex))
    expect(svc.plugin.id).toBe('test/reversed')
    expect(DEFAULT_STEWARD_LIST_PLUGIN.id).toBe('de-mls/steward-list/sha256-deterministic')
    expect(DEFAULT_STEWARD_LIST_PLUGIN.version).toBe('1.0.0')
  })
})

describe('input validation', () => {
  const mems = members([1, 2, 3])
  it('typed errors with stable names and codes', () => {
    const cases: Array<[() => unknown, new (...a: never[]) => Error, string, string]> = [
      [() => generateStewardList({ epoch: -1, members: mems, conversationId: 'c' }), InvalidEpochError, 'InvalidEpochError', 'INVALID_EPOCH'],
      [() => generateStewardList({ epoch: 2n ** 64n, members: mems, conversationId: 'c' }), InvalidEpochError, 'InvalidEpochError', 'INVALID_EPOCH'],
      [() => generateStewardList({ epoch: 2 ** 53, members: mems, conversationId: 'c' }), InvalidEpochError, 'InvalidEpochError', 'INVALID_EPOCH'],
      [() => generateStewardList({ epoch: 1.5, members: mems, conversationId: 'c' }), InvalidEpochError, 'InvalidEpochError', 'INVALID_EPOCH'],
      [() => generateStewardList({ epoch: 0, retryRound: 2 ** 32, members: mems, conversationId: 'c' }), InvalidRetryRoundError, 'InvalidRetryRoundError', 'INVALID_RETRY_ROUND'],
      [() => generateStewardList({ epoch: 0, members: [], conversationId: 'c' }), EmptyMembersListError, 'EmptyMembersListError', 'EMPTY_MEMBERS_LIST'],
      [() => generateStewardList({ epoch: 0, members: mems, conversationId: 'c', size: 3 }), InvalidListSizeError, 'InvalidListSizeError', 'INVALID_LIST_SIZE'],
      [() => generateStewardList({ epoch: 0, members: mems, conversationId: 'c', config: { snMin: 3, snMax: 2 } }), InvalidConfigSizeError, 'InvalidConfigSizeError', 'INVALID_CONFIG_SIZE'],
    ]
    for (const [fn, cls, name, code] of cases) {
      let caught: unknown
      try {
        fn()
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(cls)
      expect((caught as Error).name).toBe(name)
      expect((caught as { code: string }).code).toBe(code)
    }
    expect(new InvalidListSizeError(3, 3, { snMin: 1, snMax: 2, minSize: 1, maxSize: 2 })).toBeInstanceOf(InvalidConfigSizeError)
  })

  it('default size is min(snMax, n), or n below snMin', () => {
    expect(generateStewardList({ epoch: 0, members: members([1, 2, 3, 4, 5]), conversationId: 'c', config: { snMin: 1, snMax: 3 } }).length).toBe(3)
    expect(generateStewardList({ epoch: 0, members: members([1, 2]), conversationId: 'c', config: { snMin: 3, snMax: 5 } }).length).toBe(2)
    expect(generateStewardList({ epoch: 0, members: members([1, 2, 3]), conversationId: 'c' }).length).toBe(2)
  })

  it('returned ids are copies of the input', () => {
    const input = members([1, 2])
    const out = generateStewardList({ epoch: 0, members: input, conversationId: 'c' })
    ;(out[0] as Uint8Array)[0] = 99
    expect(input.every((m) => m[0] !== 99)).toBe(true)
  })
})

describe('properties', () => {
  const ids = fc.uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 24 }), {
    minLength: 1,
    maxLength: 12,
    selector: (b) => toHex(b),
  })
  const epochArb = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })

  it('input order is irrelevant and validation accepts what generation yields', () => {
    fc.assert(
      fc.property(ids, epochArb, fc.nat({ max: 0xffff_ffff }), fc.string(), (pool, epoch, retryRound, conv) => {
        const config = { snMin: 1, snMax: 4 }
        const a = generateStewardList({ epoch, retryRound, members: pool, conversationId: conv, config })
        const b = generateStewardList({ epoch, retryRound, members: [...pool].reverse(), conversationId: conv, config })
        expect(a.map(toHex)).toEqual(b.map(toHex))
        expect(validateStewardList({ proposed: a, epoch, retryRound, pool, conversationId: conv, config })).toBe(true)
        expect(validateStewardList({ proposed: a, epoch, retryRound, pool: a, conversationId: conv, config })).toBe(true)
      }),
      { numRuns: 150 },
    )
  })

  it('rotation: every epoch in the span has a steward; backup ≠ steward; exhausted outside', () => {
    fc.assert(
      fc.property(ids, fc.bigInt({ min: 0n, max: 2n ** 63n }), fc.func(fc.boolean()), (pool, electionEpoch, elig) => {
        const list = createStewardList({ epoch: electionEpoch, members: pool, conversationId: 'p', config: { snMin: 1, snMax: 6 } })
        const eligible = (m: Uint8Array) => elig(toHex(m))
        const anyEligible = list.members.some(eligible)
        for (let i = 0; i < list.members.length; i++) {
          const e = electionEpoch + BigInt(i)
          const s = epochSteward(list, e, eligible)
          expect(s !== undefined).toBe(anyEligible)
          const { epochSteward: es, backup } = epochAndBackup(list, e, eligible)
          expect(es && toHex(es)).toBe(s && toHex(s))
          if (backup) expect(toHex(backup)).not.toBe(toHex(es as Uint8Array))
          if (s) expect(eligible(s)).toBe(true)
        }
        expect(epochSteward(list, electionEpoch + BigInt(list.members.length))).toBeUndefined()
        if (electionEpoch > 0n) expect(epochSteward(list, electionEpoch - 1n)).toBeUndefined()
      }),
      { numRuns: 150 },
    )
  })
})
