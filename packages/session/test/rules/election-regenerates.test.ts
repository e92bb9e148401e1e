import { StewardListService } from '@demls/steward'
import { describe, expect, it } from 'vitest'
import { electionRegenerates } from '../../src/rules/steward-list.js'

const id = (n: number) => new Uint8Array(20).fill(n)

describe('electionRegenerates: an election list must come from a candidate pool, not only be in order', () => {
  const svc = new StewardListService({ conversationId: 'chat', config: { snMin: 1, snMax: 2 } })
  const electable = (epoch: bigint, pool: readonly Uint8Array[], round: number) => svc.electableList(epoch, pool, round).members
  const pool = [1, 2, 3, 4].map(id)

  it('the list an election over the pool proposes in its round passes; the same list under another round does not', () => {
    const list = [...electable(7n, pool, 0)]
    expect(electionRegenerates({ proposedStewards: list, electionEpoch: 7n, retryRound: 0 }, [pool], electable)).toBe(true)
    const other = [...electable(7n, pool, 1)]
    const sameAsRound0 = other.length === list.length && other.every((m, i) => m[0] === list[i]![0])
    expect(electionRegenerates({ proposedStewards: list, electionEpoch: 7n, retryRound: 1 }, [pool], electable)).toBe(sameAsRound0)
  })

  it('a list that only regenerates from its own members (one member alone) does not, unless that is a pool we hold', () => {
    const alone = [...electable(7n, [id(4)], 0)]
    const e = { proposedStewards: alone, electionEpoch: 7n, retryRound: 0 }
    expect(electionRegenerates(e, [pool], electable)).toBe(false)
    expect(electionRegenerates(e, [pool, [id(4)]], electable)).toBe(true)
    expect(electionRegenerates(e, [[]], electable)).toBe(false)
    expect(electionRegenerates(e, [], electable)).toBe(false)
  })
})
