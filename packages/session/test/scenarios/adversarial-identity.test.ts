import { IdentityBindingError, createMlsClient } from '@demls/mls'
import type { MemoryTransport } from '@demls/transport-memory'
import { encodeWelcomeChannelMessage, topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/**
 * Impersonation through a key package (docs/security.md, "Identity"): an
 * outsider announces a key package whose credential claims another
 * member id. Its leaf carries no binding by that member's key, so members
 * refuse it: the add never reaches a vote, and a steward that skips the
 * check cannot get it merged by the others.
 */

/** Publish, from outside the group, a key package claiming `victim` (no binding: only the victim's key can sign one). */
async function announceForged(s: Scenario, conversationId: string, victim: Uint8Array): Promise<void> {
  const t = s.net.createTransport('impostor') as MemoryTransport
  await t.start()
  t.subscribe(topicFor(conversationId, 'welcome'))
  const forger = await createMlsClient({ memberId: victim })
  const payload = encodeWelcomeChannelMessage({
    keyPackage: { keyPackageBytes: await forger.generateKeyPackage({ nowMs: s.net.clock.now() }), memberId: victim },
  })
  await t.publish({ conversationId, subtopic: 'welcome', payload }, { allowNoPeers: true })
}

const bindingDrops = (s: Scenario, i: number) =>
  eventsOf(s, i, 'dropped').filter((e) => e.error instanceof IdentityBindingError)

const invites = (s: Scenario, i: number) =>
  [...eventsOf(s, i, 'vote-requested'), ...eventsOf(s, i, 'own-proposal-submitted')].filter(
    (e) => e.request?.payload === 'memberInvite',
  )

describe('adversarial identity: a key package claiming another member id', () => {
  it('members drop it with an IdentityBindingError; no vote starts; the real owner still joins', async () => {
    const s = await scenario(3)
    await bootstrap(s, 'imp', 2)
    const victim = memberIdOf(2)
    const before = [invites(s, 0).length, invites(s, 1).length]
    await announceForged(s, 'imp', victim)
    await s.until(() => bindingDrops(s, 0).length > 0 && bindingDrops(s, 1).length > 0)
    const t0 = s.net.clock.now()
    await s.until(() => s.net.clock.now() > t0 + 5_000)
    expect((bindingDrops(s, 0)[0]!.error as IdentityBindingError).reason).toBe('missing')
    expect(hex((bindingDrops(s, 0)[0]!.error as IdentityBindingError).memberId)).toBe(hex(victim))
    expect([invites(s, 0).length, invites(s, 1).length]).toEqual(before)
    expect(conv(s, 0, 'imp').members().map(hex)).not.toContain(hex(victim))
    // The real owner of the id joins as usual.
    const joined = s.members[2]!.user.join('imp')
    await s.until(() => converged(s, 'imp') && conv(s, 0, 'imp').members().length === 3)
    await joined
    await s.stop()
  })

  it("a steward that skips the check cannot get the impersonator in: the other members never merge a commit adding it", async () => {
    // Member 0 (the creator and steward) admits unbound leaves; the others do not.
    const s = await scenario(4, { plugins: (i) => (i === 0 ? { requireIdentityBinding: false } : {}) })
    await bootstrap(s, 'imp2', 3)
    const victim = memberIdOf(3)
    const applied = [1, 2].map((i) => eventsOf(s, i, 'commit-applied').length)
    await announceForged(s, 'imp2', victim)
    // The honest members drop the announcement; the steward sponsors it, the vote passes (votes follow the
    // liveness default, see docs/security.md), and the steward commits and merges the add.
    await s.until(() => conv(s, 0, 'imp2').members().map(hex).includes(hex(victim)))
    expect(bindingDrops(s, 1).length + bindingDrops(s, 2).length).toBeGreaterThan(0)
    const t0 = s.net.clock.now()
    await s.until(() => s.net.clock.now() > t0 + 3_000)
    // Its commit brings a leaf not bound to the victim's key: the others refuse to stage it and never hold the impersonator.
    for (const i of [1, 2]) expect(conv(s, i, 'imp2').members().map(hex)).not.toContain(hex(victim))
    expect([1, 2].map((i) => eventsOf(s, i, 'commit-applied').length)).toEqual(applied)
    await s.stop()
  }, 60_000)
})
