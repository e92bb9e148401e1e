// Issue 55 on real libp2p gossipsub (TCP on 127.0.0.1, every user on its own
// node in this process): in a group on the BLS plug-in, votes go to the
// aggregators on the `votes` subtopic. With `relayVotes: 'auto'` (the
// default) every member dials the contacts the aggregators announce and
// then stops relaying that subtopic, so a removal's votes reach the
// aggregators only; with `relayVotes: true` every member receives them all.
import { blsConsensusPlugin } from '@demls/bls'
import type { ConsensusSigner, EthereumSigner } from '@demls/consensus'
import { LAN_TIMING, User } from '@demls/session'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import { systemClock, toHex, topicFor } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { keyFor } from '../src/keys.js'

const N = 8
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function waitUntil(predicate: () => boolean, timeoutMs: number, label: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`${label}: not within ${timeoutMs} ms`)
    await sleep(20)
  }
}

interface Peer {
  user: User
  transport: GossipsubTransport
  /** Packets and bytes of the votes subtopic this peer's transport delivered (relayed or read). */
  votes: { packets: number; bytes: number }
}

/** The removal's view from the plain members: votes each received, and how each decided. */
interface Run {
  plainVotes: number[]
  plainVoteBytes: number[]
  aggregatorVotes: number
  proofsTaken: number[]
  fallbacks: number
  /** Plain members throughout, and how many of them are directly connected to every aggregator after the removal. */
  plain: number
  direct: number
  /** With 'auto', routes from plain members to an aggregator the group then removed (dialled by contact, not chain neighbours): still open, and in all. */
  formerOpen: number
  formerRoutes: number
}

