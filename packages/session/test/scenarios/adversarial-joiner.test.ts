import { EthereumSigner, ethereumAddress } from '@demls/consensus'
import { IdentityBindingError, InvalidWelcomeError, createMlsClient } from '@demls/mls'
import type { MemoryTransport } from '@demls/transport-memory'
import {
  type MemberWelcome,
  type WelcomeChannelMessage,
  decodeAppMessage,
  decodeWelcomeChannelMessage,
  encodeAppMessage,
  encodeWelcomeChannelMessage,
  topicFor,
} from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  Conversation,
  FAST_TIMING,
  ForeignWelcomeError,
  type JoinProgress,
  type JoinWelcomeDroppedProgress,
  RejectedError,
  defaultPlugins,
  signJoinBeacon,
  signJoinStatus,
} from '../../src/index.js'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'
import { JoinStatusKind } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'

/**
 * Hostile peers against a joiner (issue "Hostile peers cannot stall, flood
 * or capture", section "Joiners"). Each test fails without the rule it pins:
 * see docs/security.md, "Joiners".
 */

const OUTSIDER_KEY = new Uint8Array(32).fill(0x42)
const OUTSIDER = ethereumAddress(OUTSIDER_KEY)
const outsiderSigner = new EthereumSigner(OUTSIDER_KEY)
const GARBAGE = new Uint8Array([1, 2, 3])

const dropped = (progress: JoinProgress[]) =>
  progress.filter((p): p is JoinWelcomeDroppedProgress => p.phase === 'welcome-dropped')

/** A raw peer on both channels of one conversation, outside the group. */
async function outsider(s: Scenario, name: string, conversationId: string) {
  const t = s.net.createTransport(name) as MemoryTransport
  await t.start()
  t.subscribe(topicFor(conversationId, 'welcome'))
  t.subscribe(topicFor(conversationId, 'app'))
  const listeners: ((m: WelcomeChannelMessage) => void)[] = []
  const appListeners: ((payload: Uint8Array) => void)[] = []
  t.addEventListener('message', (e) => {
    const { subtopic, payload } = e.detail.envelope
    if (subtopic === 'welcome') {
      const m = decodeWelcomeChannelMessage(payload)
      for (const l of listeners) l(m)
    } else for (const l of appListeners) l(payload)
  })
  const publish = (subtopic: 'app' | 'welcome' | 'votes', payload: Uint8Array) =>
    void t.publish({ conversationId, subtopic, payload }, { allowNoPeers: true })
  return {
    t,
    publish,
    onWelcomeChannel: (l: (m: WelcomeChannelMessage) => void) => listeners.push(l),
    onApp: (l: (payload: Uint8Array) => void) => appListeners.push(l),
  }
}

/**
 * An outsider that runs its own one-member group under the same
 * conversation id (a real `Conversation`, so its Welcome and sync are
 * valid), adds every key package announced on the welcome channel and
 * publishes what its group sends (its Welcome on both channels). With
 * `answerProbes`, it also answers probes with its own signed beacon.
 */
