import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import type { MlsService } from '@demls/mls'
import { brokenCommit, emergencyUpdateRequest, withCreator } from '@demls/scoring'
import type { MemoryTransport } from '@demls/transport-memory'
import { type AppMessageInit, encodeAppMessage, encodeConversationUpdateRequest, encodeWelcomeChannelMessage, topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { attestation, commitRequest } from '../availability/forge.js'
import { capturingPlugins } from '../scenarios/capture-groups.js'
import { type Scenario, bootstrap, conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario, text } from '../scenarios/harness.js'
import { Outsider, candidatePacket } from './outsider.js'
import { seededRandom } from '@demls-dev/bench-kit'

const ID = 'soak'
const N = 20
const MALLORY = N - 1
/** A user outside the group that joins at 10 min and is removed from 20 min. */
const LATE = N
const honest = [...Array(N - 1).keys()]
const SOAK_MS = 30 * 60_000
/** One attack per step (the members' crypto, not the virtual time, sets the wall time). */
const STEP_MS = 12_000


/** A raw publisher on both channels of the conversation (no subscription needed to publish). */
async function raw(s: Scenario, name: string) {
  const t = s.net.createTransport(name) as MemoryTransport
  await t.start()
  t.subscribe(topicFor(ID, 'app'))
  return (subtopic: 'app' | 'welcome', payload: Uint8Array) => void t.publish({ conversationId: ID, subtopic, payload }, { allowNoPeers: true })
}

/** Mallory, a member, attacking at the wire: its MLS group to encrypt, a consensus service without quotas to propose. */
function mallory(s: Scenario, mls: () => MlsService, publish: (subtopic: 'app' | 'welcome', payload: Uint8Array) => void) {
  const consensus = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(MALLORY))), maxSessionsPerScope: 1_000_000 })
  const send = async (m: AppMessageInit) => {
    // Once the group removed it, its MLS group is inactive: it can no longer speak as a member.
    if (mls().isActive()) publish('app', await mls().encrypt(encodeAppMessage(m)))
  }
  const voters = () => conv(s, 0, ID).members().length
  const claimedAt = new Set<bigint>()
  return {
    /** A burst of ordinary proposals (slot hogging). */
    hog: async (count: number) => {
      for (let k = 0; k < count; k++) {
        const payload = new Uint8Array(64).fill(0xf0)
        payload[1] = k
        await send({ proposal: consensus.createProposal(ID, { payload, expectedVotersCount: voters(), livenessCriteriaYes: false }, s.net.clock.now()) })
      }
    },
    /** An emergency accusing an honest member (priority slots, partial freeze). */
    accuse: async (target: number) => {
      const evidence = withCreator(brokenCommit(memberIdOf(target), conv(s, 0, ID).epoch()), memberIdOf(MALLORY))
      const payload = encodeConversationUpdateRequest(emergencyUpdateRequest(evidence))
      await send({ proposal: consensus.createProposal(ID, { payload, expectedVotersCount: voters(), livenessCriteriaYes: false }, s.net.clock.now()) })
    },
    /** A proposal dated an hour ahead. */
    farFuture: async () => {
      await send({ proposal: consensus.createProposal(ID, { payload: new Uint8Array([0xf1]), expectedVotersCount: voters() }, s.net.clock.now() + 3_600_000) })
    },
    /** Its own candidate, claiming an honest member's id. */
    claim: async (claimed: number) => {
      // One per epoch: a second commit with the same (empty) changes at one epoch is a proof of
      // equivocation that removes it at once (test/adversarial/commit-equivocation.test.ts).
      if (!mls().isActive() || claimedAt.has(mls().epoch())) return
      claimedAt.add(mls().epoch())
      try {
        const built = await mls().createCommitCandidate([], { nowMs: s.net.clock.now() })
        await mls().discardOwnCommit()
        publish('app', candidatePacket({ conversationId: new TextEncoder().encode(ID), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(claimed), demlsWelcome: new Uint8Array(0) }))
      } catch {
        // its own conversation holds a pending commit now: skip
      }
    },
  }
}

