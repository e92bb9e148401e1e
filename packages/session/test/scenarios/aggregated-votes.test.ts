// Aggregated voting with real users, real MLS and real BLS over the memory
// transport (issue 55): votes on adds, removals and routine steward
// elections go to the aggregators
// only (the `votes` subtopic), one proof decides the proposal for every
// member, and when aggregation fails (a withholding or lying aggregator)
// the broadcast path decides it as before.
import type { ConsensusPlugin, ConsensusSigner } from '@demls/consensus'
import { type Transport, encodeAppMessage, topicFor } from '@demls/wire'
import type { MlsService } from '@demls/mls'
import { defaultPlugins } from '../../src/conversation/default-plugins.js'
import type { ConversationPluginsFactory } from '../../src/core/plugins.js'
import { describe, expect, it } from 'vitest'
import { blsPluginFor } from './bls-plugin.js'
import type { AggregateStats } from '../../src/state/aggregate-votes.js'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario } from './harness.js'

const ID = 'agg-chat'
const N = 7
/** Three stewards on the list: the aggregators. */
const CONFIG = { stewardList: { snMin: 1, snMax: 3 } }

const bls = blsPluginFor

/** Member i's plug-in with its aggregation capability changed by `change` (a malicious aggregator). */
const tampered =
  (i: number, change: (a: NonNullable<ConsensusPlugin['aggregation']>) => Partial<NonNullable<ConsensusPlugin['aggregation']>>) =>
  (signer: ConsensusSigner): ConsensusPlugin => {
    const p = bls(i)(signer)
    return { ...p, aggregation: { ...p.aggregation, ...change(p.aggregation) } }
  }

function stats(s: Scenario, i: number): AggregateStats {
  return conv(s, i, ID).conversation.aggregateStats()
}

function stewardIndexes(s: Scenario, live: number[]): number[] {
  const stewards = new Set(conv(s, live[0]!, ID).conversation.stewards().map(hex))
  return live.filter((i) => stewards.has(hex(memberIdOf(i))))
}

/** Bootstrap the group and wait until its election listed three stewards everywhere (the aggregators). */
async function ready(s: Scenario): Promise<number[]> {
  await bootstrap(s, ID)
  const all = [...Array(N).keys()]
  await s.until(() => converged(s, ID, all) && all.every((i) => conv(s, i, ID).conversation.stewards().length === 3))
  return all
}

/** Remove a member that is not a steward (by a steward's proposal); returns it. */
async function removePlain(s: Scenario, live: number[]): Promise<number> {
  const stewards = stewardIndexes(s, live)
  const target = live.filter((i) => !stewards.includes(i)).at(-1)!
  await conv(s, stewards[0]!, ID).removeMember(memberIdOf(target))
  const rest = live.filter((i) => i !== target)
  await s.until(() => rest.every((i) => conv(s, i, ID).members().length === N - 1) && converged(s, ID, rest), 120_000)
  return target
}

function delta(s: Scenario, i: number, before: AggregateStats[]): AggregateStats {
  const now = stats(s, i)
  const b = before[i]!
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - b[k as keyof AggregateStats]])) as unknown as AggregateStats
}

