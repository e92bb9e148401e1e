/**
 * Real gossipsub on 127.0.0.1 in one process (2 vCPU, one event loop):
 *
 * 1. Raw gossipsub publish → `message` latency of a 1 KiB payload between
 *    two nodes (the baseline), against this transport's publish →
 *    `message` latency for the same payload (ratio = envelope, self-filter
 *    and event overhead).
 * 2. A 5-member de-MLS group (5 `User`s, each over its own transport):
 *    end-to-end chat latency (`sendMessage` → the last of the 4 other
 *    members' `message` events) against raw gossipsub fan-out of 1 KiB to
 *    4 receivers; and chat throughput (bursts of messages, delivered to
 *    every other member) against the same bursts over raw gossipsub, and
 *    against the floor of any MLS chat over gossipsub: the bursts
 *    encrypted and decrypted with @demls/mls alone over raw gossipsub.
 * 3. Time from a joiner's key-package announcement (`join`) to its first
 *    chat being received by the group.
 */
import { type Measurement, compare, compareToLimit, summarise, writeReport } from '@demls-dev/bench-kit'
import { type MlsService, createMlsClient } from '@demls/mls'
import { User, FAST_TIMING } from '@demls/session'
import { systemClock, topicFor } from '@demls/wire'
import { type GossipsubNode, type GossipsubTransport, createGossipsubNode, gossipsubTransport } from '../src/index.js'

const PAYLOAD = 1024
const SAMPLES = 300
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const now = () => performance.now()

async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('bench: condition timed out')
    await sleep(2)
  }
}

function payload(i: number): Uint8Array {
  const p = new Uint8Array(PAYLOAD).fill(0x61)
  new DataView(p.buffer).setUint32(0, i)
  p[4] = Math.floor(Math.random() * 256)
  return p
}

/** Publish → delivered-to-all latency: `publish(i)` sends sample `i`; `onDeliver(cb)` reports (i) per receiver. */
async function latency(
  receivers: number,
  publish: (i: number) => Promise<unknown>,
  onDeliver: (cb: (i: number) => void) => void,
  samples = SAMPLES,
): Promise<number[]> {
  const pending = new Map<number, { t0: number; left: number; done: () => void }>()
  const times: number[] = []
  onDeliver((i) => {
    const p = pending.get(i)
    if (p && --p.left === 0) {
      times.push(now() - p.t0)
      pending.delete(i)
      p.done()
    }
  })
  for (let i = 0; i < samples + 20; i++) {
    const done = new Promise<void>((resolve) => pending.set(i, { t0: now(), left: receivers, done: resolve }))
    await publish(i)
    await Promise.race([done, sleep(5_000)])
    await sleep(5)
  }
  return times.slice(20) // warm-up
}

async function rawNodes(n: number, topic: string): Promise<GossipsubNode[]> {
  const nodes: GossipsubNode[] = []
  for (let i = 0; i < n; i++) {
    const node = await createGossipsubNode()
    await node.start()
    for (const prev of nodes) await node.dial(prev.getMultiaddrs()[0]!)
    nodes.push(node)
  }
  for (const node of nodes) node.services.pubsub.subscribe(topic)
  const mesh = (node: GossipsubNode) => (node.services.pubsub as unknown as { getMeshPeers(t: string): string[] }).getMeshPeers(topic).length
  await until(() => nodes.every((node) => mesh(node) >= Math.min(n - 1, 4)))
  return nodes
}

async function transports(n: number): Promise<GossipsubTransport[]> {
  const ts: GossipsubTransport[] = []
  for (let i = 0; i < n; i++) {
    const t = gossipsubTransport()
    await t.start()
    for (const prev of ts) await t.dial(prev.multiaddrs()[0]!)
    ts.push(t)
  }
  return ts
}

const measurements: Measurement[] = []
const notes: string[] = []
/** Stops of the burst baselines' nodes, run once the bursts are done. */
const stops: (() => Promise<unknown>)[] = []

// 1. Two peers, 1 KiB.
{
  const topic = topicFor('bench-raw', 'app')
  const [a, b] = (await rawNodes(2, topic)) as [GossipsubNode, GossipsubNode]
  const times = await latency(
    1,
    (i) => a.services.pubsub.publish(topic, payload(i)),
    (cb) => b.services.pubsub.addEventListener('message', (e) => cb(new DataView(e.detail.data.buffer, e.detail.data.byteOffset).getUint32(0))),
  )
  measurements.push(summarise('raw gossipsub publish→message (2 peers, 1 KiB)', times, { peers: 2, payloadBytes: PAYLOAD }))
  await Promise.all([a.stop(), b.stop()])
}
{
  const conversationId = 'bench-ours'
  const topic = topicFor(conversationId, 'app')
  const [a, b] = (await transports(2)) as [GossipsubTransport, GossipsubTransport]
  a.subscribe(topic)
  b.subscribe(topic)
  await until(() => a.readiness(topic).meshPeers === 1 && b.readiness(topic).meshPeers === 1)
  const times = await latency(
    1,
    (i) => a.publish({ conversationId, subtopic: 'app', payload: payload(i) }),
    (cb) => b.addEventListener('message', (e) => cb(new DataView(e.detail.envelope.payload.buffer, e.detail.envelope.payload.byteOffset).getUint32(0))),
  )
  measurements.push(summarise('GossipsubTransport publish→message (2 peers, 1 KiB)', times, { peers: 2, payloadBytes: PAYLOAD }))
  await Promise.all([a.stop(), b.stop()])
}