describe('soak: 20 members, one malicious member and one outsider attacking at random for 30 min of virtual time', () => {
  it('honest members converge, stay members, are never penalised, and deliver every chat sent among them', async () => {
    const started = Date.now()
    const { groups, plugins } = await capturingPlugins(N + 1)
    const s = await scenario(N + 1, { seed: 16, plugins, config: { attestationIntervalMs: 60_000 } })
    await bootstrap(s, ID, N)
    const rand = seededRandom(16)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
    const m = mallory(s, () => groups.get(MALLORY)!, await raw(s, 'mallory-raw'))
    const publishAsOutsider = await raw(s, 'outsider')
    const outsider = await Outsider.create(ID, 42, s.net.clock.now())
    const before = honest.map((i) => new Map(conv(s, i, ID).conversation.memberScores().map((e) => [hex(e.memberId), e.score])))
    const sent: { from: number; body: string }[] = []
    const sends: Promise<void>[] = []
    const attacks: Record<string, number> = {}
    const outsiderAttacks: Record<string, () => Promise<void>> = {
      'forged candidates': async () => {
        const epoch = conv(s, 0, ID).epoch()
        for (let k = 0; k < 5; k++) publishAsOutsider('app', candidatePacket(await outsider.candidate(epoch, memberIdOf(pick(honest)), s.net.clock.now())))
      },
      'far-future candidate': async () => {
        const c = await outsider.candidate(conv(s, 0, ID).epoch() + 40n, memberIdOf(pick(honest)), s.net.clock.now())
        publishAsOutsider('app', candidatePacket(c))
      },
      'forged attestation': async () => {
        publishAsOutsider('app', attestation(ID, keyFor(42), { epoch: 2n ** 40n, signedAtMs: BigInt(s.net.clock.now()) }, memberIdOf(pick(honest))))
      },
      'garbage Welcome': async () => {
        const garbage = new Uint8Array([1, 2, 3])
        publishAsOutsider('welcome', encodeWelcomeChannelMessage({ welcome: { welcomeBytes: garbage, conversationSyncBytes: garbage, joinerIdentities: [] } }))
      },
      'commit request flood': async () => {
        const from = conv(s, 0, ID).epoch() - 1n
        for (let k = 0; k < 5; k++) publishAsOutsider('app', commitRequest(ID, from, memberIdOf(pick(honest)), keyFor(42), s.net.clock.now()))
      },
    }
    const malloryAttacks: Record<string, () => Promise<void>> = {
      'slot hogging': () => m.hog(6),
      'emergency against an honest member': () => m.accuse(pick(honest)),
      'far-future proposal': () => m.farFuture(),
      'candidate claiming another id': () => m.claim(pick(honest)),
    }
    const all = { ...outsiderAttacks, ...malloryAttacks }
    const names = Object.keys(all)
    let chats = 0
    const isMember = (i: number) => conv(s, 0, ID).members().some((x) => hex(x) === hex(memberIdOf(i)))
    let joined: Promise<unknown> | undefined
    let wasMember = false
    let removalProposed = false
    let malloryRemovedAt: number | undefined
    // Mallory's accusations are voted down and cost it its score (the group then removes it), so
    // they come only in the last 5 minutes: for 25 minutes it attacks as a member.
    const accusationsFrom = SOAK_MS - 5 * 60_000
    for (let t = 0; t < SOAK_MS; t += STEP_MS) {
      // The group keeps admitting and removing during the attack: a late joiner comes in at 10 min,
      // chats, and is removed from 20 min (retried while a freeze or an emergency refuses it).
      if (t === 10 * 60_000) joined = s.members[LATE]!.user.join(ID)
      if (!wasMember && joined !== undefined && isMember(LATE) && s.members[LATE]!.user.conversation(ID) !== undefined) {
        wasMember = true
        const body = `chat ${chats++} from ${LATE}`
        sent.push({ from: LATE, body })
        sends.push(conv(s, LATE, ID).sendMessage(text(body)))
      }
      if (t >= 20 * 60_000 && wasMember && !removalProposed && isMember(LATE)) {
        removalProposed = await conv(s, 0, ID).removeMember(memberIdOf(LATE)).then(
          () => true,
          () => false,
        )
      }
      if (malloryRemovedAt === undefined && !isMember(MALLORY)) malloryRemovedAt = t
      let name = pick(names)
      while (name === 'emergency against an honest member' && t < accusationsFrom) name = pick(names)
      attacks[name] = (attacks[name] ?? 0) + 1
      await all[name]!()
      if (rand() < 0.6) {
        const from = pick(honest)
        const body = `chat ${chats++} from ${from}`
        sent.push({ from, body })
        sends.push(conv(s, from, ID).sendMessage(text(body)))
      }
      await s.net.advance(STEP_MS)
    }
    // Quiet: every chat delivered, the honest members on one epoch, membership and authenticator.
    const delivered = () =>
      honest.every((i) => {
        const got = new Set(eventsOf(s, i, 'message').map((e) => new TextDecoder().decode(e.body)))
        return sent.every((c) => c.from === i || got.has(c.body))
      })
    await s.until(() => delivered() && converged(s, ID, honest), 300_000)
    await Promise.all(sends)
    await s.until(() => !isMember(LATE) && converged(s, ID, honest), 120_000)
    await joined
    expect(wasMember).toBe(true)
    const members = new Set(conv(s, 0, ID).members().map(hex))
    for (const i of honest) expect(members.has(hex(memberIdOf(i)))).toBe(true)
    // Every attack ran, and no honest member lost a point on an honest member's books.
    for (const name of names) expect(attacks[name] ?? 0).toBeGreaterThan(0)
    // Mallory attacked as a member at least until its accusations began (they may get it removed).
    expect(malloryRemovedAt ?? SOAK_MS).toBeGreaterThanOrEqual(accusationsFrom)
    for (const [k, i] of honest.entries()) {
      const after = new Map(conv(s, i, ID).conversation.memberScores().map((e) => [hex(e.memberId), e.score]))
      for (const j of honest) {
        if (j === i) continue
        const id = hex(memberIdOf(j))
        expect(after.get(id)!, `${i}'s score of ${j}`).toBeGreaterThanOrEqual(before[k]!.get(id)!)
      }
    }
    expect(sent.length).toBeGreaterThan(50)
    console.log(`soak: ${sent.length} chats, attacks ${JSON.stringify(attacks)}, epoch ${conv(s, 0, ID).epoch()}, members ${members.size}, mallory removed at ${malloryRemovedAt === undefined ? 'never' : `${malloryRemovedAt / 1000} s`}, wall ${Date.now() - started} ms`)
    await s.stop()
  }, 600_000) // about 60 s alone; generous for a loaded 2-core machine
})
