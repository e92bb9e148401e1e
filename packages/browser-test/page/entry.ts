/**
 * The page bundled for Chromium. It imports the protocol packages as any
 * web app would: `@demls/session` (the `User`), `@demls/mls` (member id
 * helpers; its `#crypto-backend` resolves to the WebCrypto backend in a
 * browser build) and `@demls/transport-gossipsub`, whose `browser` export
 * condition gives the browser entry (WebSockets, plus js-libp2p's WebRTC
 * transport from `@libp2p/webrtc` when asked), and `@demls/storage`, whose
 * LevelDB resolves to IndexedDB in a browser build. It exposes
 * `window.demls`.
 */
import { webRTC } from '@libp2p/webrtc'
import { memberIdToHex } from '@demls/mls'
import { FAST_TIMING, User, type UserEvent } from '@demls/session'
import { levelStorage } from '@demls/storage'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import { DemlsError, fromHex, systemClock, toHex, topicFor } from '@demls/wire'
import type { PageApi, PageStatus } from './api.js'

let user: User | undefined
let transport: GossipsubTransport | undefined
const events: UserEvent[] = []
const received = new Map<string, Array<{ from: string; text: string; at: number }>>()
const echoing = new Set<string>()

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

function running(): User {
  if (user === undefined) throw new Error('start() first')
  return user
}

function handle(conversationId: string) {
  const c = running().conversation(conversationId)
  if (c === undefined) throw new Error(`not a member of ${conversationId}`)
  return c
}

const api: PageApi = {
  async start({ privateKeyHex, bootstrap, webrtc = false, storage }) {
    const privateKey = fromHex(privateKeyHex)
    transport = gossipsubTransport({ bootstrap, dialInsecure: true, ...(webrtc ? { webRTC: webRTC() } : {}) })
    // IndexedDB in a browser (browser-level), encrypted by default: User.create unlocks it with the key derived from the member key.
    const store = storage === undefined ? undefined : await levelStorage({ location: storage })
    user = await User.create({ privateKey, transport, clock: systemClock, config: FAST_TIMING, ...(store !== undefined ? { storage: store } : {}) })
    user.events$.subscribe((e) => {
      events.push(e)
      if (e.type !== 'message') return
      const list = received.get(e.conversationId) ?? []
      const text = new TextDecoder().decode(e.body)
      list.push({ from: memberIdToHex(e.sender), text, at: Date.now() })
      received.set(e.conversationId, list)
      if (echoing.has(e.conversationId) && text.startsWith('ping ')) void api.send(e.conversationId, `pong ${text.slice(5)}`)
    })
    return memberIdToHex(user.memberId)
  },

  conversations: () => (user?.conversations() ?? []).map((id) => ({ id, epoch: String(user?.conversation(id)?.epoch()) })),

  addrs: () => transport?.multiaddrs().map(String) ?? [],

  async dial(addr) {
    if (transport === undefined) throw new Error('start() first')
    // Up to 3 attempts, as the compliance harness: on a loaded machine a WebRTC handshake through the
    // relay now and then outlasts its signalling timeout (the test is about the connection, not one dial).
    for (let attempt = 1; ; attempt++) {
      try {
        await transport.dial(addr, { signal: AbortSignal.timeout(15_000) })
        break
      } catch (err) {
        if (attempt >= 3) throw err
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    const conns = transport.node?.getConnections().filter((c) => addr.endsWith(c.remotePeer.toString())) ?? []
    return conns.map((c) => c.remoteAddr.toString()).find((a) => a.includes('/webrtc')) ?? conns[0]?.remoteAddr.toString() ?? ''
  },

  async join(conversationId, timeoutMs) {
    const u = running()
    const welcome = topicFor(conversationId, 'welcome')
    const deadline = Date.now() + timeoutMs
    while (!u.transport.readiness(welcome).ready) {
      if (Date.now() > deadline) throw new Error(`welcome topic of ${conversationId} not reachable within ${timeoutMs} ms`)
      await sleep(50)
    }
    await u.join(conversationId, { timeoutMs, signal: AbortSignal.timeout(timeoutMs + 1_000) })
  },

  async send(conversationId, text) {
    await handle(conversationId).sendMessage(new TextEncoder().encode(text))
  },

  echo(conversationId) {
    echoing.add(conversationId)
  },

  leave: (conversationId) => handle(conversationId).leave(),

  status(conversationId): PageStatus {
    const connections = (transport?.node?.getConnections() ?? []).map((c) => c.remoteAddr.toString())
    const c = user?.conversation(conversationId)
    if (c === undefined) return { joined: false, state: 'none', epoch: '-', members: [], authenticator: '', connections }
    return {
      joined: true,
      state: c.state(),
      epoch: String(c.epoch()),
      members: c.members().map(memberIdToHex),
      authenticator: toHex(c.epochAuthenticator()),
      connections,
    }
  },

  messages: (conversationId) => [...(received.get(conversationId) ?? [])],

  eventTypes: () => events.map((e) => e.type),

  /** Whether the transport reaches a peer subscribed to the conversation's app channel. */
  ready: (conversationId) => transport?.readiness(topicFor(conversationId, 'app')).ready === true,

  errors: () =>
    events.flatMap((e) =>
      e.type === 'error' ? [`${e.operation}: ${e.error instanceof DemlsError ? e.error.shortMessage : String(e.error)}`] : [],
    ),

  async stop() {
    await user?.stop()
  },
}

window.demls = api
