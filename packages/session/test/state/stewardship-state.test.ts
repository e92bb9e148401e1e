import { describe, expect, it } from 'vitest'
import { StewardshipState } from '../../src/state/stewardship-state.js'

describe('state/StewardshipState: the awaited election changes only through its API', () => {
  it('is set once per epoch: a second wait at the same epoch keeps the first deadline, another epoch replaces it', () => {
    const s = new StewardshipState()
    s.awaitElection(4n, 1_000)
    s.awaitElection(4n, 9_000)
    expect(s.awaitedElection).toEqual({ epoch: 4n, until: 1_000 })
    s.awaitElection(5n, 2_000)
    expect(s.awaitedElection).toEqual({ epoch: 5n, until: 2_000 })
  })

  it('ends when an election of its epoch or a later one lands, not an earlier one', () => {
    const s = new StewardshipState()
    s.awaitElection(4n, 1_000)
    s.electionLanded(3n)
    expect(s.awaitedElection?.epoch).toBe(4n)
    s.electionLanded(5n)
    expect(s.awaitedElection).toBeUndefined()
  })

  it('expires at its deadline or when we leave its epoch, and not before', () => {
    const s = new StewardshipState()
    s.awaitElection(4n, 1_000)
    s.expire(4n, 999)
    expect(s.awaitedElection?.until).toBe(1_000)
    s.expire(4n, 1_000)
    expect(s.awaitedElection).toBeUndefined()
    s.awaitElection(4n, 1_000)
    s.expire(5n, 0)
    expect(s.awaitedElection).toBeUndefined()
    s.awaitElection(6n, 1_000)
    s.stopWaiting()
    expect(s.awaitedElection).toBeUndefined()
  })
})
