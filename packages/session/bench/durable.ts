// Durable-state benchmark: what saving costs a chat send. Alice sends
// messages to a group of N on the memory network and we time each send
// until every member has it, (a) without storage, (b) with an encrypted
// memoryStorage, (c) with an encrypted LevelDB store on disk (synced
// writes). Ratios against (a) in the same run; plus the bare MLS state
// export per save, the part of (b) the session adds on top of storage.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Comparison, type Measurement, compare, summarise, writeReport } from '@demls-dev/bench-kit'
import { type Storage, levelStorage, memoryStorage } from '@demls/storage'
import { MemoryNetwork } from '@demls/transport-memory'
import { FAST_TIMING as FAST, User } from '../src/index.js'

const key = (i: number) => {
  const k = new Uint8Array(32)
  k[0] = 0x33
  k[31] = i + 1
  return k
}
const SENDS = Number(process.env.BENCH_SENDS ?? 200)

async function sends(n: number, storage: () => Promise<Storage | undefined>): Promise<{ times: number[]; saveBytes: number }> {
  const net = new MemoryNetwork({ seed: 3, startTime: Math.floor(Date.now() / 1000) * 1000 })
  const store = await storage()
  const users: User[] = []
  for (let i = 0; i < n; i++) {
    users.push(
      await User.create({
        privateKey: key(i),
        transport: net.createTransport(`d${i}`),
        clock: net.clock,
        config: FAST,
        random: () => 0.5,
        ...(i === 0 && store !== undefined ? { storage: store } : {}),
      }),
    )
  }
  const id = 'durable-bench'
  await users[0]!.createConversation(id, { admission: 'open' })
  const joins = users.slice(1).map((u) => u.join(id))
  await net.runUntil(() => users.every((u) => u.conversation(id) !== undefined), { maxMs: 600_000 })
  await Promise.all(joins)
  await net.runUntil(() => users.every((u) => u.conversation(id)?.epoch() === users[0]!.conversation(id)!.epoch() && u.conversation(id)!.state() === 'working'), { maxMs: 600_000 })
  let got = 0
  for (const u of users.slice(1)) u.messages$.subscribe(() => got++)
  const times: number[] = []
  const body = new Uint8Array(100)
  for (let s = 0; s < SENDS; s++) {
    const t0 = performance.now()
    const want = got + n - 1
    const sent = users[0]!.conversation(id)!.sendMessage(body)
    await net.runUntil(() => got >= want, { maxMs: 60_000 })
    await sent
    times.push(performance.now() - t0)
  }
  const saveBytes = store === undefined ? 0 : ((await store.get(['conv', id, 'state']))?.length ?? 0)
  for (const u of users) await u.stop()
  return { times, saveBytes }
}

const measurements: Measurement[] = []
const comparisons: Comparison[] = []
const notes: string[] = [
  `Each measurement: ${SENDS} chat sends of 100 bytes by the creator, each timed from sendMessage until every other member decrypted it (all members in one process on the virtual clock, so this is CPU and disk time, not network time). Only the sender has a store.`,
  'A send saves the sender state (MLS state export + one record written, encrypted with AES-256-GCM) before the packet is published; LevelDB writes are synced (fsync) before they resolve.',
]
for (const n of [2, 10]) {
  const dir = await mkdtemp(join(tmpdir(), 'demls-bench-'))
  try {
    const plain = await sends(n, async () => undefined)
    // Both stores take the default path: locked, and unlocked by User.create with the key derived from the sender's private key.
    const mem = await sends(n, () => memoryStorage({ plaintext: false }))
    const disk = await sends(n, () => levelStorage({ location: dir }))
    const a = summarise(`send until delivered, no storage (n=${n})`, plain.times, { n })
    const b = summarise(`send until delivered, encrypted memoryStorage (n=${n})`, mem.times, { n, stateBytes: mem.saveBytes })
    const c = summarise(`send until delivered, encrypted LevelDB on disk (n=${n})`, disk.times, { n, stateBytes: disk.saveBytes })
    measurements.push(a, b, c)
    comparisons.push(compare(`saving in memory vs no storage (n=${n})`, b, a), compare(`saving to LevelDB vs no storage (n=${n})`, c, a))
    notes.push(`n=${n}: the saved record is ${(disk.saveBytes / 1024).toFixed(1)} KiB.`)
    console.log(`n=${n}`, { plain: a.meanMs, memory: b.meanMs, level: c.meanMs })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
writeReport({ package: '@demls/session-durable', title: 'durable state: the cost of saving before sending', measurements, comparisons, notes })
