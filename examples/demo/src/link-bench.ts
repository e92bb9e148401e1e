/**
 * Benchmark of issue 53: a join with an invite link (paste to first chat
 * message) against today's join by invitation of a member id, in the same
 * run, over real libp2p gossipsub on 127.0.0.1. Every peer is a `User` on
 * its own gossipsub node (TCP on loopback) in this one process, with the
 * LAN timing profile.
 *
 * For each group size, member 0 founds a closed group (`admission:
 * 'invite'`) and invites the others by id. Then, alternately, a fresh
 * joiner (a new key, a new libp2p node that knows no peer yet) joins:
 *
 * - link: the link (created beforehand by member 0 with its own address
 *   signed in) is handed to the joiner, which calls `joinByLink` and dials
 *   the address the link carries (`connect`);
 * - invite by id: member 0 calls `invite(joinerId)`, the joiner dials member
 *   0's address and calls `join(id)`.
 *
 * The clock runs from that hand-over until the joiner receives its first
 * chat message: member 1 greets every new member as soon as it sees it
 * join (`member-joined`). The joiner then leaves and the group goes back
 * to its size before the next sample. Medians per size; the ratio is link
 * over invite by id, same size, same run.
 *
 * Run: `pnpm --filter @demls-dev/demo bench:link` (`LINK_BENCH_SIZES=3,8`,
 * `LINK_BENCH_SAMPLES=4` per kind and size). Writes
 * `docs/bench/demls-dev-demo-link.json` (rendered into docs/benchmarks.md
 * by `node scripts/bench-report.mjs`).
 */
import { type Comparison, type Measurement, compare, summarise, writeReport } from '@demls-dev/bench-kit'
import { ethereumAddress } from '@demls/consensus'
import { type ConversationHandle, LAN_TIMING, User } from '@demls/session'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import { systemClock, toHex } from '@demls/wire'
import { performance } from 'node:perf_hooks'
import { keyFor } from './keys.js'

const SIZES = (process.env.LINK_BENCH_SIZES ?? '3,8').split(',').map(Number)
const SAMPLES = Number(process.env.LINK_BENCH_SAMPLES ?? 4)
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
const encoder = new TextEncoder()

