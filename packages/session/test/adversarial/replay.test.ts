import { EthereumSigner } from '@demls/consensus'
import { memoryStorage } from '@demls/storage'
import type { MemoryTransport } from '@demls/transport-memory'
import { type AppMessageInit, decodeAppMessage, encodeAppMessage } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { signAttestation } from '../../src/join/signing.js'
import { type ConversationEvent, User, type UserEvent, defaultPlugins } from '../../src/index.js'
import { crashable } from '../durable/stores.js'
import { capturingPlugins } from '../scenarios/capture-groups.js'
import { FAST, bootstrap, conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario, text } from '../scenarios/harness.js'

// Issue 15: "a steward commits anything without a vote". Replays (catch-up
// and fork switches) used to skip the approved-work check, on the grounds
// that the receiver "may have missed the votes": a steward could then push
// any membership change through an unrequested CommitReplay. Now every add
// and remove of a replayed commit needs the receiver's own approval or an
// approval certificate it verifies (signed votes bound to the proposal).

const ID = 'rp'

async function setup(n = 4, uncertified = false) {
  const { groups, plugins } = await capturingPlugins(n)
  // sn = (1, 1): one steward, the attacker; every replay it sends names a listed committer.
  const referenceGaps = uncertified ? { uncertifiedChanges: true } : {}
  const s = await scenario(n, { config: { stewardList: { snMin: 1, snMax: 1 }, referenceGaps }, plugins })
  await bootstrap(s, ID)
  const steward = [...Array(n).keys()].find((i) => conv(s, i, ID).conversation.isSteward())!
  const honest = [...Array(n).keys()].filter((i) => i !== steward)
  return { s, groups, steward, honest }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** The attacker's commit for `inputs`, sent to `to` as an unrequested CommitReplay from the current epoch. */
async function replayTo(x: Setup, to: number[], inputs: Parameters<NonNullable<ReturnType<Setup['groups']['get']>>['createCommitCandidate']>[0], extra: Partial<AppMessageInit> = {}) {
  const { s, groups, steward } = x
  const built = await groups.get(steward)!.createCommitCandidate(inputs, { nowMs: s.net.clock.now() })
  const payload = encodeAppMessage({
    demlsControl: {
      commitReplay: {
        fromEpoch: built.epoch,
        candidate: { conversationId: text(ID), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(steward) },
      },
    },
    ...extra,
  })
  const seen = new Map<number, ConversationEvent[]>()
  for (const i of to) {
    const c = conv(s, i, ID).conversation
    c.drainEvents()
    await c.receive({ subtopic: 'app', payload }, s.net.clock.now())
    seen.set(i, c.drainEvents())
  }
  return seen
}

function refusals(events: ConversationEvent[] | undefined): string[] {
  return (events ?? [])
    .filter((e) => e.type === 'dropped' && e.reason === 'unauthorized' && (e.detail ?? '').startsWith('replayed commit refused'))
    .map((e) => (e.type === 'dropped' ? (e.detail ?? '') : ''))
}

/** Every honest member still holds `n` members at `epoch`, and a chat from one reaches the others. */
async function stillTogether(x: Setup, epoch: bigint, n: number) {
  const { s, honest } = x
  for (const i of honest) {
    expect(conv(s, i, ID).epoch()).toBe(epoch)
    expect(conv(s, i, ID).members()).toHaveLength(n)
  }
  const [from, ...to] = honest
  await conv(s, from!, ID).sendMessage(text('still here'))
  await s.until(() => to.every((i) => eventsOf(s, i, 'message').some((m) => new TextDecoder().decode(m.body) === 'still here')))
}

describe('adversarial: a steward cannot change the membership through a replay', () => {
  it('an unrequested replay removing an honest member is refused by every member', async () => {
    const x = await setup()
    const victim = x.honest[0]!
    const epoch = conv(x.s, victim, ID).epoch()
    const seen = await replayTo(x, x.honest, [{ action: 'remove', memberId: memberIdOf(victim) }])
    for (const i of x.honest) expect(refusals(seen.get(i)).join()).toContain(`no verifiable approval for remove:${hex(memberIdOf(victim)).slice(0, 8)}`)
    await stillTogether(x, epoch, 4)
    await x.s.stop()
  }, 60_000)

  it('with certificates off (uncertifiedChanges, the behaviour before), the same replay removes the member everywhere', async () => {
    const x = await setup(4, true)
    const victim = x.honest[0]!
    const epoch = conv(x.s, victim, ID).epoch()
    const seen = await replayTo(x, x.honest, [{ action: 'remove', memberId: memberIdOf(victim) }])
    for (const i of x.honest) expect(refusals(seen.get(i))).toEqual([])
    for (const i of x.honest.filter((h) => h !== victim)) {
      expect(conv(x.s, i, ID).epoch()).toBe(epoch + 1n)
      expect(conv(x.s, i, ID).members().map(hex)).not.toContain(hex(memberIdOf(victim)))
    }
    expect(seen.get(victim)!.some((e) => e.type === 'leaving')).toBe(true)
    await x.s.stop()
  }, 60_000)

  it('attestations that members merged it do not help a forged replay: its own, forged ones, those of another commit', async () => {
    const x = await setup()
    const [victim, other] = x.honest as [number, number]
    const epoch = conv(x.s, victim, ID).epoch()
    const built = await x.groups.get(x.steward)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(victim) }], { nowMs: x.s.net.clock.now() })
    const hash = sha256(built.commit)
    const now = x.s.net.clock.now()
    const signed = (key: Uint8Array, fields: { commitHash: Uint8Array }, claimed?: Uint8Array) => {
      const a = signAttestation(new EthereumSigner(key), ID, { epoch: epoch + 1n, signedAtMs: now, ...fields })
      return claimed === undefined ? a : { ...a, memberId: claimed }
    }
    const mergedBy = [
      signed(keyFor(x.steward), { commitHash: hash }), // the committer's own word
      signed(keyFor(x.steward), { commitHash: hash }, memberIdOf(other)), // another member's name, the attacker's signature
      signed(keyFor(other), { commitHash: new Uint8Array(32).fill(7) }), // a real member, another commit
      signed(keyFor(8), { commitHash: hash }), // an outsider
    ]
    const payload = encodeAppMessage({
      demlsControl: {
        commitReplay: {
          fromEpoch: built.epoch,
          candidate: { conversationId: text(ID), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(x.steward) },
          mergedBy,
        },
      },
    })
    for (const i of x.honest) {
      const c = conv(x.s, i, ID).conversation
      c.drainEvents()
      await c.receive({ subtopic: 'app', payload }, now)
      expect(refusals(c.drainEvents()).join()).toContain('no verifiable approval for remove:')
      expect(conv(x.s, i, ID).epoch()).toBe(epoch)
    }
    await x.s.stop()
  }, 60_000)

  it('an unrequested replay adding a puppet nobody voted for is refused', async () => {
    const x = await setup()
    const epoch = conv(x.s, x.honest[0]!, ID).epoch()
    const puppet = await (await defaultPlugins(keyFor(9))).generateKeyPackage(x.s.net.clock.now())
    const seen = await replayTo(x, x.honest, [{ action: 'add', keyPackage: puppet }])
    for (const i of x.honest) {
      expect(refusals(seen.get(i)).join()).toContain('no verifiable approval for add:')
      expect(conv(x.s, i, ID).members().map(hex)).not.toContain(hex(memberIdOf(9)))
    }
    await stillTogether(x, epoch, 4)
    await x.s.stop()
  }, 60_000)

  it('an approved removal cannot carry an unapproved one with it', async () => {
    const x = await setup(5)
    const [proposer, approvedTarget, victim] = x.honest as [number, number, number]
    // The steward is muted while the removal is voted, so it never commits it honestly.
    x.s.net.mute(x.s.members[x.steward]!.name)
    const id = await conv(x.s, proposer, ID).removeMember(memberIdOf(approvedTarget))
    await x.s.until(() => x.honest.every((i) => eventsOf(x.s, i, 'consensus-reached').some((e) => e.proposalId === id && e.approved)))
    x.s.net.unmute(x.s.members[x.steward]!.name)
    const epoch = conv(x.s, victim, ID).epoch()
    const seen = await replayTo(x, x.honest, [
      { action: 'remove', memberId: memberIdOf(approvedTarget) },
      { action: 'remove', memberId: memberIdOf(victim) },
    ])
    for (const i of x.honest) {
      expect(refusals(seen.get(i)).join()).toContain(`no verifiable approval for remove:${hex(memberIdOf(victim)).slice(0, 8)}`)
      expect(conv(x.s, i, ID).epoch()).toBe(epoch)
      expect(conv(x.s, i, ID).members().map(hex)).toContain(hex(memberIdOf(victim)))
    }
    await x.s.stop()
  }, 60_000)
})

