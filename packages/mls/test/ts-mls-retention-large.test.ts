/**
 * ts-mls 1.6.4 dropped an epoch's retained keys (`addHistoricalReceiverData`,
 * on every commit once `retainKeysForEpochs` epochs are kept) by spreading
 * every value of that epoch's secret tree as arguments of one `push`: about
 * four values per tree node, so at about 10,000 members the call overflowed
 * the stack (`RangeError: Maximum call stack size exceeded`) and no commit
 * could be built or processed any more. patches/ts-mls@1.6.4.patch pushes
 * them one by one (UPSTREAM.md, issue 6). ts-mls alone, no demls wrapper.
 */
import type { ClientState } from '#ts-mls'
import { addHistoricalReceiverData } from '#ts-mls/clientState.js'
import { describe, expect, it } from 'vitest'

type SecretTree = ClientState['secretTree']

/** A secret tree of `nodes` nodes (the values only matter as values). */
function secretTree(nodes: number): SecretTree {
  const ratchet = () => ({ secret: new Uint8Array(32), generation: 0, unusedGenerations: {} })
  return Array.from({ length: nodes }, () => ({ application: ratchet(), handshake: ratchet() })) as unknown as SecretTree
}

/** What `addHistoricalReceiverData` reads of a state at `epoch`, with `kept` past epochs retained already. */
function stateAt(epoch: bigint, kept: bigint[], nodes: number): ClientState {
  const tree = secretTree(nodes)
  const past = (e: bigint) => [e, { secretTree: tree, ratchetTree: [], senderDataSecret: new Uint8Array(32), groupContext: { epoch: e }, resumptionPsk: new Uint8Array(32) }] as const
  return {
    historicalReceiverData: new Map(kept.map(past)),
    groupContext: { epoch },
    secretTree: tree,
    ratchetTree: [],
    keySchedule: { senderDataSecret: new Uint8Array(32), resumptionPsk: new Uint8Array(32) },
    clientConfig: { keyRetentionConfig: { retainKeysForEpochs: 2 } },
  } as unknown as ClientState
}

describe('ts-mls key retention at large N (patched)', () => {
  it('drops the oldest retained epoch of a 40,000-node secret tree (20,000 members) without overflowing the stack', () => {
    const [kept] = addHistoricalReceiverData(stateAt(7n, [5n, 6n], 40_000))
    expect([...kept.keys()]).toEqual([6n, 7n])
  })

  it('keeps every epoch while fewer than retainKeysForEpochs are retained', () => {
    const [kept] = addHistoricalReceiverData(stateAt(7n, [], 10))
    expect([...kept.keys()]).toEqual([7n])
  })
})
