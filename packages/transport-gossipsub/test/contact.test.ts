import { collect } from '@demls-dev/transport-compliance'
import { MAX_CONTACT_BYTES, type OutboundPacket, topicFor } from '@demls/wire'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { MAX_CONTACT_ADDRESSES, decodeContact, encodeContact } from '../src/transport/contact.js'
import { Nodes, sleep, waitUntil } from './helpers.js'

// Issue 55: a member's vote reaches an aggregator in one hop once the member dialled the aggregator's contact.
const conversationId = 'contact'
const votes = topicFor(conversationId, 'votes')
const vote = (i: number): OutboundPacket => ({ conversationId, subtopic: 'votes', payload: Uint8Array.of(i) })
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff)
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))

describe('transport contacts (contact / dialContact)', () => {
  const nodes = new Nodes(undefined, { dialTimeoutMs: 2_000 })
  afterEach(() => nodes.stopAll())

  it('a member that does not subscribe to the votes topic reaches the aggregator directly once it dialled its contact, and no one else receives the vote', async () => {
    const [aggregator] = await nodes.create(1)
    // The member and a bystander know each other, not the aggregator.
    const [member, bystander] = await nodes.create(2)
    const atAggregator = collect(aggregator!)
    const atBystander = collect(bystander!)
    aggregator!.subscribe(votes)
    bystander!.subscribe(topicFor(conversationId, 'app'))
    await sleep(300)
    // Not connected to any subscriber of the topic: nowhere to publish.
    await expect(member!.publish(vote(1))).rejects.toMatchObject({ name: 'NoPeersError' })
    const contact = aggregator!.contact()
    expect(contact).toBeInstanceOf(Uint8Array)
    expect(contact!.length).toBeLessThanOrEqual(MAX_CONTACT_BYTES)
    expect(decodeContact(contact!)?.peerId).toBe(aggregator!.peerId!.toString())
    expect(await member!.dialContact(contact!)).toBe(true)
    // Once the aggregator's subscription reached us, the vote goes to it in one hop.
    await waitUntil(() => member!.node!.services.pubsub.getSubscribers(votes).length === 1)
    await expect(member!.publish(vote(2))).resolves.toMatchObject({ recipients: 1 })
    await waitUntil(() => atAggregator.messages.length === 1)
    expect([...atAggregator.messages[0]!.envelope.payload]).toEqual([2])
    // Dialled again while connected: true, no new connection.
    const before = member!.node!.getConnections().length
    expect(await member!.dialContact(contact!)).toBe(true)
    expect(member!.node!.getConnections().length).toBe(before)
    await sleep(200)
    expect(atBystander.messages).toHaveLength(0)
  })

  it('refuses a contact that is empty, oversized, of another version, truncated, malformed, naming two peers or our own, without dialling', async () => {
    const [a, b] = await nodes.create(2, { started: false })
    await a!.start()
    await b!.start()
    const good = b!.contact()!
    const own = a!.contact()!
    const first = decodeContact(good)!.addrs[0]!.bytes
    const other = decodeContact(own)!.addrs[0]!.bytes
    const bad: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['oversized', concat(good, new Uint8Array(MAX_CONTACT_BYTES + 1 - good.length))],
      ['another version', concat(Uint8Array.of(2), good.subarray(1))],
      ['truncated', good.subarray(0, good.length - 1)],
      ['a zero-length address', concat(Uint8Array.of(1), u16(0))],
      ['not a multiaddr', concat(Uint8Array.of(1), u16(4), Uint8Array.of(0xff, 0xff, 0xff, 0xff))],
      ['an address without a peer id', concat(Uint8Array.of(1), u16(multiaddr('/ip4/127.0.0.1/tcp/1').bytes.length), multiaddr('/ip4/127.0.0.1/tcp/1').bytes)],
      ['two peers', concat(Uint8Array.of(1), u16(first.length), first, u16(other.length), other)],
      ['our own', own],
    ]
    for (const [why, contact] of bad) if (why !== 'our own') expect(decodeContact(contact), why).toBeUndefined()
    for (const [why, contact] of bad) expect(await a!.dialContact(contact), why).toBe(false)
    expect(a!.node!.getConnections()).toHaveLength(0)
    // More addresses than a contact holds.
    const many = concat(Uint8Array.of(1), ...Array.from({ length: MAX_CONTACT_ADDRESSES + 1 }, () => concat(u16(first.length), first)))
    expect(many.length).toBeLessThanOrEqual(MAX_CONTACT_BYTES)
    expect(decodeContact(many)).toBeUndefined()
    // The good one connects.
    expect(await a!.dialContact(good)).toBe(true)
  })

  it('our own contact is refused as "our own" (not as malformed), and a stopped transport gives none and dials none', async () => {
    const [a, b] = await nodes.create(2, { started: false })
    expect(a!.contact()).toBeUndefined()
    await b!.start()
    expect(await a!.dialContact(b!.contact()!)).toBe(false)
    await a!.start()
    expect(decodeContact(a!.contact()!)).toBeDefined()
    expect(await a!.dialContact(a!.contact()!)).toBe(false)
  })

  it('a peer that is gone: false within the dial timeout; an aborted dial rejects with AbortError', async () => {
    const [a, b] = await nodes.create(2, { started: false })
    await a!.start()
    await b!.start()
    const contact = b!.contact()!
    await b!.stop()
    const t0 = Date.now()
    expect(await a!.dialContact(contact)).toBe(false)
    expect(Date.now() - t0).toBeLessThan(5_000)
    const controller = new AbortController()
    controller.abort()
    await expect(a!.dialContact(contact, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  it('releaseContact closes the connection a contact dial opened, only once no contact dialled to that peer is held, and never one we had before', async () => {
    const [a, b, c] = await nodes.create(3, { started: false })
    for (const t of [a, b, c]) await t!.start()
    const connected = (from: typeof a, to: typeof a) => from!.node!.getConnections(to!.node!.peerId).some((x) => x.status === 'open')
    // Two contacts of b (the second with one address fewer: the same peer, other bytes).
    const full = b!.contact()!
    const decoded = decodeContact(full)!
    const trimmed = encodeContact(decoded.addrs.slice(0, 1), decoded.peerId)!
    expect(trimmed).not.toEqual(full)
    expect(await a!.dialContact(full)).toBe(true)
    expect(await a!.dialContact(trimmed)).toBe(true)
    await a!.releaseContact(full)
    expect(connected(a, b)).toBe(true) // the other contact still holds it
    await a!.releaseContact(trimmed)
    await waitUntil(() => !connected(a, b), 5_000, 'the contact connection closed')
    // Released twice, or unknown, or malformed: nothing happens.
    await a!.releaseContact(trimmed)
    await a!.releaseContact(new Uint8Array([9, 9, 9]))
    // A peer we dialled ourselves before its contact: a and c are connected by dial(); the contact dial adds nothing to close.
    await a!.dial(c!.multiaddrs()[0]!)
    expect(await a!.dialContact(c!.contact()!)).toBe(true)
    await a!.releaseContact(c!.contact()!)
    await sleep(300)
    expect(connected(a, c)).toBe(true)
    // A contact connection that dropped and came back by other means is not closed by a late release.
    expect(await a!.dialContact(full)).toBe(true)
    await a!.node!.hangUp(b!.node!.peerId)
    await waitUntil(() => !connected(a, b), 5_000, 'hung up')
    await b!.dial(a!.multiaddrs()[0]!)
    await waitUntil(() => connected(a, b), 5_000, 'b dialled a')
    await a!.releaseContact(full)
    await sleep(300)
    expect(connected(a, b)).toBe(true)
  })

  it('encodes as many addresses as fit, each with our peer id, and skips addresses of another peer', () => {
    const peer = '12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp'
    const otherPeer = '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDMp4F9iSwYntZ9WjHa'
    const addrs = [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr(`/ip4/127.0.0.1/tcp/4002/p2p/${otherPeer}`), multiaddr(`/ip4/10.0.0.1/tcp/4003/p2p/${peer}`)]
    const decoded = decodeContact(encodeContact(addrs, peer)!)!
    expect(decoded.peerId).toBe(peer)
    expect(decoded.addrs.map((a) => a.toString())).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${peer}`, `/ip4/10.0.0.1/tcp/4003/p2p/${peer}`])
    const lots = Array.from({ length: 40 }, (_, i) => multiaddr(`/ip4/127.0.0.1/tcp/${4000 + i}`))
    const capped = encodeContact(lots, peer)!
    expect(capped.length).toBeLessThanOrEqual(MAX_CONTACT_BYTES)
    expect(decodeContact(capped)!.addrs).toHaveLength(MAX_CONTACT_ADDRESSES)
    expect(encodeContact([], peer)).toBeUndefined()
  })
})
