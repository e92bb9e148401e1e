/**
 * Browser ↔ Node against Node ↔ Node, in one run on this machine: a Node
 * creator (TCP and WebSockets on 127.0.0.1) and three joiners, each in
 * its own two-member conversations with the creator:
 *
 * - `node-tcp`: a Node `User` dialling the creator's TCP address (the baseline),
 * - `node-ws`: a Node `User` dialling the creator's `/ws` address,
 * - `browser-ws`: a `User` in a headless Chromium page (the browser entry
 *   of the transport, WebCrypto MLS backend) dialling the `/ws` address.
 *
 * Join latency: `join()` called → it resolves (our key package voted in,
 * committed, Welcome applied), one fresh conversation per sample, the
 * three kinds interleaved. Chat latency: round trip of a `ping N` chat
 * from the creator to the joiner, which answers `pong N`, all timed on the
 * creator's clock (no DevTools round trip in the path); two encrypted
 * one-way messages.
 */
import { type Measurement, compare, summarise, writeReport } from '@demls-dev/bench-kit'
import { FAST_TIMING, User } from '@demls/session'
import { gossipsubTransport } from '@demls/transport-gossipsub'
import { fromHex, systemClock, topicFor } from '@demls/wire'
import { bundlePage } from '../src/bundle.js'
import { launchChromium } from '../src/chromium.js'
import { BrowserPeer } from '../src/driver.js'
import { KEYS } from '../src/keys.js'
import { servePage } from '../src/server.js'
import { until } from '../src/until.js'

const JOINS = Number(process.env.JOIN_SAMPLES ?? 8)
const PINGS = Number(process.env.PING_SAMPLES ?? 60)
const KINDS = ['node-tcp', 'node-ws', 'browser-ws'] as const
type Kind = (typeof KINDS)[number]

