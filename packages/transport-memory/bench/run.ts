/**
 * Deliveries per second through a MemoryNetwork (10 peers, 1 KiB payloads)
 * against the raw envelope work the same packets need (one encode per
 * publish, one decode per delivery), so the network's own overhead — the
 * scheduler, fault draws, readiness bookkeeping and the per-event settling
 * of async work — shows as a ratio.
 */
import { compare, measure, writeReport } from '@demls-dev/bench-kit'
import { decodeTransportEnvelope, encodeTransportEnvelope, topicFor } from '@demls/wire'
import { MemoryNetwork, type MemoryTransport } from '../src/index.js'

const PEERS = 10
const BATCH = 100 // publishes per operation
const PAYLOAD = 1024
const DELIVERIES = BATCH * (PEERS - 1)
const CONV = 'bench'
const TOPIC = topicFor(CONV, 'app')
const payloads = Array.from({ length: BATCH }, (_, i) => new Uint8Array(PAYLOAD).fill(i & 0xff))

async function network(faults = {}, settleRounds = 1) {
  const net = new MemoryNetwork({ seed: 1, faults, settleRounds })
  const peers: MemoryTransport[] = []
  let received = 0
  for (let i = 0; i < PEERS; i++) {
    const t = net.createTransport(`p${i}`)
    await t.start()
    t.subscribe(TOPIC)
    t.addEventListener('message', () => {
      received++
    })
    peers.push(t)
  }
  return {
    net,
    received: () => received,
    async op() {
      for (let i = 0; i < BATCH; i++) {
        await peers[i % PEERS]!.publish({ conversationId: CONV, subtopic: 'app', payload: payloads[i]! })
      }
      await net.advance(100)
    },
  }
}

const appIds = Array.from({ length: PEERS }, (_, i) => new Uint8Array(16).fill(i + 1))
function baseline(): void {
  for (let i = 0; i < BATCH; i++) {
    const bytes = encodeTransportEnvelope({
      conversationId: CONV,
      subtopic: 'app',
      senderAppId: appIds[i % PEERS]!,
      payload: payloads[i]!,
    })
    for (let r = 0; r < PEERS - 1; r++) decodeTransportEnvelope(bytes)
  }
}

const params = { peers: PEERS, payloadBytes: PAYLOAD, publishes: BATCH, deliveries: DELIVERIES }
const opts = { minTimeMs: 2_000, params }

const perfect = await network()
const mNet = await measure(`network: ${BATCH} publishes → ${DELIVERIES} deliveries`, perfect.op, opts)
const faulty = await network({ loss: 0.05, duplicate: 0.05, reorder: 0.1, jitterMs: 20 })
const mFaulty = await measure(`network with faults: ${BATCH} publishes`, faulty.op, opts)
const mBase = await measure(`baseline: ${BATCH} encodes + ${DELIVERIES} decodes`, baseline, opts)

// Virtual time: ten minutes of a 50 ms poll loop.
const mTime = await measure(
  'virtual clock: 10 min of 50 ms timers (12,000 events)',
  async () => {
    const net = new MemoryNetwork()
    const poll = () => {
      net.clock.setTimer(poll, 50)
    }
    net.clock.setTimer(poll, 50)
    await net.advance(600_000)
  },
  { minTimeMs: 1_000, minSamples: 3 },
)

const perSec = (m: { meanMs: number }) => Math.round((DELIVERIES / m.meanMs) * 1000)
const notes = [
  `perfect network: ${perSec(mNet).toLocaleString('en-US')} deliveries/s`,
  `with faults (5% loss, 5% duplicates, 10% reorder, 20 ms jitter): ~${perSec(mFaulty).toLocaleString('en-US')} deliveries/s`,
  `raw envelope encode/decode for the same packets: ${perSec(mBase).toLocaleString('en-US')} deliveries/s`,
  `virtual clock: ${Math.round((12_000 / mTime.meanMs) * 1000).toLocaleString('en-US')} timer events/s`,
  'each event (timer or delivery) is followed by at least one macrotask turn (setImmediate) so async handlers settle; the virtual-clock figure is that cost for a bare timer',
]
const file = writeReport({
  package: '@demls/transport-memory',
  title: 'In-process network throughput',
  measurements: [mNet, mFaulty, mBase, mTime],
  comparisons: [
    compare('network vs raw envelope codec (same packets)', mNet, mBase),
    compare('network with faults vs raw envelope codec', mFaulty, mBase),
  ],
  notes,
})
for (const n of notes) console.log(n)
console.log(`sanity: ${perfect.received()} deliveries observed; report written to ${file}`)
