import { EthereumSigner } from '@demls/consensus'
import type { MemoryTransport } from '@demls/transport-memory'
import { KnockAnswerKind, decodeWelcomeChannelMessage, encodeWelcomeChannelMessage, topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type JoinProgress, KNOCKS_MAX, KNOCKS_MAX_BYTES, KNOCK_VERIFY_PER_SECOND, KnockRefusedError, type KnockOptions } from '../../src/index.js'
import { buildKnock, knockAnswerSigningPayload } from '../../src/join/knock.js'
import { signJoinBeacon } from '../../src/join/signing.js'
import { bootstrapInvited, conv, converged, eventsOf, hex, memberIdOf, outcomeOf, scenario, type Scenario, text } from './harness.js'

/** Users whose conversations default to admission by invitation (the library default). */
const INVITE = { config: { admission: 'invite' as const } }

/** Member `i` knocks on `id`, capturing its progress and outcome. */
function knocking(s: Scenario, i: number, id: string, options: KnockOptions = {}) {
  const progress: JoinProgress[] = []
  const { out } = outcomeOf(s.members[i]!.user.knock(id, { timeoutMs: 60_000, ...options, onProgress: (p) => progress.push(p) }))
  return Object.assign(out, { progress })
}

/** A transport on the network that is no user: it publishes what an outsider crafts, and records the welcome channel. */
async function outsider(s: Scenario, id: string, name = 'outsider') {
  const transport = s.net.createTransport(name) as MemoryTransport
  await transport.start()
  transport.subscribe(topicFor(id, 'welcome'))
  const heard: Uint8Array[] = []
  transport.addEventListener('message', (e) => heard.push(e.detail.envelope.payload))
  const publish = (payload: Uint8Array) => transport.publish({ conversationId: id, subtopic: 'welcome', payload }, { allowNoPeers: true })
  return { transport, heard, publish }
}

/** The knocks member `i` heard on the welcome channel of `id`, as a `knock` event each. */
const knockEvents = (s: Scenario, i: number) => eventsOf(s, i, 'knock')
const keyOf = (n: number) => {
  const k = new Uint8Array(32)
  k[0] = 0x51
  k[29] = (n >> 16) & 0xff
  k[30] = (n >> 8) & 0xff
  k[31] = (n & 0xff) + 1
  return k
}
const phases = (progress: JoinProgress[]) => [...new Set(progress.map((p) => p.phase))]

/**
 * Knock to join (issue 53 item 2): an outsider with no invitation asks the
 * members to let it in; any member lets it in (an invitation, then the
 * group's usual admission vote) or declines; the knocker learns which, or
 * that its knock expired.
 */