async function waitUntil(predicate: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${label}: not within ${timeoutMs} ms`)
    await sleep(10)
  }
}

interface Peer {
  user: User
  transport: GossipsubTransport
  address: string
}

/** A user on a fresh gossipsub node on 127.0.0.1 (dialling `bootstrap`, if any). */
async function peer(index: number, bootstrap: string[] = []): Promise<Peer> {
  const transport = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap })
  const user = await User.create({ privateKey: keyFor(index), transport, clock: systemClock, config: LAN_TIMING })
  await waitUntil(() => transport.multiaddrs().length > 0, 10_000, 'listening')
  return { user, transport, address: transport.multiaddrs()[0]!.toString() }
}

const members = (h: ConversationHandle | undefined) => h?.members().length ?? 0

/** One group of `size` members; returns its peers (member 0 founded it). */
async function formGroup(id: string, size: number, firstKey: number): Promise<Peer[]> {
  const founder = await peer(firstKey)
  const peers = [founder]
  for (let i = 1; i < size; i++) peers.push(await peer(firstKey + i, [founder.address]))
  const owner = await founder.user.createConversation(id, { admission: 'invite' })
  for (const p of peers.slice(1)) await owner.invite(ethereumAddress(keyFor(firstKey + peers.indexOf(p))))
  await sleep(200)
  await Promise.all(peers.slice(1).map((p) => p.user.join(id, { timeoutMs: 120_000 })))
  await waitUntil(() => peers.every((p) => members(p.user.conversation(id)) === size), 120_000, `group of ${size}`)
  return peers
}

type Kind = 'link' | 'invite'

/** One sample: a fresh joiner joins `id` by `kind`; ms from hand-over to its first chat message. */
async function sample(id: string, group: Peer[], kind: Kind, joinerKey: number): Promise<number> {
  const size = group.length
  const owner = group[0]!.user.conversation(id)!
  const link = kind === 'link' ? await owner.createInviteLink({ uses: 1, addresses: [group[0]!.address] }) : undefined
  const joiner = await peer(joinerKey)
  const joinerId = toHex(ethereumAddress(keyFor(joinerKey)))
  // Member 1 greets the new member as soon as it sees it join.
  const greeter = group[1]!.user
  const greet = greeter.events$.subscribe((e) => {
    if (e.conversationId === id && e.type === 'member-joined' && toHex(e.memberId) === joinerId) {
      void greeter.conversation(id)?.sendMessage(encoder.encode(`welcome ${joinerId.slice(0, 8)}`))
    }
  })
  let firstMessageAt: number | undefined
  const heard = joiner.user.events$.subscribe((e) => {
    if (e.conversationId === id && e.type === 'message' && firstMessageAt === undefined) firstMessageAt = performance.now()
  })
  if (link !== undefined) await sleep(200) // the link's record reached the members before it is handed out
  const t0 = performance.now()
  let handle: ConversationHandle
  if (link !== undefined) {
    handle = await joiner.user.joinByLink(link.link, {
      timeoutMs: 120_000,
      connect: async (addresses) => {
        for (const a of addresses) await joiner.transport.dial(a)
      },
    })
  } else {
    await owner.invite(ethereumAddress(keyFor(joinerKey)))
    await joiner.transport.dial(group[0]!.address)
    handle = await joiner.user.join(id, { timeoutMs: 120_000 })
  }
  await waitUntil(() => firstMessageAt !== undefined, 60_000, `${kind} join: first message`)
  const ms = firstMessageAt! - t0
  greet.unsubscribe()
  heard.unsubscribe()
  // Back to `size` members before the next sample.
  await handle.leave()
  await waitUntil(() => group.every((p) => members(p.user.conversation(id)) === size), 60_000, 'joiner left')
  await joiner.user.stop()
  return ms
}

async function main(): Promise<void> {
  const measurements: Measurement[] = []
  const comparisons: Comparison[] = []
  let nextKey = 1000
  for (const size of SIZES) {
    const id = `link-bench-${size}`
    const group = await formGroup(id, size, nextKey)
    nextKey += size
    const times: Record<Kind, number[]> = { link: [], invite: [] }
    // One warm-up of each, untimed (first connections, JIT).
    for (const kind of ['link', 'invite'] as const) await sample(id, group, kind, nextKey++)
    for (let k = 0; k < SAMPLES; k++) {
      for (const kind of (k % 2 === 0 ? ['link', 'invite'] : ['invite', 'link']) as Kind[]) {
        const ms = await sample(id, group, kind, nextKey++)
        times[kind].push(ms)
        console.log(`${size} members, ${kind}: ${ms.toFixed(0)} ms`)
      }
    }
    const link = summarise(`link join, paste to first message (${size} members)`, times.link, { members: size })
    const invite = summarise(`invite-by-id join, invite to first message (${size} members)`, times.invite, { members: size })
    measurements.push(link, invite)
    comparisons.push(compare(`link join vs invite-by-id join, ${size} members (medians)`, link, invite, undefined, { stat: 'median' }))
    for (const p of group) await p.user.stop()
  }
  writeReport({
    package: '@demls-dev/demo-link',
    title: 'invite link join against invite-by-id join over gossipsub (issue 53)',
    measurements,
    comparisons,
    notes: [
      'Every peer is a `User` on its own libp2p gossipsub node (TCP on 127.0.0.1) in one process, LAN timing profile, admission by invitation.',
      'Link: from handing the link (created beforehand with member 0\'s address signed in) to the joiner — `joinByLink`, which dials that address — to the joiner\'s first chat message.',
      'Invite by id: from member 0\'s `invite(joinerId)` — the joiner then dials member 0 and calls `join(id)` — to the joiner\'s first chat message.',
      'Member 1 sends the chat message as soon as it sees the joiner join (`member-joined`). Each joiner is a fresh key and node and leaves after its sample, so the group keeps its size; the kinds alternate, after one untimed warm-up of each.',
      `Samples per kind and size: ${SAMPLES}; the ratio compares medians (link / invite by id).`,
    ],
  })
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err)
    process.exit(1)
  },
)
