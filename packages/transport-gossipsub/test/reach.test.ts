// Reach on loopback (real libp2p nodes, real TCP): members meet through a
// DHT rendezvous with only a bootstrap node's address; gossipsub runs over a
// limited relayed connection; the relay's limits reset a connection and the
// redialer restores it; a peer that restarted on a new address is found
// again by peer routing. The namespace test (packages/node/test/netns) runs
// the same through real NATs.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { topicFor, waitForReadiness } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { type GossipsubNode, InvalidReachConfigError, MDNS_DIALS_PER_MINUTE, createGossipsubNode, gossipsubTransport, rendezvousKey } from '../src/index.js'
import { Rendezvous, rendezvousCid } from '../src/discovery/rendezvous.js'
import { relayedConnectLimiter } from '../src/platform/node.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { GossipsubTransport } from '../src/transport/gossipsub-transport.js'
import { sleep, waitUntil } from './helpers.js'

const LISTEN = ['/ip4/127.0.0.1/tcp/0']
const DHT_LAN = { mode: 'client', privateAddresses: true } as const

let stops: Array<() => unknown> = []
afterEach(async () => {
  await Promise.allSettled(stops.reverse().map(async (s) => s()))
  stops = []
})

async function serverNode(extra: Parameters<typeof createGossipsubNode>[0] = {}): Promise<GossipsubNode> {
  const node = await createGossipsubNode({ listen: LISTEN, dht: { mode: 'server', privateAddresses: true }, relay: true, ...extra })
  await node.start()
  stops.push(() => node.stop())
  return node
}

function member(init: Parameters<typeof gossipsubTransport>[0]): GossipsubTransport {
  const t = gossipsubTransport({ listen: LISTEN, ...init })
  stops.push(() => t.stop())
  return t
}

function connected(a: GossipsubTransport, b: GossipsubTransport): boolean {
  return a.node?.getConnections(b.peerId!).length !== undefined && (a.node?.getConnections(b.peerId!).length ?? 0) > 0
}

async function delivered(from: GossipsubTransport, to: GossipsubTransport, conversationId: string, text: string): Promise<void> {
  const got = new Promise<void>((resolve) => {
    const on = (e: CustomEvent<{ envelope: { payload: Uint8Array } }>) => {
      if (new TextDecoder().decode(e.detail.envelope.payload) !== text) return
      to.removeEventListener('message', on as never)
      resolve()
    }
    to.addEventListener('message', on as never)
  })
  await waitForReadiness(from, topicFor(conversationId, 'app'), { signal: AbortSignal.timeout(15_000) })
  await from.publish({ conversationId, subtopic: 'app', payload: new TextEncoder().encode(text) })
  await Promise.race([got, sleep(10_000).then(() => Promise.reject(new Error(`'${text}' not delivered`)))])
}

/** Publish `text #n` from `from` every 300 ms until `to` received one of them (within 10 s). */
async function eventually(from: GossipsubTransport, to: GossipsubTransport, conversationId: string, text: string): Promise<void> {
  let got = false
  const on = (e: CustomEvent<{ envelope: { payload: Uint8Array } }>) => {
    if (new TextDecoder().decode(e.detail.envelope.payload).startsWith(`${text} #`)) got = true
  }
  to.addEventListener('message', on as never)
  try {
    for (let n = 0; !got && n < 33; n++) {
      await from.publish({ conversationId, subtopic: 'app', payload: new TextEncoder().encode(`${text} #${n}`) }, { allowNoPeers: true })
      for (let i = 0; i < 6 && !got; i++) await sleep(50)
    }
  } finally {
    to.removeEventListener('message', on as never)
  }
  if (!got) throw new Error(`'${text}' not delivered within 10 s`)
}