describe('knock to join', () => {
  it('knock → a member lets it in → the knocker joins through the usual admission and chats', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const bob = knocking(s, 3, 'room', { note: 'bob, a friend of m1' })
    await s.until(() => conv(s, 1, 'room').knocks().length === 1)
    const [seen] = knockEvents(s, 1)
    expect(seen).toMatchObject({ conversationId: 'room', note: 'bob, a friend of m1' })
    expect(hex(seen!.knocker)).toBe(hex(memberIdOf(3)))
    // Every member sees it; the knocker is waiting for one of them.
    await s.until(() => [0, 2].every((i) => conv(s, i, 'room').knocks().length === 1))
    expect(bob.done).toBe(false)
    expect(phases(bob.progress)).toEqual(['probing', 'beacon', 'knocking'])
    expect(await conv(s, 1, 'room').letIn(seen!.id)).toEqual(memberIdOf(3))
    await s.until(() => bob.done)
    expect(bob.error).toBeUndefined()
    expect(phases(bob.progress)).toEqual(expect.arrayContaining(['knocking', 'announcing', 'welcomed', 'ready']))
    // Told it was let in (m1's answer, or a steward's endorsement of it), or first acknowledged by the steward that opened its join.
    const letInBy = bob.progress.find((p) => p.phase === 'let-in')
    expect(letInBy !== undefined || phases(bob.progress).includes('acked')).toBe(true)
    if (letInBy !== undefined && 'member' in letInBy) expect([hex(memberIdOf(0)), hex(memberIdOf(1))]).toContain(hex(letInBy.member))
    await s.until(() => converged(s, 'room') && conv(s, 0, 'room').members().length === 4)
    // The other members closed the knock when m1 answered.
    for (const i of [0, 1, 2]) expect(conv(s, i, 'room').knocks()).toEqual([])
    expect(eventsOf(s, 0, 'knock-answered').map((e) => e.answer)).toEqual(['let-in'])
    await conv(s, 3, 'room').sendMessage(text('thanks for letting me in'))
    await s.until(() => eventsOf(s, 0, 'message').some((m) => new TextDecoder().decode(m.body) === 'thanks for letting me in'))
    await s.stop()
  }, 120_000)

  it('knock → a member declines → the knocker fails with KnockRefusedError knock-declined; nobody is added', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const bob = knocking(s, 3, 'room', { note: 'let me in?' })
    await s.until(() => conv(s, 2, 'room').knocks().length === 1)
    await conv(s, 2, 'room').decline(hex(memberIdOf(3)))
    await s.until(() => bob.done)
    expect(bob.error).toBeInstanceOf(KnockRefusedError)
    expect((bob.error as KnockRefusedError).reason).toBe('knock-declined')
    expect((bob.error as KnockRefusedError).code).toBe('KNOCK_REFUSED')
    // m2's answer, or the steward's that vouched for it (m2 answered none of bob's probes).
    expect([hex(memberIdOf(2)), hex(memberIdOf(0))]).toContain(hex((bob.error as KnockRefusedError).member!))
    await s.until(() => [0, 1].every((i) => conv(s, i, 'room').knocks().length === 0))
    await s.net.advance(5_000)
    expect(conv(s, 0, 'room').members().length).toBe(3)
    expect(s.members[3]!.user.conversation('room')).toBeUndefined()
    await s.stop()
  }, 120_000)

  it('a knock nobody answers expires: KnockRefusedError knock-expired, and the members forget it', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const bob = knocking(s, 3, 'room', { expiresInMs: 20_000 })
    await s.until(() => conv(s, 0, 'room').knocks().length === 1)
    const expiresAt = conv(s, 0, 'room').knocks()[0]!.expiresAt
    await s.until(() => bob.done)
    expect(bob.error).toBeInstanceOf(KnockRefusedError)
    expect((bob.error as KnockRefusedError).reason).toBe('knock-expired')
    expect(s.net.clock.now()).toBeGreaterThanOrEqual(expiresAt - 1)
    for (const i of [0, 1, 2]) expect(conv(s, i, 'room').knocks()).toEqual([])
    await s.stop()
  }, 120_000)

  it("a flood of 10,000 signed knocks from outsider identities: members stay within the book's bounds and the signature budget; an invited join during it is not delayed; an honest knock still gets through and is let in", async () => {
    const s = await scenario(5, INVITE)
    await bootstrapInvited(s, 'room', 3)
    await conv(s, 0, 'room').invite(memberIdOf(4))
    const flooder = await outsider(s, 'room', 'flooder')
    const kp = new Uint8Array(400).fill(7)
    const flood = Array.from({ length: 10_000 }, (_, i) => buildKnock(new EthereumSigner(keyOf(i)), 'room', kp, { note: `spam ${i}` }, s.net.clock.now()).payload)
    const start = s.net.clock.now()
    const desk = s.members[0]!.user.knockDesk('room')!
    let bob: ReturnType<typeof knocking> | undefined
    let invited: Promise<number> | undefined
    let maxHeld = 0
    let maxBytes = 0
    // 1,000 a second for 10 s; bob knocks in the middle of it.
    for (let tick = 0; tick < 100; tick++) {
      for (const p of flood.slice(tick * 100, tick * 100 + 100)) await flooder.publish(p)
      await s.net.advance(100)
      if (tick === 10) invited = s.members[4]!.user.join('room').then(() => s.net.clock.now() - start)
      if (tick === 50) bob = knocking(s, 3, 'room', { note: 'honest bob' })
      for (const i of [0, 1, 2]) {
        const d = s.members[i]!.user.knockDesk('room')!
        maxHeld = Math.max(maxHeld, d.book.size)
        maxBytes = Math.max(maxBytes, d.book.bytes)
      }
    }
    expect(maxHeld).toBeLessThanOrEqual(KNOCKS_MAX)
    expect(maxBytes).toBeLessThanOrEqual(KNOCKS_MAX_BYTES)
    // Signatures checked (listed or refused): at most the budget per second of the flood, plus one burst.
    const elapsedS = (s.net.clock.now() - start) / 1000
    const checked = knockEvents(s, 0).length + desk.book.drops['bad-signature']
    expect(checked).toBeLessThanOrEqual(KNOCK_VERIFY_PER_SECOND * (elapsedS + 1))
    expect(desk.book.drops.budget).toBeGreaterThan(9_000)
    // The invited joiner (announced at 1 s into the flood) was in well before it ended: knocks draw on their own budget.
    expect(await invited).toBeLessThan(10_000)
    // Within a few re-sends after the flood, bob's knock is listed, and m0 lets him in.
    await s.until(() => conv(s, 0, 'room').knocks().some((k) => hex(k.knocker) === hex(memberIdOf(3))), 10_000)
    expect(s.net.clock.now() - start).toBeLessThan(10_000 + 10_000)
    await conv(s, 0, 'room').letIn(hex(memberIdOf(3)))
    await s.until(() => bob!.done)
    expect(bob!.error).toBeUndefined()
    await s.until(() => converged(s, 'room') && conv(s, 0, 'room').members().length === 5)
    await s.stop()
  }, 300_000)

  it('a forged knock (a member of the outside world signing as another) is dropped; no knock event', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const mallory = await outsider(s, 'room')
    const real = decodeWelcomeChannelMessage(buildKnock(new EthereumSigner(keyOf(1)), 'room', new Uint8Array(64), { note: 'hi' }, s.net.clock.now()).payload).demlsKnock!
    // Signed by keyOf(1), claiming to be m3.
    await mallory.publish(encodeWelcomeChannelMessage({ demlsKnock: { ...real, knocker: memberIdOf(3) } }))
    await s.net.advance(500)
    for (const i of [0, 1, 2]) {
      expect(conv(s, i, 'room').knocks()).toEqual([])
      expect(conv(s, i, 'room').knockDrops()['bad-signature']).toBe(1)
    }
    expect(knockEvents(s, 0)).toEqual([])
    await s.stop()
  }, 120_000)

  it("an outsider's decline ends nothing: the members keep the knock, the knocker keeps knocking, and is let in later", async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const mallory = await outsider(s, 'room')
    const malloryKey = new EthereumSigner(keyOf(77))
    const bob = knocking(s, 3, 'room')
    await s.until(() => conv(s, 0, 'room').knocks().length === 1)
    const { id } = conv(s, 0, 'room').knocks()[0]!
    const unsigned = {
      conversationId: 'room',
      knockId: Buffer.from(id, 'hex'),
      knocker: memberIdOf(3),
      answer: KnockAnswerKind.KNOCK_ANSWER_DECLINED,
      member: malloryKey.identity,
      signedAtMs: BigInt(s.net.clock.now()),
    }
    await mallory.publish(encodeWelcomeChannelMessage({ demlsKnockAnswer: { ...unsigned, signature: malloryKey.sign(knockAnswerSigningPayload(unsigned)) } }))
    // And one that claims to be m1's, signed by mallory.
    await mallory.publish(
      encodeWelcomeChannelMessage({ demlsKnockAnswer: { ...unsigned, member: memberIdOf(1), signature: malloryKey.sign(knockAnswerSigningPayload({ ...unsigned, member: memberIdOf(1) })) } }),
    )
    await s.net.advance(5_000)
    expect(bob.done).toBe(false)
    for (const i of [0, 1, 2]) {
      expect(conv(s, i, 'room').knocks().map((k) => k.id)).toEqual([id])
      expect(conv(s, i, 'room').knockDrops()).toMatchObject({ 'not-member': 1, 'bad-signature': 1 })
    }
    await conv(s, 2, 'room').letIn(id)
    await s.until(() => bob.done)
    expect(bob.error).toBeUndefined()
    await s.stop()
  }, 120_000)

  it('a knocker that trusts a member (trustedMembers) ignores an outsider that answers its probes and declines; a member lets it in', async () => {
    const s = await scenario(4, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const mallory = await outsider(s, 'room')
    const malloryKey = new EthereumSigner(keyOf(99))
    // Mallory answers every probe on the channel with her own beacon, at once.
    let beacons = 0
    mallory.transport.addEventListener('message', (e) => {
      const probe = decodeWelcomeChannelMessage(e.detail.envelope.payload).joinProbe
      if (probe === undefined) return
      beacons++
      const joinBeacon = signJoinBeacon(malloryKey, { conversationId: 'room', epoch: 99n, nonce: probe.nonce, memberCount: 1, signedAtMs: s.net.clock.now() })
      void mallory.publish(encodeWelcomeChannelMessage({ joinBeacon }))
    })
    const bob = knocking(s, 3, 'room', { trustedMembers: [memberIdOf(0)] })
    await s.until(() => conv(s, 0, 'room').knocks().length === 1)
    expect(beacons).toBeGreaterThan(0)
    const { id } = conv(s, 0, 'room').knocks()[0]!
    const unsigned = { conversationId: 'room', knockId: Buffer.from(id, 'hex'), knocker: memberIdOf(3), answer: KnockAnswerKind.KNOCK_ANSWER_DECLINED, member: malloryKey.identity, signedAtMs: BigInt(s.net.clock.now()) }
    await mallory.publish(encodeWelcomeChannelMessage({ demlsKnockAnswer: { ...unsigned, signature: malloryKey.sign(knockAnswerSigningPayload(unsigned)) } }))
    await s.net.advance(5_000)
    expect(bob.done).toBe(false)
    // m1 (not trusted by bob) lets him in; m0, the steward bob trusts, vouches for the answer (or opens his join).
    await conv(s, 1, 'room').letIn(id)
    await s.until(() => bob.done)
    expect(bob.error).toBeUndefined()
    await s.until(() => converged(s, 'room') && conv(s, 0, 'room').members().length === 4)
    await s.stop()
  }, 120_000)

  it('a replayed knock is ignored: after a decline (answered), and after the knocker joined (a member)', async () => {
    const s = await scenario(5, INVITE)
    await bootstrapInvited(s, 'room', 3)
    const mallory = await outsider(s, 'room')
    const bob = knocking(s, 3, 'room')
    await s.until(() => conv(s, 0, 'room').knocks().length === 1)
    await s.net.advance(200)
    const captured = mallory.heard.filter((p) => decodeWelcomeChannelMessage(p).demlsKnock !== undefined)
    expect(captured.length).toBeGreaterThan(0)
    await conv(s, 0, 'room').decline(conv(s, 0, 'room').knocks()[0]!.id)
    await s.until(() => bob.done)
    await s.net.advance(1_000)
    await mallory.publish(captured[0]!)
    await s.net.advance(1_000)
    for (const i of [0, 1, 2]) {
      expect(conv(s, i, 'room').knocks()).toEqual([])
      expect(conv(s, i, 'room').knockDrops().answered).toBeGreaterThanOrEqual(1)
    }
    expect(knockEvents(s, 1).length).toBe(1)
    // carol knocks and is let in; her knock replayed afterwards names a member.
    const carol = knocking(s, 4, 'room')
    await s.until(() => conv(s, 1, 'room').knocks().length === 1)
    await s.net.advance(200)
    const carolKnock = mallory.heard.filter((p) => decodeWelcomeChannelMessage(p).demlsKnock?.knocker.length && hex(decodeWelcomeChannelMessage(p).demlsKnock!.knocker) === hex(memberIdOf(4)))
    await conv(s, 1, 'room').letIn(hex(memberIdOf(4)))
    await s.until(() => carol.done && converged(s, 'room', [0, 1, 2, 4]) && conv(s, 0, 'room').members().length === 4)
    expect(carol.error).toBeUndefined()
    await mallory.publish(carolKnock[0]!)
    await s.net.advance(1_000)
    expect(conv(s, 0, 'room').knocks()).toEqual([])
    expect(conv(s, 0, 'room').knockDrops().member).toBeGreaterThanOrEqual(1)
    await s.stop()
  }, 120_000)
})