async function fakeGroup(s: Scenario, conversationId: string, answerProbes: boolean, forgeLeaf?: Uint8Array, groupId = conversationId) {
  const raw = await outsider(s, 'outsider', conversationId)
  // The outsider skips the identity-binding checks (it would refuse its own forged leaf otherwise).
  const plugins = await defaultPlugins(OUTSIDER_KEY, { requireIdentityBinding: false })
  const clock = s.net.clock
  // Admission 'open': the outsider's group admits every announced key package.
  const c = await Conversation.create({ conversationId: groupId, plugins, config: { ...FAST_TIMING, admission: 'open' }, now: clock.now() })
  const welcomes: MemberWelcome[] = []
  let chain: Promise<void> = Promise.resolve()
  const flush = () => {
    for (const o of c.drainOutbound()) {
      if (o.subtopic === 'welcome') {
        const w = decodeWelcomeChannelMessage(o.payload).welcome
        if (w !== undefined) welcomes.push(w)
      }
      raw.publish(o.subtopic, o.payload)
    }
    c.drainEvents()
  }
  // Registered with the virtual clock, like a User's work: otherwise time runs on while the outsider
  // still builds its commit (under load, past every deadline of the test) and its Welcome comes late or never.
  const step = (work: () => Promise<void>) => {
    chain = chain.then(work).then(flush, () => undefined)
    clock.track(chain)
  }
  // A leaf claiming someone else's member id, without the binding only that member's key can sign,
  // added in the same commit as the joiner (as a member it would have to vote, and never would).
  let forged: Uint8Array | undefined
  if (forgeLeaf !== undefined) {
    const forger = await createMlsClient({ memberId: forgeLeaf })
    forged = encodeWelcomeChannelMessage({
      keyPackage: { keyPackageBytes: await forger.generateKeyPackage({ nowMs: clock.now() }), memberId: forgeLeaf },
    })
  }
  raw.onWelcomeChannel((m) => {
    if (m.keyPackage === undefined && !(answerProbes && m.joinProbe !== undefined)) return
    const payload = encodeWelcomeChannelMessage(m)
    if (m.keyPackage !== undefined && forged !== undefined) {
      const leaf = forged
      forged = undefined
      step(() => c.receive({ subtopic: 'welcome', payload: leaf }, clock.now()))
    }
    step(() => c.receive({ subtopic: 'welcome', payload }, clock.now()))
  })
  let stopped = false
  const tick = () => {
    if (stopped) return
    step(() => c.poll(clock.now()))
    clock.setTimer(tick, 50)
  }
  tick()
  return {
    welcomes,
    conversation: c,
    stop: () => {
      stopped = true
    },
  }
}