const BURST = 200
const BURST_REPS = 5
/**
 * One burst of BURST sends round-robin over 5 peers, timed until all 4
 * others of each have it; returns the time per message (ms). `send(i)`
 * must send distinct bytes for every `i`.
 */
async function oneBurst(rep: number, send: (i: number) => Promise<void>, delivered: () => number): Promise<number> {
  const before = delivered()
  const t0 = now()
  await Promise.all(Array.from({ length: BURST }, (_, i) => send(100_000 + rep * BURST + i)))
  await until(() => delivered() - before >= BURST * 4, 60_000)
  return (now() - t0) / BURST
}

/** The three kinds of burst (raw gossipsub, MLS over raw gossipsub, de-MLS), set up below and run interleaved. */
const burstKinds: { name: string; send: (i: number) => Promise<void>; delivered: () => number }[] = []

/** A burst measurement: time per message of each of the bursts. */
function burstRow(name: string, perMessage: number[]): void {
  const m = summarise(name, perMessage, { peers: 5, burst: BURST, bursts: BURST_REPS, payloadBytes: PAYLOAD })
  measurements.push(m)
  notes.push(`${name}: ${(1000 / m.p50Ms).toFixed(0)} msgs/s (median of ${BURST_REPS} bursts of ${BURST})`)
}

// 2. Five peers: raw fan-out baseline, then a de-MLS group.
{
  const topic = topicFor('bench-raw5', 'app')
  const nodes = await rawNodes(5, topic)
  const times = await latency(
    4,
    (i) => nodes[i % 5]!.services.pubsub.publish(topic, payload(i)),
    (cb) => {
      for (const n of nodes) n.services.pubsub.addEventListener('message', (e) => cb(new DataView(e.detail.data.buffer, e.detail.data.byteOffset).getUint32(0)))
    },
    150,
  )
  measurements.push(summarise('raw gossipsub publish→all 4 others (5 peers, 1 KiB)', times, { peers: 5, payloadBytes: PAYLOAD }))
  // Throughput baseline: the same burst shape as the de-MLS burst below (the nodes stay up until the bursts ran).
  let got = 0
  for (const n of nodes) n.services.pubsub.addEventListener('message', () => got++)
  burstKinds.push({
    name: 'raw gossipsub burst, time per message delivered to all (5 peers)',
    send: async (i) => {
      await nodes[i % 5]!.services.pubsub.publish(topic, payload(i))
    },
    delivered: () => got,
  })
  stops.push(() => Promise.all(nodes.map((n) => n.stop())))
}

// The floor of any MLS chat over gossipsub: the same burst, each message
// encrypted by its sender and decrypted by the 4 receivers with @demls/mls
// (a 5-member group formed by one add commit), over raw gossipsub.
{
  const topic = topicFor('bench-mls5', 'app')
  const nodes = await rawNodes(5, topic)
  const clients = await Promise.all([0, 1, 2, 3, 4].map((i) => createMlsClient({ memberId: new Uint8Array(20).fill(i + 1) })))
  const groups: MlsService[] = [await clients[0]!.createGroup('bench-mls5')]
  const built = await groups[0]!.createCommitCandidate(
    await Promise.all(clients.slice(1).map(async (c) => ({ action: 'add' as const, keyPackage: await c.generateKeyPackage() }))),
  )
  await groups[0]!.mergeOwnCommit()
  for (const c of clients.slice(1)) groups.push((await c.joinFromWelcome(built.welcome!))!)
  let got = 0
  for (const [k, n] of nodes.entries()) {
    n.services.pubsub.addEventListener('message', (e) => {
      void groups[k]!.decrypt(e.detail.data).then(() => got++)
    })
  }
  burstKinds.push({
    name: 'MLS over raw gossipsub burst, time per message decrypted by all (5 peers, @demls/mls)',
    send: async (i) => {
      await nodes[i % 5]!.services.pubsub.publish(topic, await groups[i % 5]!.encrypt(payload(i)))
    },
    delivered: () => got,
  })
  stops.push(() => Promise.all(nodes.map((n) => n.stop())))
}

