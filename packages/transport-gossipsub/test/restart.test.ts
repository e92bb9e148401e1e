import { collect } from '@demls-dev/transport-compliance'
import { type OutboundPacket, topicFor } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { Nodes, sleep, waitUntil } from './helpers.js'

const conversationId = 'restart'
const topic = topicFor(conversationId, 'app')
const packet = (s: string): OutboundPacket => ({ conversationId, subtopic: 'app', payload: new TextEncoder().encode(s) })
const texts = (c: ReturnType<typeof collect>) => c.on(topic).map((m) => new TextDecoder().decode(m.envelope.payload))

describe('restart and redial', () => {
  const nodes = new Nodes()
  afterEach(() => nodes.stopAll())

  it('a stopped peer drops out of readiness, redials on start, and messages flow again (missed ones stay missed)', async () => {
    // c is created last, so it dialled a and b and remembers them.
    const [a, b, c] = await nodes.create(3)
    const got = { a: collect(a!), b: collect(b!), c: collect(c!) }
    for (const t of [a!, b!, c!]) t.subscribe(topic)
    await waitUntil(() => [a!, b!, c!].every((t) => t.readiness(topic).meshPeers === 2), 10_000, 'initial mesh')
    const cPeerBefore = c!.peerId!.toString()

    await c!.stop()
    expect(c!.readiness(topic)).toMatchObject({ meshPeers: 0, subscribers: 0, ready: false })
    expect(c!.multiaddrs()).toEqual([])
    await waitUntil(() => a!.readiness(topic).meshPeers === 1 && b!.readiness(topic).meshPeers === 1, 5_000, 'c leaves the mesh')
    expect(got.a.readiness.at(-1)).toMatchObject({ topic, meshPeers: 1, subscribers: 1, ready: true })

    // Published while c is offline: gossipsub keeps no history for it.
    await a!.publish(packet('missed'))
    await waitUntil(() => texts(got.b).includes('missed'), 5_000, 'b gets "missed"')

    await c!.start()
    expect(c!.peerId!.toString()).toBe(cPeerBefore)
    await waitUntil(() => [a!, b!, c!].every((t) => t.readiness(topic).meshPeers === 2), 10_000, 'mesh recovers')
    expect(got.a.readiness.at(-1)).toMatchObject({ meshPeers: 2, ready: true })
    expect(got.c.readiness.at(-1)).toMatchObject({ meshPeers: 2, ready: true })

    await a!.publish(packet('from a'))
    await c!.publish(packet('from c'))
    await waitUntil(() => texts(got.c).includes('from a') && texts(got.b).includes('from c') && texts(got.a).includes('from c'), 5_000, 'flow')
    await sleep(300)
    expect(texts(got.c)).not.toContain('missed')
  })

  it('redials a remembered peer after the connection drops', async () => {
    const [a, b] = await nodes.create(2) // b dialled a
    for (const t of [a!, b!]) t.subscribe(topic)
    await waitUntil(() => a!.readiness(topic).meshPeers === 1 && b!.readiness(topic).meshPeers === 1, 10_000, 'mesh')
    const events = collect(b!)
    await a!.node!.hangUp(b!.peerId!)
    await waitUntil(() => events.readiness.some((r) => !r.ready), 5_000, 'b sees the drop')
    await waitUntil(() => a!.readiness(topic).meshPeers === 1 && b!.readiness(topic).meshPeers === 1, 10_000, 'redialled')
    const got = collect(a!)
    await b!.publish(packet('back'))
    await waitUntil(() => texts(got).includes('back'), 5_000, 'delivery after redial')
  })

  it('does not redial when redial is false', async () => {
    const [a] = await nodes.create(1)
    const [b] = await nodes.create(1, { init: { redial: false, bootstrap: [a!.multiaddrs()[0]!.toString()] } })
    await waitUntil(() => (a!.node!.getConnections().length ?? 0) === 1, 5_000, 'bootstrap connection')
    await a!.node!.hangUp(b!.peerId!)
    await sleep(1_000)
    expect(b!.node!.getConnections()).toHaveLength(0)
  })
})
