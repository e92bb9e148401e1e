import { memberIdToHex } from '@demls/mls'
import { FAST_TIMING, User, type UserEvent } from '@demls/session'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import { fromHex, systemClock, toHex } from '@demls/wire'
import type { Browser } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundlePage } from '../src/bundle.js'
import { launchChromium } from '../src/chromium.js'
import { BrowserPeer } from '../src/driver.js'
import { KEYS } from '../src/keys.js'
import { type PageServer, servePage } from '../src/server.js'
import { until } from '../src/until.js'

const id = 'browser-chat'

/**
 * Whether the Node user and every page whose member id (`ids[i + 1]` for
 * `pages[i]`) is in `expected` see `expected` as the members, in state
 * `working`, at the same epoch with the same epoch authenticator.
 */
async function agree(node: User, id: string, pages: BrowserPeer[], ids: string[], expected: string[]): Promise<boolean> {
  const c = node.conversation(id)
  if (c === undefined) return false
  const mine = { epoch: String(c.epoch()), members: c.members().map(memberIdToHex).sort(), auth: toHex(c.epochAuthenticator()) }
  if (mine.members.join() !== [...expected].sort().join()) return false
  const views = await Promise.all(pages.map((p) => p.status(id)))
  return views
    .filter((_, i) => expected.includes(ids[i + 1]!))
    .every((s) => s.state === 'working' && s.epoch === mine.epoch && s.members.sort().join() === mine.members.join() && s.authenticator === mine.auth)
}

const texts = (e: UserEvent) => (e.type === 'message' ? [{ from: memberIdToHex(e.sender), text: new TextDecoder().decode(e.body) }] : [])