describe('aggregator contacts on real gossipsub', () => {
  const started: Peer[] = []
  afterEach(async () => {
    await Promise.allSettled(started.map((p) => p.user.stop()))
    await Promise.allSettled(started.map((p) => p.transport.stop()))
    started.length = 0
  })

  /** N users in a chain (each dials only the previous one), a BLS group, one plain member removed by vote. */
  async function run(id: string, relayVotes: boolean | 'auto', keyBase: number): Promise<Run> {
    const peers: Peer[] = []
    for (let i = 0; i < N; i++) {
      // A chain: each peer knows only the one before it, so most members have no connection to an aggregator.
      const bootstrap = i === 0 ? [] : [peers[i - 1]!.transport.multiaddrs()[0]!.toString()]
      const transport = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap })
      const privateKey = keyFor(keyBase + i)
      const user = await User.create({
        privateKey,
        transport,
        clock: systemClock,
        config: LAN_TIMING,
        relayVotes,
        plugins: { consensus: (signer: ConsensusSigner) => blsConsensusPlugin(signer as EthereumSigner, { memberSecretKey: privateKey }) },
      })
      const peer: Peer = { user, transport, votes: { packets: 0, bytes: 0 } }
      transport.addEventListener('message', (e) => {
        if (e.detail.envelope.conversationId !== id || e.detail.envelope.subtopic !== 'votes') return
        peer.votes.packets++
        peer.votes.bytes += e.detail.envelope.payload.length
      })
      await waitUntil(() => transport.multiaddrs().length > 0, 10_000, 'listening')
      peers.push(peer)
      started.push(peer)
    }
    const conv = (p: Peer) => p.user.conversation(id)
    await peers[0]!.user.createConversation(id, { admission: 'open' })
    await Promise.all(peers.slice(1).map((p) => p.user.join(id, { timeoutMs: 120_000 })))
    const epochOf = (p: Peer) => conv(p)?.epoch()
    const settled = () => peers.every((p) => conv(p)?.state() === 'working' && conv(p)?.members().length === N && epochOf(p) === epochOf(peers[0]!))
    await waitUntil(settled, 120_000, `a group of ${N}`)
    const stewards = () => new Set(conv(peers[0]!)!.conversation.stewards().map(toHex))
    const isSteward = (p: Peer) => stewards().has(toHex(p.user.memberId))
    const votesTopic = topicFor(id, 'votes')
    if (relayVotes === 'auto') {
      // Every plain member dialled every aggregator and stopped relaying.
      await waitUntil(
        () => peers.filter((p) => !isSteward(p)).every((p) => !p.transport.getTopics().includes(votesTopic)),
        60_000,
        'plain members off the votes subtopic',
      )
    }
    const aggregators = peers.filter(isSteward)
    const plain = peers.filter((p) => !isSteward(p))
    expect(aggregators.length).toBeGreaterThan(0)
    const connected = (a: Peer, b: Peer) => a.transport.node!.getConnections(b.transport.peerId!).some((c) => c.status === 'open')
    const target = plain.at(-1)!
    const rest = peers.filter((p) => p !== target)
    for (const p of peers) p.votes = { packets: 0, bytes: 0 }
    const before = rest.map((p) => conv(p)!.conversation.aggregateStats())
    await conv(aggregators[0]!)!.removeMember(target.user.memberId)
    await waitUntil(() => rest.every((p) => conv(p)?.members().length === N - 1 && conv(p)?.state() === 'working'), 120_000, 'the removal')
    await sleep(500)
    const after = rest.map((p) => conv(p)!.conversation.aggregateStats())
    // Plain members throughout: an election during the removal may have made some of them aggregators.
    const remaining = plain.filter((p) => p !== target && !isSteward(p))
    // Directly connected to every aggregator of the list now: dialled by its contact with 'auto'; with relays, the chain leaves most members without.
    const direct = remaining.filter((p) => rest.filter(isSteward).every((a) => connected(p, a))).length
    const result: Run = {
      plainVotes: remaining.map((p) => p.votes.packets),
      plainVoteBytes: remaining.map((p) => p.votes.bytes),
      aggregatorVotes: aggregators.reduce((n, p) => n + p.votes.packets, 0),
      proofsTaken: remaining.map((p) => after[rest.indexOf(p)]!.proofsTaken - before[rest.indexOf(p)]!.proofsTaken),
      fallbacks: after.reduce((n, a, k) => n + a.fallbacks - before[k]!.fallbacks, 0),
      plain: remaining.length,
      direct,
      formerOpen: 0,
      formerRoutes: 0,
    }
    // With 'auto', the group then removes an aggregator: every plain member hangs up the route its contact dial opened
    // to it (a chain neighbour's connection is not one a contact opened).
    const neighbours = (a: Peer, b: Peer) => Math.abs(peers.indexOf(a) - peers.indexOf(b)) === 1
    if (relayVotes === 'auto') {
      const gone = rest.filter(isSteward).find((a) => a !== aggregators[0])!
      const left = rest.filter((p) => p !== gone)
      const routes = remaining.filter((p) => !neighbours(p, gone) && connected(p, gone)).map((p) => [p, gone] as const)
      expect(routes.length).toBeGreaterThan(0)
      await conv(aggregators[0]!)!.removeMember(gone.user.memberId)
      await waitUntil(() => left.every((p) => conv(p)?.members().length === N - 2 && conv(p)?.state() === 'working'), 120_000, 'the aggregator removed')
      await waitUntil(() => routes.every(([p, f]) => !connected(p, f)), 15_000, 'routes to the removed aggregator closed').catch(() => undefined)
      result.formerOpen = routes.filter(([p, f]) => connected(p, f)).length
      result.formerRoutes = routes.length
    }
    return result
  }

  it("relayVotes 'auto': plain members dial the aggregators and receive no vote; relayVotes true: they receive them all", async () => {
    const auto = await run('contacts-auto', 'auto', 10)
    console.log(`auto: votes at plain members ${auto.plainVotes.join(", ")} (${auto.plainVoteBytes.join(", ")} bytes), at the aggregators ${auto.aggregatorVotes}; proofs taken ${auto.proofsTaken.join(", ")}, fallbacks ${auto.fallbacks}; ${auto.direct} of ${auto.plain} plain members connected to every aggregator; ${auto.formerOpen} of ${auto.formerRoutes} routes to a removed aggregator still open`)
    expect(auto.direct).toBe(auto.plain)
    // Routes to an aggregator the group removed are hung up.
    expect(auto.formerOpen).toBe(0)
    expect(auto.plainVotes.every((n) => n === 0)).toBe(true)
    expect(auto.aggregatorVotes).toBeGreaterThan(0)
    // The removal (and the election that may follow it) decided from proofs.
    expect(auto.proofsTaken.every((n) => n >= 1)).toBe(true)
    expect(auto.fallbacks).toBe(0)
    await Promise.allSettled(started.map((p) => p.user.stop()))
    await Promise.allSettled(started.map((p) => p.transport.stop()))
    started.length = 0
    const relayed = await run('contacts-relay', true, 20)
    console.log(`relay: votes at plain members ${relayed.plainVotes.join(", ")} (${relayed.plainVoteBytes.join(", ")} bytes), at the aggregators ${relayed.aggregatorVotes}; proofs taken ${relayed.proofsTaken.join(", ")}, fallbacks ${relayed.fallbacks}; ${relayed.direct} of ${relayed.plain} plain members connected to every aggregator`)
    expect(relayed.direct).toBeLessThan(relayed.plain)
    // With relays every plain member receives the votes it does not read.
    expect(relayed.plainVotes.every((n) => n > 0)).toBe(true)
    expect(relayed.proofsTaken.every((n) => n >= 1)).toBe(true)
  }, 240_000)
})