describe('aggregated voting in a BLS group', () => {
  it('a removal is decided by one proof: non-aggregators never receive a vote and take the outcome from the proof', async () => {
    // No relays (a full mesh): only the aggregators subscribe to the votes subtopic.
    const s = await scenario(N, { plugins: (i) => ({ consensus: bls(i) }), config: CONFIG, userInit: () => ({ relayVotes: false }) })
    const all = await ready(s)
    const aggregators = stewardIndexes(s, all)
    expect(aggregators).toHaveLength(3)
    // Exactly the aggregators read the votes subtopic.
    for (const i of all) expect(s.members[i]!.user.transport.getTopics().includes(topicFor(ID, 'votes')), `member ${i}`).toBe(aggregators.includes(i))
    const before = all.map((i) => ({ ...stats(s, i) }))
    const votesTopic = s.net.topicStats(topicFor(ID, 'votes')).delivered
    const target = await removePlain(s, all)
    const rest = all.filter((i) => i !== target)
    const plain = rest.filter((i) => !aggregators.includes(i))
    expect(plain.length).toBe(3)
    let built = 0
    for (const i of rest) {
      const d = delta(s, i, before)
      built += d.proofsBuilt
      // Nobody fell back to broadcasting its vote, and no proof was refused.
      expect(d.fallbacks, `member ${i} fallbacks`).toBe(0)
      expect(d.proofsRefused, `member ${i} refused proofs`).toBe(0)
      expect(d.votesSent, `member ${i} votes sent`).toBe(1)
    }
    expect(built).toBeGreaterThan(0)
    // Every plain member decided from a proof it verified, and never received another member's vote.
    for (const i of plain) {
      expect(delta(s, i, before).proofsTaken, `member ${i} proofs taken`).toBe(1)
      expect(delta(s, i, before).votesCollected, `member ${i} votes collected`).toBe(0)
    }
    expect(s.net.topicStats(topicFor(ID, 'votes')).delivered).toBeGreaterThan(votesTopic)
    for (const i of rest) expect(conv(s, i, ID).members().map(hex)).not.toContain(hex(memberIdOf(target)))
    await s.stop()
  })

  it('a vote published while no aggregator is a known subscriber of the votes subtopic is published again, not lost to the fallback', async () => {
    const s = await scenario(N, { plugins: (i) => ({ consensus: bls(i) }), config: CONFIG, userInit: () => ({ relayVotes: false }) })
    const all = await ready(s)
    const aggregators = stewardIndexes(s, all)
    const before = all.map((i) => ({ ...stats(s, i) }))
    // The aggregators' subscriptions are unknown to the voters for a while (on gossipsub: a route just dialled, its
    // subscription not yet exchanged): every vote sent then reaches nobody.
    const votes = topicFor(ID, 'votes')
    for (const i of aggregators) s.members[i]!.user.transport.unsubscribe(votes)
    const target = all.filter((i) => !aggregators.includes(i)).at(-1)!
    const delivered = s.net.topicStats(votes).delivered
    await conv(s, aggregators[0]!, ID).removeMember(memberIdOf(target))
    const rest = all.filter((i) => i !== target)
    await s.until(() => rest.every((i) => stats(s, i).votesSent > before[i]!.votesSent))
    await s.net.advance(100)
    expect(s.net.topicStats(votes).delivered).toBe(delivered)
    for (const i of aggregators) s.members[i]!.user.transport.subscribe(votes)
    await s.until(() => rest.every((i) => conv(s, i, ID).members().length === N - 1) && converged(s, ID, rest), 120_000)
    expect(s.net.topicStats(votes).delivered).toBeGreaterThan(delivered)
    for (const i of rest) {
      // Every vote reached the aggregators once they were subscribers again: one proof decided, nobody fell back.
      expect(delta(s, i, before).fallbacks, `member ${i} fallbacks`).toBe(0)
    }
    for (const i of rest.filter((i) => !aggregators.includes(i))) expect(delta(s, i, before).proofsTaken, `member ${i} proofs taken`).toBe(1)
    await s.stop()
  })

  it('a routine steward election is decided by one proof too: every member installs the list without a broadcast vote', async () => {
    const s = await scenario(N, { plugins: (i) => ({ consensus: bls(i) }), config: CONFIG, userInit: () => ({ relayVotes: false }) })
    const all = await ready(s)
    const aggregators = stewardIndexes(s, all)
    const before = all.map((i) => ({ ...stats(s, i) }))
    // An election over the members (the admin regeneration: first round, normal mode).
    const id = await conv(s, aggregators[0]!, ID).regenerateStewardList()
    expect(id).toBeDefined()
    await s.until(() => all.every((i) => eventsOf(s, i, 'consensus-reached').some((e) => e.proposalId === id && e.approved)), 120_000)
    await s.until(() => converged(s, ID, all), 120_000)
    for (const i of all) {
      const d = delta(s, i, before)
      expect(d.fallbacks, `member ${i} fallbacks`).toBe(0)
      expect(d.proofsRefused, `member ${i} refused proofs`).toBe(0)
    }
    // The members off the list decided it from a proof and never collected a vote.
    for (const i of all.filter((i) => !aggregators.includes(i))) {
      expect(delta(s, i, before).proofsTaken, `member ${i} proofs taken`).toBe(1)
      expect(delta(s, i, before).votesCollected, `member ${i} votes collected`).toBe(0)
    }
    const lists = new Set(all.map((i) => conv(s, i, ID).conversation.stewards().map(hex).join()))
    expect(lists.size).toBe(1)
    await s.stop()
  })

  it('with relays (relayVotes: true, the default) every member subscribes to the votes subtopic, and only the aggregators decrypt votes', async () => {
    const s = await scenario(N, { plugins: (i) => ({ consensus: bls(i) }), config: CONFIG })
    const all = await ready(s)
    for (const i of all) expect(s.members[i]!.user.transport.getTopics()).toContain(topicFor(ID, 'votes'))
    // Nobody offers a contact: members that relay need none.
    for (const i of all) expect(conv(s, i, ID).conversation.aggregatorContacts().every((a) => a.contact === undefined), `member ${i}`).toBe(true)
    const aggregators = stewardIndexes(s, all)
    const before = all.map((i) => ({ ...stats(s, i) }))
    const target = await removePlain(s, all)
    for (const i of all.filter((i) => i !== target && !aggregators.includes(i))) {
      expect(delta(s, i, before).votesCollected, `member ${i}`).toBe(0)
      expect(delta(s, i, before).proofsTaken, `member ${i}`).toBe(1)
      // Relayed votes are not even reported as drops: nothing was decrypted.
      expect(eventsOf(s, i, 'dropped').filter((e) => e.detail?.startsWith('aggregate vote') === true)).toEqual([])
    }
    await s.stop()
  })

  it('aggregators that withhold every proof cost the fallback delay, never the outcome', async () => {
    let stewards: Set<string> | undefined
    const withholding = (i: number) =>
      tampered(i, (a) => ({
        buildProof: (ctx, keys, votes) => (stewards?.has(hex(memberIdOf(i))) ? { proof: undefined, invalid: [], equivocators: [] } : a.buildProof(ctx, keys, votes)),
      }))
    const s = await scenario(N, { plugins: (i) => ({ consensus: withholding(i) }), config: CONFIG })
    // Honest while the group forms; every steward withholds once the removal is voted.
    const all = await ready(s)
    const before = all.map((i) => ({ ...stats(s, i) }))
    stewards = new Set(stewardIndexes(s, all).map((i) => hex(memberIdOf(i))))
    const target = await removePlain(s, all)
    const rest = all.filter((i) => i !== target)
    expect(rest.reduce((n, i) => n + delta(s, i, before).proofsBuilt + delta(s, i, before).proofsTaken, 0)).toBe(0)
    // Every voter sent its signed vote on the broadcast path instead.
    expect(rest.filter((i) => delta(s, i, before).fallbacks > 0).length).toBeGreaterThanOrEqual(4)
    await s.stop()
  })

  it('a lying aggregator’s forged proof is refused by every member; the honest path still decides', async () => {
    let liar: string | undefined
    const lying = (i: number) =>
      tampered(i, (a) => ({
        buildProof: (ctx, keys, votes) => {
          const built = a.buildProof(ctx, keys, votes)
          if (liar !== hex(memberIdOf(i)) || built.proof === undefined) return built
          const forged = Uint8Array.from(built.proof)
          forged[forged.length - 5]! ^= 1
          return { ...built, proof: forged }
        },
        // It vouches for its own forgery.
        verifyProof: (proof, ctx, keys, options) => (liar === hex(memberIdOf(i)) ? { ok: true, outcome: 'yes', yes: [...Array(N).keys()], no: [] } : a.verifyProof(proof, ctx, keys, options)),
      }))
    const s = await scenario(N, { plugins: (i) => ({ consensus: lying(i) }), config: CONFIG })
    const all = await ready(s)
    // The liar is the acting epoch steward: the primary aggregator, whose proof goes out first.
    const roles = conv(s, 0, ID).memberRoles()
    const primary = roles.find((e) => e.role === 'epoch-steward')!
    const liarIndex = all.find((i) => hex(memberIdOf(i)) === hex(primary.memberId))!
    liar = hex(primary.memberId)
    const target = await removePlain(s, all)
    const rest = all.filter((i) => i !== target)
    expect(stats(s, liarIndex).proofsPublished).toBeGreaterThan(0)
    const aggregators = stewardIndexes(s, rest)
    const plain = rest.filter((i) => !aggregators.includes(i))
    // Every plain member refused the forgery, once, for its signature (and then decided from an honest backup's
    // proof, or from the broadcast votes when the liar's commit came first); no valid proof contradicted another.
    for (const i of plain) {
      expect(stats(s, i).proofsRefused, `member ${i} refused`).toBe(1)
      const refusals = eventsOf(s, i, 'dropped').filter((e) => e.reason === 'unauthorized' && e.detail?.startsWith('aggregate proof:') === true)
      expect(refusals.map((e) => e.detail)).toEqual(['aggregate proof: bad-yes-signature'])
      expect(stats(s, i).conflicts).toBe(0)
      // The liar's MLS-signed forgery cost it, once, on every member that refused it.
      expect(conv(s, i, ID).conversation.memberScores().find((e) => hex(e.memberId) === liar)!.score).toBeLessThan(
        conv(s, i, ID).conversation.memberScores().find((e) => hex(e.memberId) === hex(memberIdOf(plain.find((j) => j !== i)!)))!.score,
      )
    }
    // The honest aggregators decided from their own proofs (a forgery never counted anywhere: the removal went through
    // because the honest proofs approve it, and every member agrees on the roster).
    for (const i of aggregators.filter((i) => i !== liarIndex)) expect(stats(s, i).proofsBuilt, `aggregator ${i}`).toBeGreaterThan(0)
    await s.stop()
  })
})