describe('adversarial joiner: garbage Welcomes', () => {
  for (const trusted of [false, true]) {
    it(`a 3-byte garbage Welcome from anyone is dropped with a welcome-dropped event and the join succeeds${trusted ? ' (with trustedMembers)' : ''}`, async () => {
      const s = await scenario(2)
      await s.members[0]!.user.createConversation('garbage')
      const evil = await outsider(s, 'evil', 'garbage')
      let sent = 0
      // As soon as the joiner announces, garbage on both channels (before the real Welcome).
      evil.onWelcomeChannel((m) => {
        if (m.keyPackage === undefined || sent > 0) return
        sent++
        evil.publish('welcome', encodeWelcomeChannelMessage({ welcome: { welcomeBytes: GARBAGE, conversationSyncBytes: GARBAGE, joinerIdentities: [m.keyPackage.memberId] } }))
        evil.publish('app', encodeAppMessage({ memberWelcome: { welcomeBytes: new Uint8Array([0x00, 0x01, 0x00, 0x03]), conversationSyncBytes: GARBAGE, joinerIdentities: [] } }))
      })
      const j = joining(s, 1, 'garbage', { timeoutMs: 60_000, ...(trusted ? { trustedMembers: [memberIdOf(0)] } : {}) })
      await s.until(() => j.out.done)
      expect(sent).toBe(1)
      expect(j.out.error).toBeUndefined()
      const drops = dropped(j.progress)
      expect(drops.length).toBe(2)
      for (const d of drops) {
        expect(d.reason).toBe('invalid')
        expect(d.error.name).toBe('MlsDecodeError')
      }
      expect(j.progress.at(-1)?.phase).toBe('ready')
      await s.until(() => converged(s, 'garbage'))
      expect(conv(s, 1, 'garbage').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
      await s.stop()
    })
  }
})

describe('adversarial joiner: a fake group under the same conversation id', () => {
  // The real group commits slower than the outsider, so the outsider's Welcome arrives first.
  const SLOW = { commitBatchWindowMs: 1_500, freezeDurationMs: 2_000 }

  it('an outsider that adds the announced key package and sends its Welcome first does not capture the joiner: it joins the group whose member answered its probe', async () => {
    const s = await scenario(2, { config: SLOW })
    await s.members[0]!.user.createConversation('capture')
    const fake = await fakeGroup(s, 'capture', false)
    const j = joining(s, 1, 'capture', { timeoutMs: 60_000 })
    await s.until(() => j.out.done)
    fake.stop()
    // Not captured: the same key package opened the real Welcome.
    expect(j.out.error).toBeUndefined()
    expect(conv(s, 1, 'capture').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    // The fake Welcome came first and was refused (without trustedMembers: the beacon signer is not in that group).
    expect(fake.welcomes.length).toBeGreaterThanOrEqual(1)
    const drops = dropped(j.progress)
    expect(drops.length).toBeGreaterThanOrEqual(1)
    expect(drops[0]!.reason).toBe('foreign')
    expect(drops[0]!.error).toBeInstanceOf(ForeignWelcomeError)
    expect((drops[0]!.error as ForeignWelcomeError).reason).toBe('not-answered')
    expect((drops[0]!.error as ForeignWelcomeError).members.map(hex).sort()).toEqual([OUTSIDER, memberIdOf(1)].map(hex).sort())
    // …and the same key package still opened the real Welcome.
    expect(j.out.error).toBeUndefined()
    const members = conv(s, 1, 'capture').members().map(hex).sort()
    expect(members).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    expect(members).not.toContain(hex(OUTSIDER))
    await s.until(() => converged(s, 'capture'))
    await s.stop()
  })

  it("a Welcome into another conversation's group, published on ours, is refused", async () => {
    // A joiner that does not require identity bindings (as with reference peers): the forged leaf is not what gives it away.
    const s = await scenario(2, { config: SLOW, plugins: (i) => (i === 1 ? { requireIdentityBinding: false } : {}) })
    await s.members[0]!.user.createConversation('here')
    // Its group even holds a leaf claiming the answering member's id: only the group id gives it away.
    const fake = await fakeGroup(s, 'here', false, memberIdOf(0), 'elsewhere')
    const j = joining(s, 1, 'here', { timeoutMs: 60_000 })
    await s.until(() => j.out.done)
    fake.stop()
    expect(j.out.error).toBeUndefined()
    expect(conv(s, 1, 'here').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    expect(fake.welcomes.length).toBeGreaterThanOrEqual(1)
    const drops = dropped(j.progress)
    expect(drops.length).toBeGreaterThanOrEqual(1)
    expect((drops[0]!.error as ForeignWelcomeError).reason).toBe('other-conversation')
    expect(s.members[1]!.user.conversation('elsewhere')).toBeUndefined()
    await s.stop()
  })

  it('while probing, a Welcome that comes before any beacon waits for one, then is checked against its signer', async () => {
    const s = await scenario(2, { config: SLOW })
    const alice = await s.members[0]!.user.createConversation('early')
    const kp = await s.members[1]!.user.keyPackage()
    const fake = await fakeGroup(s, 'early', false)
    const tapper = await outsider(s, 'tapper', 'early')
    // The real member is out of reach: no beacon yet. The outsider gets the out-of-band key package and sends its Welcome.
    s.net.partition([s.members[0]!.name])
    const j = joining(s, 1, 'early', { announce: false, probe: true, timeoutMs: 60_000 })
    tapper.publish('welcome', encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: kp, memberId: memberIdOf(1) } }))
    await s.until(() => fake.welcomes.length > 0)
    // (Its group's own ACKED/ADMITTED statuses count too: false progress, see the trust limits.)
    const t0 = s.net.clock.now()
    await s.until(() => s.net.clock.now() >= t0 + 5_000)
    expect(j.out.done).toBe(false)
    expect(dropped(j.progress)).toHaveLength(0)
    // The member comes back: its beacon arrives, the held Welcome is checked and refused, and the member adds us.
    s.net.heal()
    // (No `beacon` progress: the outsider's statuses already moved the phase past it.)
    await s.until(() => dropped(j.progress).length > 0)
    // Refused because a beacon signer exists now and is not in the group.
    expect((dropped(j.progress)[0]!.error as ForeignWelcomeError).reason).toBe('not-answered')
    await alice.addMember(kp)
    await s.until(() => j.out.done)
    fake.stop()
    expect(j.out.error).toBeUndefined()
    expect(conv(s, 1, 'early').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    await s.stop()
  })

  it('trust limit: an outsider that also answers the probe with its own beacon captures a joiner without trustedMembers (its Welcome comes first); with trustedMembers the joiner refuses it and joins the real group', async () => {
    const s = await scenario(2, { config: SLOW })
    await s.members[0]!.user.createConversation('lure')
    const fake = await fakeGroup(s, 'lure', true)
    // Without trustedMembers both beacons count: the first Welcome into a group of any beacon signer wins, here the outsider's.
    const fooled = joining(s, 1, 'lure', { timeoutMs: 60_000 })
    await s.until(() => fooled.out.done)
    expect(fooled.out.error).toBeUndefined()
    expect(fooled.progress.filter((p) => p.phase === 'beacon').length).toBeGreaterThanOrEqual(1)
    expect(conv(s, 1, 'lure').members().map(hex).sort()).toEqual([OUTSIDER, memberIdOf(1)].map(hex).sort())
    await s.members[1]!.user.stop()
    fake.stop()
    await s.stop()

    // With the real member named out of band, the outsider's beacon is ignored and its Welcome refused.
    const t = await scenario(2, { config: SLOW })
    await t.members[0]!.user.createConversation('lure')
    const fake2 = await fakeGroup(t, 'lure', true)
    const careful = joining(t, 1, 'lure', { timeoutMs: 60_000, trustedMembers: [memberIdOf(0)] })
    await t.until(() => careful.out.done)
    fake2.stop()
    expect(careful.out.error).toBeUndefined()
    expect(conv(t, 1, 'lure').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    expect(fake2.welcomes.length).toBeGreaterThanOrEqual(1)
    const drops = dropped(careful.progress)
    expect(drops.length).toBeGreaterThanOrEqual(1)
    expect((drops[0]!.error as ForeignWelcomeError).reason).toBe('untrusted')
    expect(careful.out.error).toBeUndefined()
    expect(conv(t, 1, 'lure').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    await t.stop()
  })

  // The real member is cut off until the fake group's Welcome has reached the joiner (no race between
  // the two Welcomes); the joiner's key package reaches the outsider out of band (announce: false).
  async function forgedLeafJoin(s: Scenario) {
    const alice = await s.members[0]!.user.createConversation('forged-leaf')
    const kp = await s.members[1]!.user.keyPackage()
    const fake = await fakeGroup(s, 'forged-leaf', false, memberIdOf(0))
    const tapper = await outsider(s, 'tapper', 'forged-leaf')
    s.net.partition([s.members[0]!.name])
    const j = joining(s, 1, 'forged-leaf', { announce: false, probe: true, timeoutMs: 60_000, trustedMembers: [memberIdOf(0)] })
    tapper.publish('welcome', encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: kp, memberId: memberIdOf(1) } }))
    await s.until(() => fake.welcomes.length > 0 && (j.out.done || dropped(j.progress).length > 0))
    return { alice, kp, fake, j }
  }

  it('an outsider whose fake group holds a leaf claiming the answering (or trusted) member id, sending its Welcome first, does not capture the joiner: the leaf is not bound to that member key', async () => {
    const s = await scenario(2, { config: SLOW })
    const { alice, kp, fake, j } = await forgedLeafJoin(s)
    expect(j.out.done).toBe(false)
    const drops = dropped(j.progress)
    expect(drops.length).toBeGreaterThanOrEqual(1)
    expect(drops[0]!.reason).toBe('invalid')
    expect(drops[0]!.error).toBeInstanceOf(InvalidWelcomeError)
    const cause = (drops[0]!.error as InvalidWelcomeError).cause as IdentityBindingError
    expect(cause).toBeInstanceOf(IdentityBindingError)
    expect(cause.reason).toBe('missing')
    expect(hex(cause.memberId)).toBe(hex(memberIdOf(0)))
    // The real member comes back and adds us: the same key package opens the real Welcome.
    s.net.heal()
    await alice.addMember(kp)
    await s.until(() => j.out.done)
    fake.stop()
    expect(j.out.error).toBeUndefined()
    expect(conv(s, 1, 'forged-leaf').members().map(hex).sort()).toEqual([memberIdOf(0), memberIdOf(1)].map(hex).sort())
    await s.stop()
  })

  it('trust limit (compatibility): a joiner with requireIdentityBinding false is captured by that fake group even with trustedMembers', async () => {
    const s = await scenario(2, { config: SLOW, plugins: (i) => (i === 1 ? { requireIdentityBinding: false } : {}) })
    const { fake, j } = await forgedLeafJoin(s)
    fake.stop()
    expect(j.out.done).toBe(true)
    expect(j.out.error).toBeUndefined()
    expect(dropped(j.progress)).toHaveLength(0)
    expect(conv(s, 1, 'forged-leaf').members().map(hex).sort()).toEqual([OUTSIDER, memberIdOf(0), memberIdOf(1)].map(hex).sort())
    await s.stop()
  })

  it('trust limit: a beacon plus a REJECTED from an outsider ends a join without trustedMembers, not with them', async () => {
    const s = await scenario(2)
    await s.members[0]!.user.createConversation('reject')
    const evil = await outsider(s, 'evil', 'reject')
    evil.onWelcomeChannel((m) => {
      if (m.joinProbe !== undefined) {
        evil.publish(
          'welcome',
          encodeWelcomeChannelMessage({
            joinBeacon: signJoinBeacon(outsiderSigner, { conversationId: 'reject', epoch: 0n, memberCount: 1, nonce: m.joinProbe.nonce, signedAtMs: 1 }),
          }),
        )
      }
      if (m.keyPackage !== undefined) {
        const status = signJoinStatus(outsiderSigner, {
          conversationId: 'reject',
          joiner: m.keyPackage.memberId,
          status: JoinStatusKind.JOIN_STATUS_REJECTED,
          proposalId: 1,
          epoch: 0n,
          keyPackageHash: sha256(m.keyPackage.keyPackageBytes),
          signedAtMs: 1,
        })
        evil.publish('welcome', encodeWelcomeChannelMessage({ joinStatus: status }))
      }
    })
    const fooled = joining(s, 1, 'reject', { timeoutMs: 60_000 })
    await s.until(() => fooled.out.done)
    expect(fooled.out.error).toBeInstanceOf(RejectedError)
    expect(hex((fooled.out.error as RejectedError).responder)).toBe(hex(OUTSIDER))
    const careful = joining(s, 1, 'reject', { timeoutMs: 60_000, trustedMembers: [memberIdOf(0)] })
    await s.until(() => careful.out.done)
    expect(careful.out.error).toBeUndefined()
    await s.stop()
  })
})

