// Separate hosts and real NATs, in Linux network namespaces the test builds
// (test/netns/topology.ts) and always deletes: a public segment with a
// demls-node; home A (two hosts on one LAN), home B and home C, each behind
// its own router doing nftables masquerade. Members are separate processes
// (test/netns/peer.mjs: @demls/session over the gossipsub transport) run
// with `ip netns exec`. Root only: where namespaces cannot be made the test
// FAILS and says why. Run by `pnpm test` last (scripts/test.mjs;
// DEMLS_NETNS_TEST=0 leaves it out) or `pnpm --filter @demls/node netns`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BIN } from './build-setup.js'
import { Member, startNodeIn } from './netns/process.js'
import { Topology, cannotBuild, ensureNft, removeStale } from './netns/topology.js'

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function until<T>(label: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`)
    await sleep(everyMs)
  }
}

const CONV = 'reach'
/** Scenario (e)'s conversation: the node serves it (keeps its encrypted packets). */
const KEPT = 'kept-for-the-absent'

/** The measures in the shape of a docs/bench report (one sample each). */
function benchReport() {
  const row = (name: string, key: string) => {
    const ms = Number(measures[key])
    return { name, opsPerSec: ms > 0 ? 1000 / ms : 0, meanMs: ms, p50Ms: ms, p99Ms: ms, samples: 1 }
  }
  const relay = Number(measures.relayJoinToFirstChatMs)
  const lan = Number(measures.lanJoinToFirstChatMs)
  return {
    package: '@demls/node-reach',
    title: 'Reach through NATs in network namespaces: joins through a relay vs on a LAN, DCUtR, a moved member, store backfill (one run)',
    measurements: [
      row('join through the relay from a NATed home → Welcome', 'relayJoinMs'),
      row('join through the relay from a NATed home → first chat delivered', 'relayJoinToFirstChatMs'),
      row('join on one LAN (found by mDNS, direct) → Welcome', 'lanJoinMs'),
      row('join on one LAN (found by mDNS, direct) → first chat delivered', 'lanJoinToFirstChatMs'),
      row('relayed connection → direct (DCUtR, dialling side port-forwarded)', 'dcutrUpgradeMs'),
      row('member restarted in another home → reads the group again', 'movedFoundAgainMs'),
      row('member back after everyone else went offline → reads the chat from the store node (restart included)', 'storeBackfillMs'),
    ],
    comparisons: [{ name: 'join to first chat: through the relay vs on one LAN', subject: `${relay} ms`, baseline: `${lan} ms`, ratio: relay / lan }],
    notes: [
      'packages/node/test/netns.real.ts: a demls-node on a public segment, homes behind nftables masquerade, members as separate processes (@demls/session over gossipsub with dht, nat, mdns; LAN_TIMING).',
      'Relayed connections upgraded to direct: 1 of the 2 relayed pairs, by construction: the pair with a port forward on the dialling side was upgraded; the pair behind two plain masquerades stays relayed (js-libp2p 3 DCUtR, TCP).',
    ],
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: new Date().toISOString() },
  }
}
const isCircuit = (addr: string) => addr.includes('/p2p-circuit')

let topo: Topology | undefined
let tmp = ''
let node: Awaited<ReturnType<typeof startNodeIn>> | undefined
const nodeLog: string[] = []
const members: Member[] = []
const measures: Record<string, number | string> = {}

function cleanup(): void {
  for (const m of members) m.kill()
  node?.child.kill('SIGKILL')
  topo?.destroy()
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true })
}
const onSignal = () => {
  cleanup()
  process.exit(130)
}

function member(name: string, ns: string): Member {
  const m = new Member(name, ns)
  members.push(m)
  return m
}

/** Send `text` from `from` (again every 2 s: the first may go out before the mesh forms) until every one of `to` got it. */
async function chat(from: Member, to: Member[], text: string, timeoutMs = 30_000, conversationId = CONV): Promise<number> {
  const t0 = Date.now()
  let last = 0
  await until(`'${text}' from ${from.name} at ${to.map((m) => m.name).join(', ')}`, timeoutMs, async () => {
    if (Date.now() - last > 2_000) {
      last = Date.now()
      await from.request({ type: 'send', conversationId, text: `${text} #${last}` }).catch(() => undefined)
    }
    return to.every((m) => m.events.some((e) => e.text.startsWith(`${text} #`))) || undefined
  })
  return Date.now() - t0
}

