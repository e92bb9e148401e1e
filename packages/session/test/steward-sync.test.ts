import { StewardListService } from '@demls/steward'
import { describe, expect, it } from 'vitest'
import type { EpochMembership } from '../src/state/epoch-history.js'
import { type StewardListContext, stewardListRefusal } from '../src/rules/steward-list.js'
import { toHex } from '../src/util/bytes.js'

const id = (n: number) => new Uint8Array(20).fill(n)
const service = new StewardListService({ config: { snMin: 1, snMax: 2 }, conversationId: 'sync' })
// Members 1–5 at epoch 4; member 5 joined at 4 (not settled there).
const at4: EpochMembership = { members: [1, 2, 3, 4, 5].map(id), joinEpochs: new Map([[toHex(id(5)), 4n]]) }
const settled4 = [1, 2, 3, 4].map(id)
const ctx = (over: Partial<StewardListContext> = {}): StewardListContext => ({
  epoch: 5n,
  ours: { epoch: 2n, round: 0 },
  maxRetries: 2,
  membershipAt: (e) => (e === 4n ? at4 : undefined),
  electable: (e, pool, round) => service.electableList(e, pool, round).members,
  ...over,
})
const elected = (round: number) => [...service.electableList(4n, settled4, round).members]

describe('stewardListRefusal (a steward list sent by a member that holds a newer one)', () => {
  it('accepts exactly the list an election at that epoch proposes, in any retry round up to the cap', () => {
    for (const round of [0, 1, 2]) expect(stewardListRefusal({ electionEpoch: 4n, retryRound: round, members: elected(round) }, ctx())).toBeUndefined()
  })

  it('refuses lists that do not regenerate: another order, an extra or a missing member, an unsettled member', () => {
    const good = elected(0)
    expect(good).toHaveLength(2)
    const outsider = settled4.find((m) => !good.some((g) => toHex(g) === toHex(m)))!
    const cases = [
      [...good].reverse(), // another order
      [...good, outsider], // an extra settled member
      good.slice(0, 1), // a missing member
      [id(5), ...good.slice(1)], // a member who joined at that epoch
    ]
    for (const members of cases) {
      expect(stewardListRefusal({ electionEpoch: 4n, retryRound: 0, members }, ctx())).toBe('does not regenerate from the settled members')
    }
  })

  it('refuses a list from a later epoch, one not newer than ours, a round past the cap, or an epoch we do not remember', () => {
    expect(stewardListRefusal({ electionEpoch: 6n, retryRound: 0, members: elected(0) }, ctx())).toBe('from a later epoch')
    expect(stewardListRefusal({ electionEpoch: 4n, retryRound: 0, members: elected(0) }, ctx({ ours: { epoch: 4n, round: 0 } }))).toBe('not newer than ours')
    expect(stewardListRefusal({ electionEpoch: 4n, retryRound: 0, members: elected(0) }, ctx({ ours: { epoch: 4n, round: 1 } }))).toBe('not newer than ours')
    expect(stewardListRefusal({ electionEpoch: 4n, retryRound: 3, members: elected(3) }, ctx())).toBe('retry round beyond the cap')
    expect(stewardListRefusal({ electionEpoch: 3n, retryRound: 0, members: elected(0) }, ctx())).toBe('epoch not in our history')
  })

  it('a later round of the same epoch is newer', () => {
    expect(stewardListRefusal({ electionEpoch: 4n, retryRound: 1, members: elected(1) }, ctx({ ours: { epoch: 4n, round: 0 } }))).toBeUndefined()
  })
})