/** Rewrite the CommitReplays a member publishes (e.g. to strip their certificates). */
function rewriteReplays(t: MemoryTransport, rewrite: (m: ReturnType<typeof decodeAppMessage>) => AppMessageInit) {
  const publish = t.publish.bind(t)
  t.publish = (packet, options) => {
    if (packet.subtopic === 'app' && packet.payload[0] !== 0) {
      try {
        const m = decodeAppMessage(packet.payload)
        if (m.demlsControl?.commitReplay !== undefined) return publish({ ...packet, payload: encodeAppMessage(rewrite(m)) }, options)
      } catch {
        // not a plaintext AppMessage
      }
    }
    return publish(packet, options)
  }
}

describe('honest catch-up: a member that missed the vote verifies the certificates', () => {
  /** Member 3 misses the vote on removing member 2 and the commit, then comes back. */
  async function missedRemoval(strip: boolean) {
    const s = await scenario(4, {
      transport: (_i, t) => {
        if (strip) rewriteReplays(t, (m) => ({ demlsControl: { commitReplay: { ...m.demlsControl!.commitReplay!, certificates: [] } } }))
      },
    })
    await bootstrap(s, ID)
    s.net.partition(['m3'])
    const id = await conv(s, 0, ID).removeMember(memberIdOf(2))
    await s.until(() => converged(s, ID, [0, 1]) && conv(s, 0, ID).members().length === 3)
    expect(eventsOf(s, 3, 'consensus-reached').some((e) => e.proposalId === id)).toBe(false)
    s.net.heal()
    return s
  }

  it('catches up on a removal it never voted on: the replay carries a certificate it checks', async () => {
    const s = await missedRemoval(false)
    await s.until(() => converged(s, ID, [0, 1, 3]) && conv(s, 3, ID).members().length === 3)
    expect(eventsOf(s, 3, 'commit-applied').some((e) => e.source === 'catch-up' || e.source === 'fork-switch')).toBe(true)
    await s.stop()
  }, 60_000)

  it('the same replay without its certificates is refused (the certificate is what convinces it)', async () => {
    const s = await missedRemoval(true)
    const epoch = conv(s, 3, ID).epoch()
    await s.until(() => eventsOf(s, 3, 'dropped').some((e) => (e.detail ?? '').startsWith('replayed commit refused: no verifiable approval')), 30_000)
    expect(conv(s, 3, ID).epoch()).toBe(epoch)
    await s.stop()
  }, 60_000)

  it('a steward that restarted from its store still proves the commits it replays (certificates are saved)', async () => {
    const inner = await Promise.all([0, 1, 2, 3].map(() => memoryStorage()))
    const stores = inner.map((st) => crashable(st))
    // One steward: after the restart it is the only member that answers a plain catch-up request.
    const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 1 } }, userInit: (i) => ({ storage: stores[i]! }) })
    await bootstrap(s, ID)
    const steward = [0, 1, 2, 3].find((i) => conv(s, i, ID).conversation.isSteward())!
    const [laggard, victim, proposer] = [0, 1, 2, 3].filter((i) => i !== steward) as [number, number, number]
    s.net.partition([s.members[laggard]!.name])
    await conv(s, proposer, ID).removeMember(memberIdOf(victim))
    await s.until(() => converged(s, ID, [steward, proposer]) && conv(s, steward, ID).members().length === 3)
    stores[steward]!.crash()
    await s.members[steward]!.user.stop()
    const user = await User.create({
      privateKey: keyFor(steward),
      transport: s.net.createTransport(`m${steward}-restarted`),
      clock: s.net.clock,
      config: FAST,
      random: () => 0.5,
      storage: crashable(inner[steward]!),
    })
    const events: UserEvent[] = []
    user.events$.subscribe((e) => events.push(e))
    s.members[steward] = { user, name: `m${steward}'`, events }
    s.net.heal()
    await s.until(() => conv(s, laggard, ID).members().length === 3 && converged(s, ID, [steward, proposer, laggard]))
    await s.stop()
  }, 60_000)
})
