import { topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { emptyTrafficStats } from '../src/index.js'
import { TOPIC, mesh } from './helpers.js'

describe('traffic statistics', () => {
  it('counts published, sent, delivered, dropped and rejected per topic and in total', async () => {
    const { net, peers, send } = await mesh(3, { seed: 5 })
    const welcome = topicFor('chat', 'welcome')
    for (const p of peers) p.subscribe(welcome)
    const r = await send(peers[0]!, 1)
    await peers[1]!.publish({ conversationId: 'chat', subtopic: 'welcome', payload: new Uint8Array(100) })
    net.mute('p2')
    await send(peers[2]!, 2)
    net.deliverRaw('p1', TOPIC, new Uint8Array([0xff]))
    await net.advance(10)

    const app = net.topicStats(TOPIC)
    expect(app).toMatchObject({
      published: 2,
      publishedBytes: 2 * r.bytes,
      sent: 3, // 2 from p0, 1 raw
      delivered: 3,
      deliveredBytes: 2 * r.bytes + 1,
      dropped: 2,
      duplicated: 0,
      rejected: 1,
    })
    expect(app.droppedBy).toEqual({ loss: 0, partition: 0, mute: 2, offline: 0, duplicate: 0 })
    expect(app).toMatchObject({ reachedNobody: 0, duplicatePublishes: 0 })
    const w = net.topicStats(welcome)
    expect(w).toMatchObject({ published: 1, sent: 2, delivered: 2 })
    const all = net.stats()
    expect(Object.keys(all.topics).sort()).toEqual([TOPIC, welcome].sort())
    expect(all.total.published).toBe(3)
    expect(all.total.delivered).toBe(5)
    expect(all.total.deliveredBytes).toBe(app.deliveredBytes + w.deliveredBytes)
    expect(all.total.droppedBy.mute).toBe(2)
  })

  it('returns snapshots, zeros for unknown topics, and resets', async () => {
    const { net, peers, send } = await mesh(2)
    await send(peers[0]!, 1)
    const snap = net.topicStats(TOPIC)
    snap.published = 99
    expect(net.topicStats(TOPIC).published).toBe(1)
    expect(net.topicStats('/nope/1/app_msg/proto')).toEqual(emptyTrafficStats())
    net.resetStats()
    expect(net.stats()).toEqual({ total: emptyTrafficStats(), topics: {} })
  })
})