describe('rendezvous on the DHT', () => {
  it('two members who know only a bootstrap node find each other through the conversation key and chat', async () => {
    const server = await serverNode()
    const bootstrap = server.getMultiaddrs().map(String)
    const a = member({ dht: DHT_LAN, bootstrap, rendezvous: { intervalMs: 1_000 } })
    const b = member({ dht: DHT_LAN, bootstrap, rendezvous: { intervalMs: 1_000 } })
    for (const t of [a, b]) {
      await t.start()
      t.subscribe(topicFor('team', 'app'))
    }
    await waitUntil(() => connected(a, b), 20_000, 'a and b connected by the rendezvous')
    await delivered(a, b, 'team', 'found you')
    await delivered(b, a, 'team', 'and you')
    expect(a.reachStats().rendezvousRounds + b.reachStats().rendezvousRounds).toBeGreaterThan(0)
    expect(a.reachStats().rendezvousDialled + b.reachStats().rendezvousDialled).toBeGreaterThan(0)
  }, 40_000)

  it('members of another conversation, or of the same id under another secret, are not dialled', async () => {
    const server = await serverNode()
    const bootstrap = server.getMultiaddrs().map(String)
    const secret = new TextEncoder().encode('invite secret')
    const a = member({ dht: DHT_LAN, bootstrap, rendezvous: { intervalMs: 1_000, secret } })
    const b = member({ dht: DHT_LAN, bootstrap, rendezvous: { intervalMs: 1_000 } }) // same id, no secret
    const c = member({ dht: DHT_LAN, bootstrap, rendezvous: { intervalMs: 1_000, secret } })
    await a.start()
    a.subscribe(topicFor('team', 'app'))
    await b.start()
    b.subscribe(topicFor('team', 'app'))
    await c.start()
    c.subscribe(topicFor('other', 'app'))
    await sleep(4_000)
    expect(connected(a, b)).toBe(false)
    expect(connected(a, c)).toBe(false)
    expect(a.reachStats().rendezvousFound).toBe(0)
  }, 30_000)

  it('the DHT key hides the conversation id and depends on the secret', () => {
    const plain = rendezvousKey('team')
    const keyed = rendezvousKey('team', new Uint8Array([1, 2, 3]))
    expect(plain).toHaveLength(32)
    expect(Buffer.from(plain).toString('hex')).not.toEqual(Buffer.from(keyed).toString('hex'))
    expect(Buffer.from(plain).includes(Buffer.from('team'))).toBe(false)
    // the secret's length is bound: ('ab' | 'c') and ('a' | 'bc') differ
    expect(Buffer.from(rendezvousKey('c', new TextEncoder().encode('ab'))).equals(Buffer.from(rendezvousKey('bc', new TextEncoder().encode('a'))))).toBe(false)
  })
})