describe('de-MLS in headless Chromium: a Node creator and two browser pages over loopback WebSockets', () => {
  let server: PageServer
  let browser: Browser
  let transport: GossipsubTransport
  let creator: User
  const creatorEvents: UserEvent[] = []
  const pages: BrowserPeer[] = []
  let bundleInputs: string[] = []

  beforeAll(async () => {
    const bundle = await bundlePage()
    bundleInputs = bundle.inputs
    server = await servePage(bundle.js)
    browser = await launchChromium()
    transport = gossipsubTransport() // Node entry: TCP and WebSockets on 127.0.0.1
    creator = await User.create({ privateKey: fromHex(KEYS[0]), transport, clock: systemClock, config: FAST_TIMING })
    creator.events$.subscribe((e) => creatorEvents.push(e))
  })

  afterAll(async () => {
    for (const p of pages) await p.call('stop').catch(() => undefined)
    await browser?.close()
    await creator?.stop().catch(() => undefined)
    await server?.close()
  })

  it("bundles the browser entry: WebSockets (and the app's WebRTC), no TCP transport, no Node built-in", () => {
    expect(bundleInputs.some((i) => i.includes('@libp2p/websockets/dist/src/listener.browser.js'))).toBe(true)
    expect(bundleInputs.some((i) => i.includes('transport-gossipsub/dist/browser.js'))).toBe(true)
    expect(bundleInputs.some((i) => i.includes('@libp2p/webrtc/dist/src/webrtc/index.browser.js'))).toBe(true)
    expect(bundleInputs.some((i) => i.includes('transport-gossipsub/dist/index.js'))).toBe(false)
    expect(bundleInputs.filter((i) => /@libp2p\/tcp|\/ws@|node:|polyfill\/websocket/.test(i))).toEqual([])
    // The WebCrypto backend of @demls/mls, not the node:crypto one.
    expect(bundleInputs.some((i) => i.includes('mls/dist/crypto/web-backend.js'))).toBe(true)
    expect(bundleInputs.some((i) => i.includes('mls/dist/crypto/node-backend.js'))).toBe(false)
  })

  it('forms a group, chats both ways, and one page leaves', async () => {
    await creator.createConversation(id, { admission: 'open' })
    const ws = transport.multiaddrs().find((a) => a.toString().includes('/ws/'))
    expect(ws).toBeDefined()
    for (let i = 1; i <= 2; i++) pages.push(await BrowserPeer.open(browser, server.url))
    const [a, b] = pages as [BrowserPeer, BrowserPeer]
    const ids = [memberIdToHex(creator.memberId), await a.call('start', { privateKeyHex: KEYS[1], bootstrap: [ws!.toString()] }), await b.call('start', { privateKeyHex: KEYS[2], bootstrap: [ws!.toString()] })]

    // Each page is connected to the Node peer over WebSockets only.
    for (const p of pages) {
      const conns = (await p.status(id)).connections
      expect(conns.length).toBeGreaterThan(0)
      expect(conns.every((c) => c.includes('/ws'))).toBe(true)
    }

    const t0 = Date.now()
    await Promise.all(pages.map((p) => p.call('join', id, 30_000)))
    // Both joins were voted in and committed; all three agree on epoch, members and authenticator.
    const converged = (expected: string[]) => agree(creator, id, pages, ids, expected)
    await until('three members converged', () => converged(ids), 30_000)
    const joinMs = Date.now() - t0
    expect(creatorEvents.filter((e) => e.type === 'member-joined')).toHaveLength(2)
    expect(creatorEvents.map((e) => e.type)).toContain('consensus-reached')

    // Chat both ways: Node → pages, page → Node and the other page.
    await creator.conversation(id)!.sendMessage(new TextEncoder().encode('hello from node'))
    await a.call('send', id, 'hello from page a')
    await b.call('send', id, 'hello from page b')
    await until('chat delivered', async () => creatorEvents.flatMap(texts).length >= 2 && (await a.call('messages', id)).length >= 2 && (await b.call('messages', id)).length >= 2)
    expect(creatorEvents.flatMap(texts).map((m) => m.text).sort()).toEqual(['hello from page a', 'hello from page b'])
    expect((await a.call('messages', id)).map((m) => `${m.from}:${m.text}`).sort()).toEqual([`${ids[0]}:hello from node`, `${ids[2]}:hello from page b`].sort())
    expect((await b.call('messages', id)).map((m) => `${m.from}:${m.text}`).sort()).toEqual([`${ids[0]}:hello from node`, `${ids[1]}:hello from page a`].sort())

    // Page b leaves: its self-removal is voted on and committed; the two others carry on.
    expect(await b.call('leave', id)).toBe(true)
    await until('page b removed', () => converged([ids[0]!, ids[1]!]), 30_000)
    const left = creatorEvents.filter((e) => e.type === 'member-left')
    expect(left.map((e) => (e.type === 'member-left' ? memberIdToHex(e.memberId) : ''))).toEqual([ids[2]])
    await until('page b sees itself out', async () => (await b.status(id)).joined === false, 15_000)
    expect((await b.call('eventTypes')).slice(-2)).toEqual(['leaving', 'conversation-removed'])

    const before = (await b.call('messages', id)).length
    await a.call('send', id, 'after the leave')
    await until('post-leave chat', () => creatorEvents.flatMap(texts).some((m) => m.text === 'after the leave'))
    await new Promise((r) => setTimeout(r, 300))
    expect((await b.call('messages', id)).length).toBe(before)

    for (const p of pages) {
      expect(await p.call('errors')).toEqual([])
      expect(p.log.filter((l) => l.startsWith('pageerror'))).toEqual([])
    }
    expect(creatorEvents.filter((e) => e.type === 'error')).toEqual([])
    console.log(`browser group: 2 pages joined a Node creator in ${joinMs} ms; chat both ways; page b left`)
  })

  it('a page keeps its state in IndexedDB: it reloads, resumes the conversation at its epoch, reads what was said meanwhile and chats on', async () => {
    const rid = 'idb-chat'
    await creator.createConversation(rid, { admission: 'open' })
    const ws = transport.multiaddrs().find((a) => a.toString().includes('/ws/'))!.toString()
    const e = await BrowserPeer.open(browser, server.url)
    pages.push(e)
    const init = { privateKeyHex: KEYS[4]!, bootstrap: [ws], storage: 'demls-e' }
    const ids = [memberIdToHex(creator.memberId), await e.call('start', init)]
    expect(await e.call('conversations')).toEqual([])
    await e.call('join', rid, 30_000)
    await until('two members converged', () => agree(creator, rid, [e], ids, ids), 30_000)
    const before = await e.status(rid)

    // The page goes away without stopping (a reload); the group says something meanwhile.
    await e.page.reload({ waitUntil: 'load' })
    await creator.conversation(rid)!.sendMessage(new TextEncoder().encode('while the page reloaded'))
    await e.page.waitForFunction(() => typeof window.demls === 'object', { timeout: 15_000 })
    expect(await e.call('start', init)).toBe(ids[1])
    expect(await e.call('conversations')).toEqual([{ id: rid, epoch: before.epoch }])
    await until('the reloaded page agrees with the group again', () => agree(creator, rid, [e], ids, ids), 30_000)
    expect((await e.status(rid)).authenticator).toBe(before.authenticator)
    await until('what was said during the reload came back (backfill)', async () => (await e.call('messages', rid)).some((m) => m.text === 'while the page reloaded'), 15_000)
    await e.call('send', rid, 'back from a reload')
    await until('its chat reaches the Node peer', () => creatorEvents.flatMap(texts).some((m) => m.text === 'back from a reload'), 15_000)
    expect(await e.call('errors')).toEqual([])
  })

  it("two pages connect directly over WebRTC through the Node peer's circuit relay, and keep chatting once the Node peer is gone", async () => {
    const rid = 'webrtc-chat'
    const relayTransport = gossipsubTransport({ relay: true })
    const relayUser = await User.create({ privateKey: fromHex(KEYS[3]), transport: relayTransport, clock: systemClock, config: FAST_TIMING })
    try {
      await relayUser.createConversation(rid, { admission: 'open' })
      const ws = relayTransport.multiaddrs().find((a) => a.toString().includes('/ws/'))!.toString()
      const c = await BrowserPeer.open(browser, server.url)
      const d = await BrowserPeer.open(browser, server.url)
      pages.push(c, d)
      const ids = [memberIdToHex(relayUser.memberId)]
      ids.push(await c.call('start', { privateKeyHex: KEYS[1], bootstrap: [ws], webrtc: true }))
      ids.push(await d.call('start', { privateKeyHex: KEYS[2], bootstrap: [ws], webrtc: true }))
      await Promise.all([c, d].map((p) => p.call('join', rid, 30_000)))
      await until('three members converged', () => agree(relayUser, rid, [c, d], ids, ids), 30_000)

      // c reserved a slot on the Node relay; d dials c's relayed WebRTC address.
      await until('c has a relayed WebRTC address', async () => (await c.call('addrs')).some((a) => a.includes('/p2p-circuit/webrtc/')))
      const target = (await c.call('addrs')).find((a) => a.includes('/p2p-circuit/webrtc/'))!
      expect(await d.call('dial', target)).toContain('/webrtc')

      // The Node peer goes away: what is left is the direct WebRTC connection.
      await relayUser.stop()
      const onlyWebRtc = async (p: BrowserPeer) => {
        const conns = (await p.status(rid)).connections
        return conns.length > 0 && conns.every((a) => a.includes('/webrtc'))
      }
      await until('pages connected only to each other, over WebRTC', async () => (await onlyWebRtc(c)) && (await onlyWebRtc(d)), 15_000)
      // As an application does: send once gossipsub reaches a subscriber over the new connection
      // (a publish before that reaches nobody; the transport counts it in publishStats()).
      await until('each page reaches the other on the app channel', async () => (await c.call('ready', rid)) && (await d.call('ready', rid)), 15_000)
      await c.call('send', rid, 'over webrtc from c')
      await d.call('send', rid, 'over webrtc from d')
      await until('page-to-page chat', async () => (await c.call('messages', rid)).length >= 1 && (await d.call('messages', rid)).length >= 1, 15_000)
      expect((await c.call('messages', rid)).map((m) => `${m.from}:${m.text}`)).toEqual([`${ids[2]}:over webrtc from d`])
      expect((await d.call('messages', rid)).map((m) => `${m.from}:${m.text}`)).toEqual([`${ids[1]}:over webrtc from c`])
    } finally {
      await relayUser.stop().catch(() => undefined)
    }
  })
})