const FAST = FAST_TIMING
function keyFor(i: number): Uint8Array {
  const k = new Uint8Array(32)
  k[0] = 0x11
  k[31] = i + 1
  return k
}
{
  const id = 'bench-group'
  const ts = await transports(8)
  const users: User[] = []
  for (let i = 0; i < 8; i++) users.push(await User.create({ privateKey: keyFor(i), transport: ts[i]!, clock: systemClock, config: FAST }))
  const members = users.slice(0, 5)
  const received = members.map(() => 0)
  let onChat: ((i: number) => void) | undefined
  for (const [m, u] of members.entries()) {
    u.messages$.subscribe((msg) => {
      received[m]!++
      onChat?.(new DataView(msg.body.buffer, msg.body.byteOffset).getUint32(0))
    })
  }
  const t0 = now()
  await members[0]!.createConversation(id, { admission: 'open' })
  const welcome = topicFor(id, 'welcome')
  await until(() => ts.slice(1, 5).every((t) => t.readiness(welcome).ready))
  await Promise.all(members.slice(1).map((u) => u.join(id)))
  await until(() => members.every((u) => u.conversation(id)?.state() === 'working' && u.conversation(id)!.members().length === 5))
  notes.push(`5-member group formed (create + 4 joins in one commit) in ${(now() - t0).toFixed(0)} ms`)

  const times = await latency(
    4,
    (i) => members[i % 5]!.conversation(id)!.sendMessage(payload(i)),
    (cb) => {
      onChat = cb
    },
    100,
  )
  measurements.push(summarise('de-MLS chat sendMessage→all 4 others (5 members, 1 KiB)', times, { members: 5, payloadBytes: PAYLOAD }))

  // Throughput: bursts of BURST chats round-robin, all delivered to the 4 others,
  // interleaved with the raw and MLS-only bursts (one of each kind per round), so a
  // drift of this shared machine moves all three alike.
  onChat = undefined
  burstKinds.push({
    name: 'de-MLS chat burst, time per message delivered to all (5 members)',
    send: async (i) => {
      await members[i % 5]!.conversation(id)!.sendMessage(payload(i))
    },
    delivered: () => received.reduce((s, x) => s + x, 0),
  })
  const perKind = burstKinds.map(() => [] as number[])
  for (let rep = 0; rep < BURST_REPS; rep++) {
    for (const [k, kind] of burstKinds.entries()) perKind[k]!.push(await oneBurst(rep, kind.send, kind.delivered))
  }
  for (const [k, kind] of burstKinds.entries()) burstRow(kind.name, perKind[k]!)
  for (const stop of stops) await stop()

  // 3. Key-package announcement → the joiner's first chat received by the group (3 joiners, one at a time).
  const joinTimes: number[] = []
  for (const j of [5, 6, 7]) {
    const joiner = users[j]!
    const before = received[0]!
    const tj = now()
    await joiner.join(id)
    await joiner.conversation(id)!.sendMessage(payload(200_000 + j))
    await until(() => received[0]! > before, 20_000)
    joinTimes.push(now() - tj)
  }
  measurements.push(summarise('join: key-package announcement → first chat received (FAST timing)', joinTimes, { groupSize: '5→8' }))
  for (const u of users) await u.stop()
}

const byName = (name: string) => measurements.find((m) => m.name.startsWith(name))!
const join = byName('join: key-package announcement')
writeReport({
  package: '@demls/transport-gossipsub',
  title: 'gossipsub transport: latency over loopback TCP vs raw gossipsub',
  measurements,
  comparisons: [
    compare('transport overhead (publish→message, 1 KiB)', byName('GossipsubTransport publish→message'), byName('raw gossipsub publish→message')),
    compare('de-MLS chat vs raw gossipsub fan-out (5 peers)', byName('de-MLS chat sendMessage'), byName('raw gossipsub publish→all')),
    // ≥ 80 % of raw throughput = at most 1.25× raw time per message delivered to all.
    compare('chat throughput: de-MLS burst vs raw gossipsub burst (5 peers, time per message, medians)', byName('de-MLS chat burst'), byName('raw gossipsub burst'), 1.25, { stat: 'median' }),
    compare('chat throughput: de-MLS burst vs MLS over raw gossipsub (5 peers, time per message, medians)', byName('de-MLS chat burst'), byName('MLS over raw gossipsub'), 1.25, { stat: 'median' }),
    compare('chat throughput floor: MLS over raw gossipsub vs raw gossipsub (5 peers, time per message, medians)', byName('MLS over raw gossipsub'), byName('raw gossipsub burst'), undefined, { stat: 'median' }),
    // The join target: key-package announcement → first chat received within 1 s (mean).
    compareToLimit('join: announcement → first chat received, against the 1 s target', join.meanMs, 1000, 'ms', `${join.meanMs.toFixed(0)} ms (mean of ${join.samples})`),
  ],
  notes: [
    'All nodes in one process on 127.0.0.1 (TCP, noise, yamux, StrictNoSign); one publish in flight at a time, 5 ms apart.',
    'Chat throughput (issue 18: at least 80 % of raw gossipsub, i.e. at most 1.25× its time per message): every peer shares this one event loop, so each message costs its sender one Ed25519 signature and the 4 receivers 4 Ed25519 verifications and the AEAD and ratchet work of MLS on the same CPU. That floor alone (MLS over raw gossipsub, @demls/mls with nothing of de-MLS around it) is the third row: it is what the 80 % target is out of reach against, and the de-MLS burst is held to 1.25× of it instead. The three kinds of burst run interleaved (a raw, an MLS-over-raw and a de-MLS burst per round, 5 rounds of 200 messages each, all three setups up throughout) and are compared by their medians; the run-to-run spread of this shared machine moves a single burst by about 20 %.',
    ...notes,
  ],
})
console.log(notes.join('\n'))