/** Why this machine cannot run the test (then every test fails with it), or undefined. */
const unavailable = cannotBuild()
function need(): void {
  if (unavailable !== undefined)
    throw new Error(`the network namespace test cannot run here: ${unavailable}. It fails rather than pass untested; DEMLS_NETNS_TEST=0 leaves it out of pnpm test.`)
}

describe('demls across NATs in network namespaces', () => {
  beforeAll(async () => {
    if (unavailable !== undefined) return // each test fails with the reason
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    process.once('exit', cleanup)
    ensureNft()
    const stale = removeStale()
    if (stale.length > 0) console.log(`removed namespaces of an earlier crashed run: ${stale.join(' ')}`)
    tmp = mkdtempSync(join(tmpdir(), 'demls-netns-'))
    topo = new Topology()
    topo.addHome('A', 1, 2)
    topo.addHome('B', 2, 1)
    topo.addHome('C', 3, 1)
    const addr = `/ip4/${topo.pubIp}/tcp/4001`
    node = await startNodeIn(
      topo.pub,
      BIN,
      ['--key', join(tmp, 'node.key'), '--listen', addr, '--announce', addr, '--serve', KEPT, '--store-dir', join(tmp, 'node-store')],
      nodeLog,
    )
  }, 120_000)

  afterAll(async () => {
    await Promise.allSettled(members.map((m) => m.stop()))
    node?.child.kill('SIGTERM')
    await sleep(300)
    cleanup()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('exit', cleanup)
    console.log(`netns measures: ${JSON.stringify(measures)}`)
    // DEMLS_NETNS_BENCH_OUT=<file>: the measures as a report of docs/bench (rendered by scripts/bench-report.mjs).
    if (process.env.DEMLS_NETNS_BENCH_OUT) writeFileSync(process.env.DEMLS_NETNS_BENCH_OUT, `${JSON.stringify(benchReport(), null, 2)}\n`)
  }, 60_000)

  const home = (name: string, k = 0) => topo!.homes.get(name)!.hosts[k]!
  const start = (m: Member, extra: Record<string, unknown> = {}) =>
    m.request({ type: 'start', name: m.name, dir: join(tmp, m.name), listen: ['/ip4/0.0.0.0/tcp/0'], bootstrap: node!.multiaddrs, dht: true, nat: true, mdns: true, ...extra }, 60_000)

  let a: Member
  let b: Member

  it('(a) peers in different homes, each behind a masquerading NAT, form a group with only the node address and chat both ways (over the relay)', async () => {
    need()
    a = member('A', home('A').ns)
    b = member('B', home('B').ns)
    const ra = await start(a)
    const rb = await start(b)
    a.memberId = String(ra.memberId)
    b.memberId = String(rb.memberId)
    a.peerId = String(ra.peerId)
    b.peerId = String(rb.peerId)
    await a.request({ type: 'create', conversationId: CONV })
    const t0 = Date.now()
    await b.request({ type: 'join', conversationId: CONV, timeoutMs: 90_000 }, 95_000)
    measures.relayJoinMs = Date.now() - t0
    await chat(a, [b], 'hello from home A')
    measures.relayJoinToFirstChatMs = Date.now() - t0
    await chat(b, [a], 'hello from home B')
    const members = (await a.request({ type: 'members', conversationId: CONV })).members as string[]
    expect(members.sort()).toEqual([a.memberId, b.memberId].sort())
    // Two masquerading NATs, no public address on either side: DCUtR has
    // nothing to dial, so A and B stay on the relayed (limited) connection.
    const ab = (await a.connections()).filter((c) => c.peer === b.peerId && c.status === 'open')
    expect(ab.length).toBeGreaterThan(0)
    expect(ab.every((c) => isCircuit(c.addr) && c.limited)).toBe(true)
    // And neither home's private address leaked into what A could dial.
    expect(ab.some((c) => c.addr.includes('192.168.'))).toBe(false)
  }, 150_000)

  it('(b) a relayed connection is upgraded to a direct one (DCUtR) when the dialling side has a forwarded port', async () => {
    need()
    const hb = home('B')
    topo!.portForward('B', 4001, hb.ip)
    const wan = topo!.homes.get('B')!.wanIp
    const b2 = member('B2', hb.ns)
    const r = await start(b2, { listen: ['/ip4/0.0.0.0/tcp/4001'], announce: [`/ip4/${wan}/tcp/4001`], mdns: false })
    b2.peerId = String(r.peerId)
    await until('B2 holds a relay reservation', 20_000, async () =>
      ((await b2.request({ type: 'addrs' })).addrs as string[]).some((x) => isCircuit(x)) || undefined,
    )
    const circuit = await until('A holds a relay reservation', 20_000, async () =>
      ((await a.request({ type: 'addrs' })).addrs as string[]).find((x) => isCircuit(x) && x.includes(`/ip4/${topo!.pubIp}/`)),
    )
    const t0 = Date.now()
    // B2 (port forward, announced) dials A (plain masquerade) through the relay: A accepts the
    // relayed connection, sees B2's public address and dials it directly (DCUtR's unilateral upgrade).
    // (The dial may report the relayed connection closed: DCUtR can replace it before the dial call returns.)
    const dialled = await b2.request({ type: 'dial', addr: circuit }).then(
      () => 'relayed connection open',
      (err: Error) => err.message.split('\n')[0]!,
    )
    if (process.env.DEBUG) console.log(`B2 dial: ${dialled}\nA:\n${a.lines.filter((l) => /relay|dcutr|connection/.test(l)).slice(-40).join("\n")}\nnode:\n${nodeLog.filter((l) => /relay/.test(l)).slice(-25).join('\n')}\nB2:\n${b2.lines.filter((l) => /relay/.test(l)).slice(-25).join('\n')}`)
    const direct = await until('a direct connection A–B2', 30_000, async () =>
      (await a.connections()).find((c) => c.peer === b2.peerId && c.status === 'open' && !isCircuit(c.addr)),
    ).catch((err) => {
      if (process.env.DEBUG) console.log(`A:\n${a.lines.filter((l) => /dcutr/.test(l)).slice(-30).join('\n')}\nB2:\n${b2.lines.filter((l) => /dcutr/.test(l)).slice(-30).join('\n')}`)
      throw err
    })
    measures.dcutrUpgradeMs = Date.now() - t0
    expect(direct.addr).toContain(`/ip4/${wan}/tcp/4001`)
    expect(direct.limited).toBe(false)
    // DCUtR closes the relayed connection once the direct one works.
    await until('the relayed A–B2 connection closed', 15_000, async () =>
      (await a.connections()).every((c) => c.peer !== b2.peerId || !isCircuit(c.addr) || c.status !== 'open') || undefined,
    )
    await b2.stop()
  }, 90_000)

  it('(c) two peers on one LAN find each other by mDNS with no address at all, and one joins the group there', async () => {
    need()
    const l = member('L', home('A', 1).ns)
    const r = await l.request({ type: 'start', name: 'L', dir: join(tmp, 'L'), listen: ['/ip4/0.0.0.0/tcp/0'], bootstrap: [], mdns: true }, 60_000)
    l.memberId = String(r.memberId)
    const la = await until('L connected to A by mDNS', 20_000, async () => (await l.connections()).find((c) => c.peer === a.peerId && c.status === 'open'))
    expect(la.addr).toContain(`/ip4/${home('A').ip}/`)
    const t0 = Date.now()
    await l.request({ type: 'join', conversationId: CONV, timeoutMs: 90_000 }, 95_000)
    measures.lanJoinMs = Date.now() - t0
    await chat(l, [a, b], 'hello from the LAN')
    measures.lanJoinToFirstChatMs = Date.now() - t0
    await chat(b, [l], 'hello to the LAN from home B')
    // L was never given the node's address and never reached it.
    expect((await l.connections()).some((c) => c.peer === node!.peerId)).toBe(false)
    expect(((await l.request({ type: 'connections' })).reach as { mdnsDialled: number }).mdnsDialled).toBeGreaterThan(0)
  }, 150_000)

  it('(d) a member whose address changes (restarted in another home, same state) finds its group again', async () => {
    need()
    const before = b.memberId
    await b.stop()
    const moved = member('B', home('C').ns)
    const r = await start(moved, { mdns: false })
    expect(String(r.memberId)).toBe(before)
    expect(r.restored as string[]).toContain(CONV)
    expect(String(r.peerId)).toBe(b.peerId)
    const t0 = Date.now()
    await chat(a, [moved], 'did you move?', 60_000)
    measures.movedFoundAgainMs = Date.now() - t0
    await chat(moved, [a], 'yes, from home C', 30_000)
    const conns = (await moved.connections()).filter((c) => c.peer === a.peerId && c.status === 'open')
    expect(conns.length).toBeGreaterThan(0)
    b = moved
  }, 120_000)

  it('(e) a member offline while everyone else went offline gets the messages back from the store node', async () => {
    need()
    // Three members in three homes, each behind its NAT; the node serves KEPT (keeps its ciphertext).
    const store = node!.multiaddrs[0]!
    const ea = member('Ae', home('A').ns)
    const eb = member('Be', home('B').ns)
    const ec = member('Ce', home('C').ns)
    const opts = { mdns: false, stores: [store] }
    const [ra, rb, rc] = await Promise.all([start(ea, opts), start(eb, opts), start(ec, opts)])
    for (const [m, r] of [[ea, ra], [eb, rb], [ec, rc]] as const) {
      m.memberId = String(r.memberId)
      m.peerId = String(r.peerId)
    }
    await ea.request({ type: 'create', conversationId: KEPT })
    await Promise.all([eb, ec].map((m) => m.request({ type: 'join', conversationId: KEPT, timeoutMs: 90_000 }, 95_000)))
    const all = [ea.memberId, eb.memberId, ec.memberId].sort()
    const state = async (m: Member) => (await m.request({ type: 'members', conversationId: KEPT })) as unknown as { members: string[]; epoch: string }
    await until('one group of three at one epoch', 30_000, async () => {
      const s = await Promise.all([ea, eb, ec].map(state))
      return s.every((x) => x.epoch === s[0]!.epoch && JSON.stringify([...x.members].sort()) === JSON.stringify(all)) || undefined
    })
    // A chat that reaches everyone: the mesh of KEPT's app topic is up, through the relay.
    await chat(ea, [eb, ec], 'all three here', 30_000, KEPT)

    // C goes offline; its state stays in its state directory.
    await ec.stop()
    const before = Number((await eb.request({ type: 'stored', conversationId: KEPT })).packets)
    // A chats once (one send: a repeat would be another message); B reads it live, the node keeps it.
    const text = 'sent while C was away (kept by the node)'
    await ea.request({ type: 'send', conversationId: KEPT, text })
    await until(`B reads '${text}'`, 20_000, () => eb.got(text) || undefined)
    await until('the node keeps it', 15_000, async () => Number((await eb.request({ type: 'stored', conversationId: KEPT })).packets) > before || undefined)
    // Everyone else goes offline: A and B, and the members of the other scenarios.
    await Promise.all(members.filter((m) => m !== ec).map((m) => m.stop()))

    // C comes back from its state directory in home C: the node is its bootstrap and its store, and the only peer running.
    const back = member('Ce', home('C').ns)
    const t0 = Date.now()
    const r = await start(back, opts)
    expect(String(r.memberId)).toBe(ec.memberId)
    expect(r.restored as string[]).toContain(KEPT)
    await until(`C reads '${text}' from the store`, 30_000, () => back.got(text) || undefined).catch((err) => {
      throw new Error(`${(err as Error).message}\nC's notes: ${JSON.stringify(back.notes)}\n${back.lines.slice(-20).join('\n')}`)
    })
    measures.storeBackfillMs = Date.now() - t0
    const got = back.events.filter((e) => e.conversation === KEPT && e.text === text)
    expect(got[0]!.by).toBe(ea.memberId)
    expect(back.notes.some((n) => n.conversation === KEPT && n.kind === 'backfill' && (n.messages ?? 0) >= 1)).toBe(true)
    expect(back.notes.filter((n) => n.kind === 'error')).toEqual([])
    // Once, though the store returned it and the node may gossip it too.
    await sleep(1_000)
    expect(back.events.filter((e) => e.conversation === KEPT && e.text === text)).toHaveLength(1)
    // (The warm-up chat C read before it stopped comes back too: a chat read after the last save is
    // read again after a restart, at least once by design; see HISTORY_LIMITS.overlapMs in @demls/session.)
    // Nobody but the node was there to give it.
    const conns = (await back.connections()).filter((c) => c.status === 'open')
    expect(conns.length).toBeGreaterThan(0)
    expect(conns.every((c) => c.peer === node!.peerId)).toBe(true)
    await back.stop()
  }, 150_000)
})