describe('adversarial joiner: re-sent Welcomes', () => {
  it("an outsider's garbage MemberWelcome on the app channel does not replace the recorded Welcome: a joiner that missed its Welcome still gets it re-sent", async () => {
    const s = await scenario(3)
    await bootstrap(s, 'resend', 2)
    const evil = await outsider(s, 'evil', 'resend')
    // The joiner misses the Welcome (both channels): deafen it while the committer publishes it.
    let deafened = false
    for (const i of [0, 1]) {
      s.members[i]!.user.events$.subscribe((e) => {
        if (e.type === 'welcome-ready' && e.mintedLocally && !deafened) {
          deafened = true
          s.net.mute('m2', { outbound: false, inbound: true })
          s.net.clock.setTimer(() => s.net.unmute('m2'), 300)
        }
      })
    }
    // Right after the real broadcast, the outsider broadcasts garbage for the same joiner.
    let garbage = 0
    evil.onApp((payload) => {
      if (payload.length === 0 || payload[0] === 0x00) return
      let w: MemberWelcome | undefined
      try {
        w = decodeAppMessage(payload).memberWelcome
      } catch {
        return
      }
      if (w === undefined || w.welcomeBytes.length === 3) return
      garbage++
      evil.publish('app', encodeAppMessage({ memberWelcome: { welcomeBytes: GARBAGE, conversationSyncBytes: GARBAGE, joinerIdentities: w.joinerIdentities } }))
    })
    const j = joining(s, 2, 'resend', { timeoutMs: 120_000 })
    await s.until(() => j.out.done, 150_000)
    expect(deafened).toBe(true)
    expect(garbage).toBeGreaterThanOrEqual(1)
    expect(j.out.error).toBeUndefined()
    await s.until(() => converged(s, 'resend'))
    // The members saw the garbage and did not record it.
    expect(eventsOf(s, 0, 'welcome-ready').length + eventsOf(s, 1, 'welcome-ready').length).toBeGreaterThanOrEqual(2)
    await s.stop()
  })
})