/** What the bench needs of a joiner, whichever side of the DevTools boundary it lives on. */
interface Joiner {
  join(conversationId: string): Promise<void>
  echo(conversationId: string): void | Promise<void>
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const text = (s: string) => new TextEncoder().encode(s)

async function nodeJoiner(key: string, bootstrap: string): Promise<Joiner> {
  const transport = gossipsubTransport({ listen: [], bootstrap: [bootstrap] })
  const user = await User.create({ privateKey: fromHex(key), transport, clock: systemClock, config: FAST_TIMING })
  const echoing = new Set<string>()
  user.events$.subscribe((e) => {
    if (e.type !== 'message' || !echoing.has(e.conversationId)) return
    const body = new TextDecoder().decode(e.body)
    if (body.startsWith('ping ')) void user.conversation(e.conversationId)?.sendMessage(text(`pong ${body.slice(5)}`))
  })
  return {
    async join(id) {
      await until('welcome reachable', () => transport.readiness(topicFor(id, 'welcome')).ready, 10_000)
      await user.join(id, { timeoutMs: 30_000 })
    },
    echo: (id) => {
      echoing.add(id)
    },
  }
}

async function main(): Promise<void> {
  const bundle = await bundlePage()
  const server = await servePage(bundle.js)
  const browser = await launchChromium()
  const transport = gossipsubTransport()
  const creator = await User.create({ privateKey: fromHex(KEYS[0]), transport, clock: systemClock, config: FAST_TIMING })
  const tcp = transport.multiaddrs().find((a) => !a.toString().includes('/ws'))!.toString()
  const ws = transport.multiaddrs().find((a) => a.toString().includes('/ws'))!.toString()
  const page = await BrowserPeer.open(browser, server.url)
  await page.call('start', { privateKeyHex: KEYS[3], bootstrap: [ws] })
  const joiners: Record<Kind, Joiner> = {
    'node-tcp': await nodeJoiner(KEYS[1], tcp),
    'node-ws': await nodeJoiner(KEYS[2], ws),
    'browser-ws': { join: (id) => page.call('join', id, 30_000), echo: (id) => page.call('echo', id) },
  }

  // Pongs, as the creator receives them: conversation → sample → arrival time.
  const pongs = new Map<string, Map<number, number>>()
  creator.events$.subscribe((e) => {
    if (e.type !== 'message') return
    const body = new TextDecoder().decode(e.body)
    if (body.startsWith('pong ')) pongs.get(e.conversationId)?.set(Number(body.slice(5)), performance.now())
  })

  const joinTimes: Record<Kind, number[]> = { 'node-tcp': [], 'node-ws': [], 'browser-ws': [] }
  const last: Partial<Record<Kind, string>> = {}
  for (let i = 0; i < JOINS + 1; i++) {
    for (const kind of KINDS) {
      const id = `bench-${kind}-${i}`
      await creator.createConversation(id, { admission: 'open' })
      const t0 = performance.now()
      await joiners[kind].join(id)
      if (i > 0) joinTimes[kind].push(performance.now() - t0) // the first round warms up
      last[kind] = id
      await sleep(200)
    }
  }

  const rtt: Record<Kind, number[]> = { 'node-tcp': [], 'node-ws': [], 'browser-ws': [] }
  for (const kind of KINDS) {
    const id = last[kind]!
    pongs.set(id, new Map())
    await joiners[kind].echo(id)
  }
  for (let i = 0; i < PINGS + 5; i++) {
    for (const kind of KINDS) {
      const id = last[kind]!
      const t0 = performance.now()
      await creator.conversation(id)!.sendMessage(text(`ping ${i}`))
      await until(`pong ${i} (${kind})`, () => pongs.get(id)!.has(i), 10_000)
      if (i >= 5) rtt[kind].push(pongs.get(id)!.get(i)! - t0)
      await sleep(10)
    }
  }

  const joins: Record<Kind, Measurement> = {
    'node-tcp': summarise('join node↔node (TCP)', joinTimes['node-tcp']),
    'node-ws': summarise('join node↔node (WebSockets)', joinTimes['node-ws']),
    'browser-ws': summarise('join browser↔node (WebSockets)', joinTimes['browser-ws']),
  }
  const chats: Record<Kind, Measurement> = {
    'node-tcp': summarise('chat round trip node↔node (TCP)', rtt['node-tcp']),
    'node-ws': summarise('chat round trip node↔node (WebSockets)', rtt['node-ws']),
    'browser-ws': summarise('chat round trip browser↔node (WebSockets)', rtt['browser-ws']),
  }
  const version = await browser.version()
  writeReport({
    package: '@demls-dev/browser-test',
    title: 'de-MLS browser ↔ Node over loopback WebSockets vs Node ↔ Node, same run',
    measurements: [...Object.values(joins), ...Object.values(chats)],
    comparisons: [
      compare('join latency, browser vs Node (TCP)', joins['browser-ws'], joins['node-tcp']),
      compare('join latency, browser vs Node (WebSockets)', joins['browser-ws'], joins['node-ws']),
      compare('chat round trip, browser vs Node (TCP)', chats['browser-ws'], chats['node-tcp']),
      compare('chat round trip, browser vs Node (WebSockets)', chats['browser-ws'], chats['node-ws']),
    ],
    notes: [
      `${version} (headless shell from @sparticuz/chromium) driven by puppeteer-core; the page is an esbuild bundle of @demls/session, @demls/mls (WebCrypto backend) and the browser entry of @demls/transport-gossipsub (${Math.round(bundle.js.length / 1024)} KiB minified).`,
      'Each joiner is alone with the Node creator in its conversations (two members); join = `join()` called → resolved (key package announced, voted in with FAST_TIMING delays of 300 ms, committed, Welcome applied), so most of it is protocol timers common to all three.',
      'Chat round trip = creator `sendMessage("ping N")` → joiner decrypts and answers `pong N` → creator decrypts it; timed on the creator clock only. Node joiners use the node:crypto MLS backend, the page the WebCrypto one.',
      'All peers share this machine\'s 2 cores with Chromium; the three kinds are interleaved sample by sample.',
    ],
  })
  await page.call('stop').catch(() => undefined)
  await browser.close()
  await creator.stop()
  await server.close()
  process.exit(0) // the Node joiners' timers and sockets
}

await main()
