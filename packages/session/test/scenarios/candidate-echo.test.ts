import { decodeAppMessage, encodeAppMessage } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { isCandidateEchoer } from '../../src/rules/candidate-echo.js'
import { capturingPlugins } from './capture-groups.js'
import { bootstrap, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/**
 * A member echoes each commit candidate at most once per epoch, whatever
 * happens to its rounds. A refused candidate used to be echoed again every
 * time a copy came back after its round was cleared (each copy has new
 * wire bytes, so gossipsub's seen cache does not stop it), and a group in
 * Reelection multiplied one candidate into a packet storm.
 */
/**
 * Three members, one steward (muted, so it never commits): `outsider` (not a
 * steward) proposes removing `observer`, and once both hold it approved,
 * builds the candidate for it itself, which the test hands to the observer.
 */
async function outsiderCandidate(id: string) {
  const { groups, plugins } = await capturingPlugins(3)
  const s = await scenario(3, { config: { stewardList: { snMin: 1, snMax: 1 } }, plugins })
  await bootstrap(s, id)
  const steward = [0, 1, 2].find((i) => conv(s, i, id).conversation.isSteward())!
  const [outsider, observer] = [0, 1, 2].filter((i) => i !== steward) as [number, number]
  s.net.mute(s.members[steward]!.name)
  const proposal = await conv(s, outsider, id).removeMember(memberIdOf(observer))
  await s.until(() => eventsOf(s, outsider, 'consensus-reached').some((e) => e.proposalId === proposal && e.approved))
  await s.until(() => conv(s, observer, id).conversation.approvedCount() === 1)
  const built = await groups.get(outsider)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(observer) }], { nowMs: s.net.clock.now() })
  const payload = encodeAppMessage({
    commitCandidate: { conversationId: new TextEncoder().encode(id), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(outsider) },
  })
  return { s, groups, outsider, observer, built, payload }
}

describe('candidate echoes', () => {
  it('a refused candidate that keeps arriving is echoed once, not once per copy', async () => {
    const { s, outsider, observer, built, payload } = await outsiderCandidate('e')
    const c = conv(s, observer, 'e').conversation
    const sent: ReturnType<typeof c.drainOutbound> = []
    const drain = c.drainOutbound.bind(c)
    c.drainOutbound = () => {
      const out = drain()
      sent.push(...out)
      return out
    }
    const epoch = c.epoch()
    for (let k = 0; k < 5; k++) {
      await c.receive({ subtopic: 'app', payload }, s.net.clock.now())
      await s.net.advance(c.config().freezeDurationMs * 3) // past the freeze window: selection refuses it
    }
    expect(c.epoch()).toBe(epoch)
    expect(eventsOf(s, observer, 'commit-applied').some((e) => hex(e.committer) === hex(memberIdOf(outsider)))).toBe(false)
    const echoes = sent.filter((p) => {
      if (p.subtopic !== 'app' || p.payload[0] === 0) return false
      const m = decodeAppMessage(p.payload)
      return m.commitCandidate !== undefined && hex(m.commitCandidate.commitMessage) === hex(built.commit)
    })
    expect(echoes).toHaveLength(1)
    await s.stop()
  })

  it('copies of a held candidate (the author’s and every echo) are dropped before MLS authenticates them again', async () => {
    const { s, groups, observer, payload } = await outsiderCandidate('a')
    // Count what the observer's MLS group authenticates from now on.
    const group = groups.get(observer)!
    let authenticated = 0
    const authenticate = group.authenticateCommit.bind(group)
    group.authenticateCommit = (bytes: Uint8Array) => {
      authenticated++
      return authenticate(bytes)
    }
    const c = conv(s, observer, 'a').conversation
    const dropsBefore = c.dropCounts().candidate ?? 0
    // The author's copy and two echoes, while the round that holds it is open.
    for (let k = 0; k < 3; k++) await c.receive({ subtopic: 'app', payload }, s.net.clock.now())
    expect(c.state()).toBe('freezing')
    expect((c.dropCounts().candidate ?? 0) - dropsBefore).toBe(2) // both later copies dropped as duplicates
    expect(authenticated).toBe(1)
    await s.stop()
  })
})

