import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FAST_TIMING, User, type UserEvent } from '@demls/session'
import { levelStorage } from '@demls/storage'
import { systemClock, topicFor } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { type GossipsubNode, type GossipsubTransport, StoreService, createGossipsubNode, gossipsubTransport } from '../src/index.js'
import { waitUntil } from './helpers.js'

/** Hardhat/Anvil public development keys #0–#2. */
const KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
].map((h) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16))))

const ID = 'store-backfill'
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
const text = (s: string) => new TextEncoder().encode(s)

interface Peer {
  user: User
  transport: GossipsubTransport
  events: UserEvent[]
}

const bodies = (events: UserEvent[]) => events.flatMap((e) => (e.type === 'message' ? [new TextDecoder().decode(e.body)] : []))

function converged(peers: Peer[], size: number): boolean {
  const cs = peers.map((p) => p.user.conversation(ID))
  if (cs.some((c) => c === undefined || c.state() !== 'working')) return false
  const first = cs[0]!
  const auth = hex(first.epochAuthenticator())
  return first.members().length === size && cs.every((c) => c!.epoch() === first.epoch() && hex(c!.epochAuthenticator()) === auth)
}

describe('store backfill end to end (real libp2p gossipsub on 127.0.0.1, real MLS group, LevelDB state and store)', () => {
  const dirs: string[] = []
  const stops: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined)
    stops.length = 0
    for (const d of dirs) await rm(d, { recursive: true, force: true })
    dirs.length = 0
  })
  const dir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'demls-e2e-'))
    dirs.push(d)
    return d
  }

  async function peer(i: number, init: { bootstrap?: string[]; stores?: string[]; location?: string }): Promise<Peer> {
    const transport = gossipsubTransport({ bootstrap: init.bootstrap ?? [], stores: init.stores ?? [] })
    const storage = init.location === undefined ? undefined : await levelStorage({ location: init.location })
    const user = await User.create({ privateKey: KEYS[i]!, transport, clock: systemClock, config: FAST_TIMING, ...(storage ? { storage } : {}) })
    stops.push(() => user.stop())
    const p: Peer = { user, transport, events: [] }
    user.events$.subscribe((e) => p.events.push(e))
    return p
  }

  async function storeNode(directory: string): Promise<{ node: GossipsubNode; store: StoreService; addr: string }> {
    const node = await createGossipsubNode()
    await node.start()
    const store = await StoreService.open({ node, directory, serve: [ID] })
    stops.push(async () => await node.stop())
    stops.push(() => store.close())
    return { node, store, addr: node.getMultiaddrs()[0]!.toString() }
  }

  async function cameBackToTheStore(withStore: boolean): Promise<{ back: Peer; store: StoreService }> {
    const { store, addr } = await storeNode(await dir())
    const cState = await dir()
    const a = await peer(0, { bootstrap: [addr] })
    const aAddr = a.transport.multiaddrs()[0]!.toString()
    const b = await peer(1, { bootstrap: [addr, aAddr] })
    const c = await peer(2, { bootstrap: [addr, aAddr], stores: [addr], location: cState })

    await a.user.createConversation(ID, { admission: 'open' })
    const welcome = topicFor(ID, 'welcome')
    await waitUntil(() => [b, c].every((p) => p.transport.readiness(welcome).ready), 10_000, 'welcome topic visible')
    await Promise.all([b.user.join(ID), c.user.join(ID)])
    await waitUntil(() => converged([a, b, c], 3), 40_000, 'group of three')
    const epoch = a.user.conversation(ID)!.epoch()

    // C goes offline (its state is saved in LevelDB).
    await c.user.stop()
    await waitUntil(() => a.transport.readiness(topicFor(ID, 'app')).subscribers === 2, 10_000, 'c gone')
    const keptBefore = store.stats().stored
    await a.user.conversation(ID)!.sendMessage(text('sent while C was away'))
    await waitUntil(() => bodies(b.events).includes('sent while C was away'), 10_000, 'b reads it live')
    await waitUntil(() => store.stats().stored > keptBefore, 10_000, 'the store kept it')
    // Everyone else goes offline.
    await a.user.stop()
    await b.user.stop()

    // C comes back: only the store is reachable (A and B are gone; the store is its bootstrap and its store).
    const t0 = Date.now()
    const back = await peer(2, { bootstrap: [addr], stores: withStore ? [addr] : [], location: cState })
    if (!withStore) return { back, store }
    await waitUntil(() => bodies(back.events).includes('sent while C was away'), 20_000, 'c reads the chat from the store')
    const ms = Date.now() - t0
    const conv = back.user.conversation(ID)!
    expect(conv.epoch()).toBe(epoch)
    const msg = back.events.find((e) => e.type === 'message')
    expect(msg?.type === 'message' && hex(msg.sender)).toBe(hex(a.user.memberId))
    expect(back.events.some((e) => e.type === 'backfill' && e.messages >= 1)).toBe(true)
    expect(back.events.filter((e) => e.type === 'error')).toEqual([])
    // The store is a relay of ciphertext: the plaintext never appears in what it kept.
    const stats = store.stats()
    expect(stats.topics.get(topicFor(ID, 'app'))!.packets).toBeGreaterThan(0)
    // Once, though the store returned it and its retries may come live too.
    await new Promise((r) => setTimeout(r, 1_000))
    expect(bodies(back.events).filter((b) => b === 'sent while C was away')).toHaveLength(1)
    console.log(`store backfill after restart: ${ms} ms to the first chat, ${stats.packets} packets / ${stats.bytes} bytes kept`)
    return { back, store }
  }

  it('C was offline while A chatted, then A and B went offline: C comes back to only the store and reads A’s chat, once, through MLS', async () => {
    await cameBackToTheStore(true)
  }, 90_000)

  it('the same without a store configured on C: the chat is lost to C (what the store fixes)', async () => {
    const { back } = await cameBackToTheStore(false)
    await new Promise((r) => setTimeout(r, 3_000))
    expect(bodies(back.events)).toEqual([])
    expect(back.events.some((e) => e.type === 'backfill')).toBe(false)
  }, 90_000)
})
