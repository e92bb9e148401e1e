import { collect } from '@demls-dev/transport-compliance'
import { topicFor } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import '../src/polyfill/websocket.js' // Node 20: the browser entry relies on a global WebSocket
import { DEFAULT_LISTEN as BROWSER_LISTEN, gossipsubTransport as browserTransport } from '../src/browser.js'
import { DEFAULT_LISTEN } from '../src/index.js'
import { Nodes, waitUntil } from './helpers.js'

const topic = topicFor('ws', 'app')
const text = (s: string) => new TextEncoder().encode(s)
const isWs = (a: { toString(): string }) => /\/tcp\/\d+\/ws(\/|$)/.test(a.toString())

describe('WebSockets', () => {
  const nodes = new Nodes()
  const browserNodes = new Nodes(browserTransport, { dialInsecure: true })
  afterEach(async () => {
    await browserNodes.stopAll()
    await nodes.stopAll()
  })

  it('a Node peer listens on TCP and on WebSockets by default; a browser-entry node listens nowhere', async () => {
    expect(DEFAULT_LISTEN).toEqual(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])
    expect(BROWSER_LISTEN).toEqual([])
    const [node] = await nodes.create(1)
    const addrs = node!.multiaddrs().map(String)
    expect(addrs.filter(isWs)).toHaveLength(1)
    expect(addrs.filter((a) => !isWs(a))).toHaveLength(1)
    const [page] = await browserNodes.create(1)
    expect(page!.multiaddrs()).toEqual([])
  })

  it('relay: true runs a circuit relay v2 server (the hop protocol is served); off by default', async () => {
    const HOP = '/libp2p/circuit/relay/0.2.0/hop'
    const [plain] = await nodes.create(1)
    const [relay] = await nodes.create(1, { init: { relay: true } })
    expect(plain!.node!.getProtocols()).not.toContain(HOP)
    expect(relay!.node!.getProtocols()).toContain(HOP)
  })

  it('a browser-entry node reaches a Node peer over its /ws address only, and packets flow both ways', async () => {
    const [node] = await nodes.create(1)
    const [page] = await browserNodes.create(1)
    const tcpAddr = node!.multiaddrs().find((a) => !isWs(a))!
    // The browser entry has no TCP transport at all.
    await expect(page!.dial(tcpAddr)).rejects.toMatchObject({ name: 'DialFailedError' })
    await page!.dial(node!.multiaddrs().find(isWs)!)
    const conns = page!.node!.getConnections()
    expect(conns).toHaveLength(1)
    expect(isWs(conns[0]!.remoteAddr)).toBe(true)

    const atNode = collect(node!)
    const atPage = collect(page!)
    node!.subscribe(topic)
    page!.subscribe(topic)
    await waitUntil(() => node!.readiness(topic).ready && page!.readiness(topic).ready)
    await page!.publish({ conversationId: 'ws', subtopic: 'app', payload: text('from the page') })
    await node!.publish({ conversationId: 'ws', subtopic: 'app', payload: text('from node') })
    await waitUntil(() => atNode.messages.length === 1 && atPage.messages.length === 1)
    expect(new TextDecoder().decode(atNode.messages[0]!.envelope.payload)).toBe('from the page')
    expect(new TextDecoder().decode(atPage.messages[0]!.envelope.payload)).toBe('from node')
  })
})
