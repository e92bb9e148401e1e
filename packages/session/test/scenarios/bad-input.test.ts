import { EthereumSigner, buildVote } from '@demls/consensus'
import type { MlsService } from '@demls/mls'
import { type InboundPacket, type Proposal, decodeAppMessage, encodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type ConversationEvent, defaultPlugins } from '../../src/index.js'
import { bootstrap, conv, eventsOf, keyFor, memberIdOf, scenario, text } from './harness.js'

/** Alice's MLS group is captured so the test can act as a malicious member. */
async function setup() {
  let aliceMls: MlsService | undefined
  const defaults = await defaultPlugins(keyFor(0))
  const alice = {
    ...defaults,
    createMls: async (id: string, now: number) => {
      aliceMls = await defaults.createMls(id, now)
      return aliceMls
    },
  }
  const s = await scenario(3, { plugins: (i) => (i === 0 ? alice : {}) })
  const seen: InboundPacket[] = []
  s.members[1]!.user.transport.addEventListener('message', (e) => seen.push(e.detail))
  await bootstrap(s, 'bad', 2)
  return { s, alice: () => aliceMls!, seen }
}

/** Deliver `payload` straight to bob's conversation; return the events it produced. */
async function deliver(s: Awaited<ReturnType<typeof setup>>['s'], subtopic: 'app' | 'welcome', payload: Uint8Array) {
  const bob = conv(s, 1, 'bad').conversation
  const before = s.members[1]!.events.length
  await bob.receive({ subtopic, payload }, s.net.clock.now())
  // The User flushes on its own traffic only; drain what this call produced.
  const produced: ConversationEvent[] = bob.drainEvents()
  expect(bob.drainOutbound()).toHaveLength(0)
  void before
  return produced
}

async function stillWorks(s: Awaited<ReturnType<typeof setup>>['s'], tag: string) {
  await conv(s, 0, 'bad').sendMessage(text(tag))
  await s.until(() => eventsOf(s, 1, 'message').some((e) => new TextDecoder().decode(e.body) === tag))
}

const dropped = (events: ConversationEvent[]) =>
  events.filter((e): e is Extract<ConversationEvent, { type: 'dropped' }> => e.type === 'dropped')

describe('bad input at every entry point is dropped with a typed reason, and the group keeps working', () => {
  it('undecodable bytes on both channels', async () => {
    const { s } = await setup()
    expect(dropped(await deliver(s, 'app', new Uint8Array([0xff, 0xff, 0xff])))[0]?.reason).toBe('undecodable')
    expect(dropped(await deliver(s, 'app', new Uint8Array([0x00, 0x01, 0x02, 0x03])))[0]?.reason).toBe('decrypt-failed')
    expect(dropped(await deliver(s, 'welcome', new Uint8Array([0xff, 0xff])))[0]?.reason).toBe('undecodable')
    expect(dropped(await deliver(s, 'app', encodeAppMessage({ vote: {} })))[0]?.reason).toBe('unexpected-plaintext')
    await stillWorks(s, 'after garbage')
    await s.stop()
  })

  it('a commit candidate for another conversation', async () => {
    const { s, seen } = await setup()
    const candidate = seen.map((p) => p.envelope.payload).find((p) => p[0] !== 0 && decodeAppMessage(p).commitCandidate)
    const c = decodeAppMessage(candidate!).commitCandidate!
    const other = encodeAppMessage({ commitCandidate: { ...c, conversationId: new TextEncoder().encode('other') } })
    const d = dropped(await deliver(s, 'app', other))
    expect(d[0]).toMatchObject({ reason: 'candidate', detail: 'wrong-conversation' })
    // The candidate that admitted bob, replayed: a commit from an epoch bob never had.
    // (Counted: a stale candidate was already reported in this epoch, so the repeat is not emitted again.)
    const bob = conv(s, 1, 'bad').conversation
    const before = bob.dropCounts().candidate ?? 0
    const staleDrops = dropped(await deliver(s, 'app', candidate!))
    expect(bob.dropCounts().candidate).toBe(before + 1)
    for (const d of staleDrops) expect(d).toMatchObject({ reason: 'candidate', detail: 'stale-epoch' })
    // Alice committed it herself: to her it is already committed.
    const aliceConv = conv(s, 0, 'bad').conversation
    await aliceConv.receive({ subtopic: 'app', payload: candidate! }, s.net.clock.now())
    const aliceDrops = aliceConv.drainEvents().filter((e) => e.type === 'dropped')
    expect(aliceDrops[0]).toMatchObject({ reason: 'candidate', detail: 'already-committed' })
    await stillWorks(s, 'after candidates')
    await s.stop()
  })

  it('a vote whose owner is not a member, relayed by a member', async () => {
    const { s, alice } = await setup()
    const id = await conv(s, 0, 'bad').removeMember(memberIdOf(1))
    await s.until(() => eventsOf(s, 1, 'vote-requested').some((e) => e.proposalId === id))
    // Carol (not a member) signs a YES; alice relays it under her MLS identity.
    const carol = new EthereumSigner(keyFor(2))
    const p: Proposal = {
      name: '',
      payload: new Uint8Array(0),
      proposalId: id!,
      proposalOwner: memberIdOf(0),
      votes: [],
      expectedVotersCount: 2,
      round: 1,
      timestamp: BigInt(Math.floor(s.net.clock.now() / 1000)),
      expirationTimestamp: BigInt(Math.floor(s.net.clock.now() / 1000) + 60),
      livenessCriteriaYes: true,
    }
    const vote = buildVote({ proposal: p, choice: true, signer: carol, now: s.net.clock.now() })
    const forged = await alice().encrypt(encodeAppMessage({ vote }))
    expect(dropped(await deliver(s, 'app', forged))[0]?.reason).toBe('unauthorized')
    await stillWorks(s, 'after forged vote')
    await s.stop()
  })

  it('a replayed proposal ciphertext is refused by MLS as a replay', async () => {
    const { s, alice, seen } = await setup()
    const from = seen.length
    await conv(s, 0, 'bad').removeMember(memberIdOf(1))
    await s.until(() => seen.slice(from).some((p) => p.envelope.payload[0] === 0))
    const ciphertext = seen.slice(from).find((p) => p.envelope.payload[0] === 0)!.envelope.payload
    const d = dropped(await deliver(s, 'app', ciphertext))
    expect(d[0]?.reason).toBe('decrypt-failed')
    expect(d[0]?.error?.name).toBe('ReplayError')
    void alice
    await stillWorks(s, 'after replay')
    await s.stop()
  })

  it('MLS ciphertext from an old epoch', async () => {
    const { s, seen } = await setup()
    await conv(s, 0, 'bad').sendMessage(text('epoch 1'))
    await s.until(() => eventsOf(s, 1, 'message').length === 1)
    const old = seen.filter((p) => p.envelope.payload[0] === 0).at(-1)!.envelope.payload
    // Move to the next epoch: charlie joins.
    const joining = s.members[2]!.user.join('bad')
    await s.until(() => s.members[2]!.user.conversation('bad') !== undefined)
    await joining
    await s.until(() => conv(s, 1, 'bad').epoch() === 2n)
    const d = dropped(await deliver(s, 'app', old))
    expect(['wrong-epoch', 'decrypt-failed']).toContain(d[0]?.reason)
    await stillWorks(s, 'after old epoch')
    await s.stop()
  })
})