/**
 * Eight members, one removal by vote: for every candidate of that epoch
 * (each steward may send one), its author and the members that echoed it,
 * per `candidateEchoers`.
 */
async function echoesOfARemoval(candidateEchoers: number | undefined, id: string) {
  const { s, published } = await recordingCandidates(candidateEchoers)
  await bootstrap(s, id)
  await s.net.advance(1_000)
  published.clear()
  const epoch = conv(s, 0, id).epoch()
  await conv(s, 1, id).removeMember(memberIdOf(7))
  await s.until(() => converged(s, id, [0, 1, 2, 3, 4, 5, 6]) && conv(s, 0, id).epoch() > epoch)
  await s.net.advance(1_000)
  await s.stop()
  return candidatesOf(published)
}

type Published = Map<string, { author: string; by: Set<number>; welcomeBytes: Map<number, number> }>

const MEMBERS = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => hex(memberIdOf(i)))

/** Each candidate published: its author, who echoed it, and the Welcome bytes each copy carried. */
function candidatesOf(published: Published) {
  return {
    members: MEMBERS,
    candidates: [...published].map(([commit, { author, by, welcomeBytes }]) => ({
      author,
      echoedBy: [...by].filter((i) => MEMBERS[i] !== author).sort(),
      welcomeBytes,
      commitHash: sha256(Buffer.from(commit, 'hex')),
    })),
  }
}

/** Eight members whose published commit candidates are recorded. */
async function recordingCandidates(candidateEchoers: number | undefined) {
  const published: Published = new Map()
  const s = await scenario(8, {
    ...(candidateEchoers === undefined ? {} : { config: { candidateEchoers } }),
    transport: (i, transport) => {
      const publish = transport.publish.bind(transport)
      transport.publish = (packet, options) => {
        if (packet.subtopic === 'app' && packet.payload[0] !== 0) {
          const c = decodeAppMessage(packet.payload).commitCandidate
          if (c !== undefined) {
            const key = hex(c.commitMessage)
            const entry = published.get(key) ?? { author: hex(c.stewardMemberId), by: new Set<number>(), welcomeBytes: new Map<number, number>() }
            published.set(key, entry)
            entry.by.add(i)
            entry.welcomeBytes.set(i, c.demlsWelcome.length)
          }
        }
        return publish(packet, options)
      }
    },
  })
  return { s, published }
}

describe('candidate echoes: a few members echo each candidate, not all of them', () => {
  it('by default exactly 3 members echo each candidate: the ones closest to its hash', async () => {
    const { members, candidates } = await echoesOfARemoval(undefined, 'few')
    expect(candidates.length).toBeGreaterThan(0)
    for (const c of candidates) {
      const expected = members.map((m, i) => (isCandidateEchoer(c.commitHash, members, c.author, m, 3) ? i : -1)).filter((i) => i >= 0)
      expect(expected).toHaveLength(3)
      expect(c.echoedBy).toEqual(expected)
    }
  })

  it('a count at or above the group size echoes from every other member; 0 from none', async () => {
    for (const c of (await echoesOfARemoval(100, 'all')).candidates) expect(c.echoedBy).toHaveLength(7)
    for (const c of (await echoesOfARemoval(0, 'none')).candidates) expect(c.echoedBy).toEqual([])
  })

  it('an echo of a candidate that adds leaves out the Welcome its author carried, and the joiner is admitted', async () => {
    const { s, published } = await recordingCandidates(undefined)
    await bootstrap(s, 'w', 7)
    await s.net.advance(1_000)
    published.clear()
    const joined = s.members[7]!.user.join('w')
    await s.until(() => s.members[7]!.user.conversation('w') !== undefined)
    await joined
    await s.until(() => converged(s, 'w') && conv(s, 0, 'w').members().length === 8)
    const { candidates } = candidatesOf(published)
    expect(candidates.length).toBeGreaterThan(0)
    for (const c of candidates) {
      expect(c.welcomeBytes.get(MEMBERS.indexOf(c.author))).toBeGreaterThan(0)
      expect(c.echoedBy.length).toBeGreaterThan(0)
      for (const i of c.echoedBy) expect(c.welcomeBytes.get(i)).toBe(0)
    }
    await s.stop()
  })
})
