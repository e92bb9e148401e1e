import type { GossipSub } from '@libp2p/gossipsub'
import { afterEach, describe, expect, it } from 'vitest'
import { DEMLS_SCORING, type GossipsubNode, createGossipsubNode, demlsGossipsubOptions, gossipsubTransport } from '../src/index.js'
import { Nodes } from './helpers.js'

/** The score parameters the router actually runs with (its resolved options and its PeerScore). */
function routerScoring(node: GossipsubNode) {
  const router = node.services.pubsub as GossipSub & {
    opts: { scoreParams: Record<string, unknown> }
    score: { params: { IPColocationFactorWhitelist: Set<string>; IPColocationFactorThreshold: number; IPColocationFactorWeight: number } }
  }
  expect(router.score.params).toBe(router.opts.scoreParams)
  const p = router.score.params
  return {
    whitelist: [...p.IPColocationFactorWhitelist].sort(),
    threshold: p.IPColocationFactorThreshold,
    weight: p.IPColocationFactorWeight,
    retainScore: router.opts.scoreParams.retainScore,
  }
}

describe('gossipsub peer scoring for de-MLS groups', () => {
  const made: GossipsubNode[] = []
  const nodes = new Nodes()
  afterEach(async () => {
    await Promise.allSettled(made.map((n) => n.stop()))
    made.length = 0
    await nodes.stopAll()
  })
  const node = async (init: Parameters<typeof createGossipsubNode>[0] = {}) => {
    const n = await createGossipsubNode(init)
    made.push(n)
    return n
  }

  it('whitelists loopback and moves the colocation cliff to 100 peers by default', async () => {
    expect(routerScoring(await node())).toEqual({
      whitelist: ['127.0.0.1', '::1'],
      threshold: 100,
      weight: -5,
      retainScore: 3_600_000, // gossipsub's own, untouched
    })
    expect(DEMLS_SCORING).toEqual({ ipColocationWhitelist: ['127.0.0.1', '::1'], ipColocationThreshold: 100, ipColocationWeight: -5 })
  })

  it('takes the scoring option of createGossipsubNode and of gossipsubTransport', async () => {
    const scoring = { ipColocationWhitelist: ['203.0.113.7'], ipColocationThreshold: 40, ipColocationWeight: -1 }
    expect(routerScoring(await node({ scoring }))).toMatchObject({ whitelist: ['203.0.113.7'], threshold: 40, weight: -1 })

    const [t] = await nodes.create(1, { init: { scoring: { ipColocationWhitelist: [], ipColocationWeight: 0 } } })
    expect(routerScoring(t!.node!)).toMatchObject({ whitelist: [], threshold: 100, weight: 0 })
  })

  it("lets the caller's gossipsub.scoreParams win over the demls scoring, field by field", async () => {
    const n = await node({
      scoring: { ipColocationThreshold: 40 },
      gossipsub: { scoreParams: { IPColocationFactorThreshold: 10, IPColocationFactorWhitelist: new Set(['10.0.0.1']), retainScore: 1_000 } },
    })
    expect(routerScoring(n)).toEqual({ whitelist: ['10.0.0.1'], threshold: 10, weight: -5, retainScore: 1_000 })
  })

  it('demlsGossipsubOptions puts the scoring under scoreParams and keeps the demls message options', () => {
    const opts = demlsGossipsubOptions({ heartbeatInterval: 500, emitSelf: true }, { ipColocationThreshold: 7 })
    expect(opts.heartbeatInterval).toBe(500)
    expect(opts.emitSelf).toBe(false)
    expect(opts.scoreParams).toMatchObject({ IPColocationFactorThreshold: 7, IPColocationFactorWeight: -5 })
    expect([...(opts.scoreParams!.IPColocationFactorWhitelist ?? [])]).toEqual(['127.0.0.1', '::1'])
  })

  it('refuses an invalid setting the way gossipsub does (positive weight)', async () => {
    const t = gossipsubTransport({ scoring: { ipColocationWeight: 5 } })
    nodes.all.push(t)
    await expect(t.start()).rejects.toThrow(/IPColocationFactorWeight/)
  })
})