describe('relayed connections', () => {
  it('gossipsub runs over a limited relayed connection (a relay reservation on a bootstrap node)', async () => {
    const relay = await serverNode()
    const bootstrap = relay.getMultiaddrs().map(String)
    const nat = { autonat: false, dcutr: false, relayReservations: 1 }
    const a = member({ nat, bootstrap, rendezvous: false })
    const b = member({ nat, bootstrap, rendezvous: false })
    await a.start()
    await b.start()
    await waitUntil(() => b.multiaddrs().some((m) => m.toString().includes('/p2p-circuit')), 15_000, 'b holds a reservation')
    const circuit = b.multiaddrs().find((m) => m.toString().includes('/p2p-circuit'))!
    for (const t of [a, b]) t.subscribe(topicFor('team', 'app'))
    await a.dial(circuit)
    const conn = a.node!.getConnections(b.peerId!)[0]!
    expect(conn.remoteAddr.toString()).toContain('/p2p-circuit')
    expect(conn.limits).toBeDefined()
    await delivered(a, b, 'team', 'through the relay')
    await delivered(b, a, 'team', 'back through the relay')
    expect(a.readiness(topicFor('team', 'app')).ready).toBe(true)
  }, 40_000)

  it('a relay resets a relayed connection at its data limit, and the redialer opens a new one', async () => {
    const relay = await serverNode({ relay: { dataLimitBytes: 48 * 1024 } })
    const bootstrap = relay.getMultiaddrs().map(String)
    const nat = { autonat: false, dcutr: false, relayReservations: 1 }
    const a = member({ nat, bootstrap, rendezvous: false, redial: { initialDelayMs: 100, maxDelayMs: 500 } })
    const b = member({ nat, bootstrap, rendezvous: false })
    await a.start()
    await b.start()
    await waitUntil(() => b.multiaddrs().some((m) => m.toString().includes('/p2p-circuit')), 15_000, 'b holds a reservation')
    const circuit = b.multiaddrs().find((m) => m.toString().includes('/p2p-circuit'))!
    for (const t of [a, b]) t.subscribe(topicFor('team', 'app'))
    await a.dial(circuit)
    const first = a.node!.getConnections(b.peerId!)[0]!
    await waitForReadiness(a, topicFor('team', 'app'), { signal: AbortSignal.timeout(15_000) })
    // 4 × 20 KiB: over the 48 KiB the relay allows one relayed connection
    for (let i = 0; i < 4; i++) {
      await a.publish({ conversationId: 'team', subtopic: 'app', payload: new Uint8Array(20 * 1024).fill(i + 1) }, { allowNoPeers: true })
      await sleep(100)
    }
    await waitUntil(() => first.status !== 'open', 15_000, 'the relay reset the connection at its data limit')
    await waitUntil(() => (a.node?.getConnections(b.peerId!) ?? []).some((c) => c.status === 'open' && c.id !== first.id), 15_000, 'a new relayed connection')
    await delivered(a, b, 'team', 'after the reset')
  }, 60_000)

  it('a relay that drops everything (here: goes away) does not stop a group that has another path', async () => {
    const relay = await serverNode()
    const bootstrap = relay.getMultiaddrs().map(String)
    const nat = { autonat: false, dcutr: false, relayReservations: 1 }
    const a = member({ nat, bootstrap, rendezvous: false })
    const b = member({ nat, bootstrap, rendezvous: false })
    await a.start()
    await b.start()
    await waitUntil(() => b.multiaddrs().some((m) => m.toString().includes('/p2p-circuit')), 15_000, 'b holds a reservation')
    for (const t of [a, b]) t.subscribe(topicFor('team', 'app'))
    await a.dial(b.multiaddrs().find((m) => m.toString().includes('/p2p-circuit'))!)
    await delivered(a, b, 'team', 'over the relay')
    // another path (a direct address, as after DCUtR), then the relay stops relaying
    await a.dial(b.multiaddrs().find((m) => !m.toString().includes('/p2p-circuit'))!)
    await relay.stop()
    await waitUntil(() => (a.node?.getConnections(b.peerId!) ?? []).every((c) => !c.remoteAddr.toString().includes('/p2p-circuit')), 10_000, 'relayed connection gone')
    // gossipsub's streams ran over the relayed connection and are opened again on the direct one;
    // a packet published in between may be lost (the session repairs that), so send until one arrives
    await eventually(a, b, 'team', 'without the relay')
    await eventually(b, a, 'team', 'and back')
    expect(a.node!.getConnections(b.peerId!).every((c) => c.limits === undefined)).toBe(true)
  }, 45_000)

  it('the per-peer connect limit refuses the 31st relayed connection in a minute and forgets it after the minute', async () => {
    let now = 0
    const deny = relayedConnectLimiter(30, () => now)
    const src = (await generateKeyPair('Ed25519')).publicKey.toString()
    const peer = { toString: () => src } as never
    const other = { toString: () => 'other' } as never
    const verdicts = Array.from({ length: 31 }, () => deny(peer, other))
    expect(verdicts.slice(0, 30).every((d) => d === false)).toBe(true)
    expect(verdicts[30]).toBe(true)
    expect(deny(other, peer)).toBe(false) // another source has its own budget
    now += 60_000
    expect(deny(peer, other)).toBe(false)
  })
})

describe('peer routing', () => {
  it('a peer that restarted on a new address is found by its peer id and redialled', async () => {
    const server = await serverNode()
    const bootstrap = server.getMultiaddrs().map(String)
    const key = await generateKeyPair('Ed25519')
    // c answers DHT queries (a public peer); a remembers only c's first address
    const c1 = member({ dht: { mode: 'server', privateAddresses: true }, privateKey: key, bootstrap, rendezvous: false })
    await c1.start()
    const a = member({ dht: DHT_LAN, bootstrap, rendezvous: false, redial: { initialDelayMs: 200, maxDelayMs: 1_000 } })
    await a.start()
    const first = c1.multiaddrs()[0]!
    await a.dial(first)
    await c1.stop()
    const c2 = member({ dht: { mode: 'server', privateAddresses: true }, privateKey: key, bootstrap, rendezvous: false })
    await c2.start()
    expect(c2.peerId!.toString()).toBe(c1.peerId!.toString())
    expect(c2.multiaddrs()[0]!.toString()).not.toBe(first.toString())
    await waitUntil(() => (a.node?.getConnections(c2.peerId!) ?? []).length > 0, 30_000, 'a reconnected to c at its new address')
    expect(a.reachStats().redialLookups).toBeGreaterThan(0)
  }, 45_000)
})