describe("aggregator contacts (relayVotes: 'auto')", () => {
  const votes = topicFor(ID, 'votes')

  /** Every member's BLS plug-ins, with its MLS group kept (to forge what a member could send). */
  async function factories(): Promise<{ plugins: ConversationPluginsFactory[]; mls: (MlsService | undefined)[] }> {
    const mls: (MlsService | undefined)[] = []
    const plugins = await Promise.all(
      [...Array(N).keys()].map(async (i) => {
        const defaults = await defaultPlugins(keyFor(i), { consensus: bls(i) })
        return {
          ...defaults,
          createMls: async (id: string, now: number) => (mls[i] = await defaults.createMls(id, now)),
          welcomeMls: async (...args: Parameters<ConversationPluginsFactory['welcomeMls']>) => {
            const g = await defaults.welcomeMls(...args)
            if (g !== undefined) mls[i] = g
            return g
          },
        } satisfies ConversationPluginsFactory
      }),
    )
    return { plugins, mls }
  }

  /** Record every contact member i's transport dials. */
  function spyDials(s: Scenario, i: number): string[] {
    const dialled: string[] = []
    const t = s.members[i]!.user.transport as Transport & { dialContact: NonNullable<Transport['dialContact']> }
    const dial = t.dialContact.bind(t)
    t.dialContact = (contact, options) => {
      dialled.push(hex(contact))
      return dial(contact, options)
    }
    return dialled
  }

  it('each aggregator announces its contact, every member dials it and stops relaying; a removal then reaches no plain member as a vote', async () => {
    const s = await scenario(N, { plugins: (i) => ({ consensus: bls(i) }), config: CONFIG, userInit: () => ({ relayVotes: 'auto' }) })
    const dialled = [...Array(N).keys()].map((i) => spyDials(s, i))
    const all = await ready(s)
    const aggregators = stewardIndexes(s, all)
    const plain = all.filter((i) => !aggregators.includes(i))
    // Every plain member holds each aggregator's own contact, dialled it, and reads the votes subtopic no more.
    await s.until(() => plain.every((i) => !s.members[i]!.user.transport.getTopics().includes(votes)))
    for (const i of plain) {
      const held = conv(s, i, ID).conversation.aggregatorContacts()
      expect(held.map((a) => hex(a.member)).sort()).toEqual(aggregators.map((a) => hex(memberIdOf(a))).sort())
      for (const { member, contact } of held) {
        const a = aggregators.find((j) => hex(memberIdOf(j)) === hex(member))!
        expect(hex(contact!)).toBe(hex(s.members[a]!.user.transport.contact!()!))
        expect(dialled[i]).toContain(hex(contact!))
      }
    }
    for (const i of aggregators) expect(s.members[i]!.user.transport.getTopics()).toContain(votes)
    // The removal: plain members receive no vote at all, and decide from the proof.
    const received = all.map(() => 0)
    for (const i of all) s.members[i]!.user.transport.addEventListener('message', (e) => void (e.detail.envelope.subtopic === 'votes' && received[i]!++))
    const before = all.map((i) => ({ ...stats(s, i) }))
    const target = await removePlain(s, all)
    for (const i of plain.filter((i) => i !== target)) {
      expect(received[i], `member ${i} votes received`).toBe(0)
      expect(delta(s, i, before).proofsTaken, `member ${i}`).toBe(1)
      expect(delta(s, i, before).fallbacks, `member ${i}`).toBe(0)
    }
    expect(aggregators.reduce((n, i) => n + received[i]!, 0)).toBeGreaterThan(0)
    await s.stop()
  })

  it('a member releases the direct route to a former aggregator once the list changed, and keeps the current ones', async () => {
    const s = await scenario(N, { plugins: (i) => ({ consensus: bls(i) }), config: CONFIG, userInit: () => ({ relayVotes: 'auto' }) })
    // The memory transport is one full mesh (it opens nothing to release): record what each member releases.
    const released = [...Array(N).keys()].map((i) => {
      const out: string[] = []
      s.members[i]!.user.transport.releaseContact = async (contact) => void out.push(hex(contact))
      return out
    })
    let live = await ready(s)
    const first = stewardIndexes(s, live)
    const contactOf = (i: number) => hex(s.members[i]!.user.transport.contact!()!)
    // The group removes an aggregator: an election replaces the list at once.
    const gone = first[2]!
    await conv(s, first[0]!, ID).removeMember(memberIdOf(gone))
    live = live.filter((i) => i !== gone)
    await s.until(() => converged(s, ID, live) && live.every((i) => conv(s, i, ID).members().length === live.length && conv(s, i, ID).conversation.stewards().length === 3), 120_000)
    const now = stewardIndexes(s, live)
    const former = first.filter((i) => !now.includes(i))
    expect(former).toContain(gone)
    const plain = live.filter((i) => !now.includes(i) && !first.includes(i))
    expect(plain.length).toBeGreaterThan(0)
    // Each plain member released every former aggregator's route, and none of the current ones'.
    await s.until(() => plain.every((i) => former.every((f) => released[i]!.includes(contactOf(f)))), 60_000)
    for (const i of plain) for (const a of now) expect(released[i], `member ${i} kept aggregator ${a}`).not.toContain(contactOf(a))
    // And still reaches the current ones without relaying.
    await s.until(() => plain.every((i) => !s.members[i]!.user.transport.getTopics().includes(votes)), 60_000)
    await s.stop()
  })

  it('a contact from a member that is no aggregator, an oversized one and a second change within the interval are dropped, and nobody dials them', async () => {
    const { plugins, mls } = await factories()
    const s = await scenario(N, { plugins: (i) => plugins[i]!, config: CONFIG, userInit: () => ({ relayVotes: 'auto' }) })
    const dialled = [...Array(N).keys()].map((i) => spyDials(s, i))
    const all = await ready(s)
    const aggregators = stewardIndexes(s, all)
    const plain = all.filter((i) => !aggregators.includes(i))
    await s.until(() => plain.every((i) => conv(s, i, ID).conversation.aggregatorContacts().every((a) => a.contact !== undefined)))
    /** Member `from` sends `contact` as its aggregator contact (MLS-encrypted, as a member can). */
    const send = async (from: number, contact: Uint8Array) => {
      const payload = await mls[from]!.encrypt(encodeAppMessage({ demlsControl: { aggregatorContact: { contact } } }))
      await s.members[from]!.user.transport.publish({ conversationId: ID, subtopic: 'app', payload })
      await s.net.advance(200)
    }
    const drops = (i: number) => eventsOf(s, i, 'dropped').filter((e) => e.reason === 'invalid-contact').map((e) => e.detail)
    const liar = plain[0]!
    // "Send your votes there."
    const forged = new TextEncoder().encode('demls-memory/1/somewhere-else')
    await send(liar, forged)
    for (const i of all.filter((i) => i !== liar)) {
      expect(drops(i), `member ${i}`).toEqual(['aggregator contact from a member that is neither an aggregator nor elected in an open election'])
      expect(dialled[i]).not.toContain(hex(forged))
    }
    // An aggregator: an oversized contact, then a new one (taken), then another within the interval (dropped).
    const a = aggregators[0]!
    await send(a, new Uint8Array(2048).fill(1))
    // Its first contact came within the change interval: a new one is taken once the interval passed.
    await s.net.advance(10_000)
    const moved = new TextEncoder().encode(`demls-memory/1/${s.members[plain[1]!]!.name}`)
    await send(a, moved)
    const third = new TextEncoder().encode(`demls-memory/1/${s.members[plain[2]!]!.name}`)
    await send(a, third)
    await s.net.advance(200)
    for (const i of plain.filter((i) => i !== liar)) {
      // The change it was allowed is dialled; the one too soon after it is not.
      expect(dialled[i]).toContain(hex(moved))
      expect(dialled[i]).not.toContain(hex(third))
      expect(drops(i).slice(1), `member ${i}`).toEqual(['aggregator contact of 2048 bytes (1 to 1024)', 'aggregator contact changed again within the change interval'])
      const held = conv(s, i, ID).conversation.aggregatorContacts().find((e) => hex(e.member) === hex(memberIdOf(a)))
      expect(hex(held!.contact!)).toBe(hex(moved))
    }
    await s.stop()
  })
})