describe('abuse bounds of discovery', () => {
  it('mDNS spoofing: 100 fake peers announced on the LAN make the transport dial at most MDNS_DIALS_PER_MINUTE of them', async () => {
    // A stand-in for the mDNS service that a LAN attacker controls: it reports whatever peers it likes.
    const spoofer = new EventTarget()
    const node = await createGossipsubNode({ listen: LISTEN, services: { mdns: () => spoofer } })
    const t = member({ node, ownNode: true, rendezvous: false })
    await t.start()
    for (let i = 0; i < 100; i++) {
      const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
      // a closed port on loopback: every dial fails at once, nothing leaves this host
      spoofer.dispatchEvent(new CustomEvent('peer', { detail: { id, multiaddrs: [multiaddr('/ip4/127.0.0.1/tcp/1')] } }))
    }
    const stats = t.reachStats()
    expect(stats.mdnsFound).toBe(100)
    expect(stats.mdnsDialled).toBe(MDNS_DIALS_PER_MINUTE)
  })

  it('DHT poisoning: a lookup answered with 100 fake providers reads at most 64 and dials at most maxDialsPerRound', async () => {
    const fakes = await Promise.all(Array.from({ length: 100 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    let dials = 0
    let read = 0
    const rendezvous = new Rendezvous(
      {
        active: true,
        self: 'me',
        provide: async () => undefined,
        async *findProviders() {
          for (const id of fakes) {
            read++
            yield { id, multiaddrs: [] }
          }
        },
        cancelProvide: async () => undefined,
        isConnected: () => false,
        dialPeer: async () => {
          dials++
          throw new Error('unreachable')
        },
      },
      { maxDialsPerRound: 8 },
    )
    rendezvous.add('team')
    rendezvous.stop() // no background rounds: only the one below
    expect(await rendezvous.lookup('team')).toBe(0)
    expect(dials).toBe(8)
    expect(read).toBeLessThanOrEqual(65)
    expect(rendezvous.stats.failures).toBe(8)
  })

  it('DHT storage: a server keeps at most dht.maxRecords records for others and refuses the rest', async () => {
    const server = await serverNode({ dht: { mode: 'server', privateAddresses: true, maxRecords: 3 } })
    const bootstrap = server.getMultiaddrs().map(String)
    const a = member({ dht: DHT_LAN, bootstrap, rendezvous: false })
    const b = member({ dht: DHT_LAN, bootstrap, rendezvous: false })
    await a.start()
    await b.start()
    const cids = Array.from({ length: 6 }, (_, i) => rendezvousCid(rendezvousKey(`flood-${i}`)))
    for (const cid of cids) await a.node!.contentRouting.provide(cid, { signal: AbortSignal.timeout(10_000) })
    let found = 0
    for (const cid of cids) {
      for await (const p of b.node!.contentRouting.findProviders(cid, { signal: AbortSignal.timeout(5_000) })) {
        if (p.id.equals(a.peerId!)) found++
      }
    }
    expect(found).toBe(3)
  }, 45_000)

  it('invalid reach options are refused with InvalidReachConfigError naming the field', async () => {
    const field = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof InvalidReachConfigError ? e.field : String(e)))
    expect(await field(createGossipsubNode({ nat: { relayReservations: 100 } }))).toBe('nat.relayReservations')
    expect(await field(createGossipsubNode({ relay: { dataLimitBytes: 0 } }))).toBe('relay.dataLimitBytes')
    expect(await field(createGossipsubNode({ dht: { mode: 'server', maxRecords: -1 } }))).toBe('dht.maxRecords')
    expect(await field(createGossipsubNode({ services: { pubsub: () => ({}) } }))).toBe('services.pubsub')
    const t = member({ dht: DHT_LAN, rendezvous: { intervalMs: 10 } })
    expect(await field(t.start())).toBe('rendezvous.intervalMs')
  })
})
