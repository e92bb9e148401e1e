import type { MlsService } from '@demls/mls'
import { deadlock } from '@demls/scoring'
import { describe, expect, it } from 'vitest'
import { type ConversationPluginsFactory, defaultPlugins } from '../../src/index.js'
import { type Scenario, conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario, text } from './harness.js'

/** `creator` creates `id`; the others join by announcing key packages; wait until all converge. */
async function grow(s: Scenario, id: string, creator: number, joiners: number[]) {
  await s.members[creator]!.user.createConversation(id)
  for (const j of joiners) {
    const joining = s.members[j]!.user.join(id)
    await s.until(() => s.members[j]!.user.conversation(id) !== undefined)
    await joining
  }
  await s.until(() => converged(s, id, [creator, ...joiners]) && conv(s, creator, id).members().length === joiners.length + 1)
}

/**
 * Member 0 is the one User in every conversation: `alpha` created by
 * member 1 with member 2, `beta` created by member 3, and `gamma` where it
 * is alone.
 */
async function threeConversations(s: Scenario) {
  await grow(s, 'alpha', 1, [0, 2])
  await grow(s, 'beta', 3, [0])
  await s.members[0]!.user.createConversation('gamma')
}

/** Everything observable about one member's view of a conversation. */
function snapshot(s: Scenario, i: number, id: string): string {
  const c = conv(s, i, id).conversation
  return JSON.stringify(
    {
      epoch: c.epoch(),
      authenticator: hex(c.epochAuthenticator()),
      members: c.members().map(hex),
      stewards: c.stewards().map(hex),
      scores: c.memberScores().map((e) => [hex(e.memberId), e.score]),
      state: c.state(),
      mode: c.mode(),
      approved: c.approvedCount(),
      pending: c.pendingUpdateCount(),
      round: c.electionRound(),
    },
    (_, v) => (typeof v === 'bigint' ? v.toString() : v),
  )
}

const said = (s: Scenario, i: number, id: string) =>
  eventsOf(s, i, 'message').filter((e) => e.conversationId === id).map((e) => new TextDecoder().decode(e.body))

const config = { stewardList: { snMin: 1, snMax: 5 } }

describe('multi-conversation isolation (reference 3.0 multi_conversation_isolation)', () => {
  it('traffic, votes, a commit, an emergency and recovery mode in one conversation leave the others untouched', async () => {
    const s = await scenario(4, { config })
    await threeConversations(s)
    // Let the bootstrap's vote echoes land first (each vote is sent once more, half a consensus timeout later).
    await s.net.advance(conv(s, 0, 'beta').conversation.config().consensusTimeoutMs)
    const before = { beta0: snapshot(s, 0, 'beta'), beta3: snapshot(s, 3, 'beta'), gamma: snapshot(s, 0, 'gamma') }
    const alphaEpoch = conv(s, 0, 'alpha').epoch()
    const mark = s.members[0]!.events.length
    const betaMessages: string[] = []
    conv(s, 0, 'beta').messages$.subscribe((m) => betaMessages.push(new TextDecoder().decode(m.body)))

    // alpha: chat, then a removal with a manual vote, committed.
    await conv(s, 1, 'alpha').sendMessage(text('alpha chat'))
    const pid = (await conv(s, 1, 'alpha').removeMember(memberIdOf(2)))!
    await s.until(() => eventsOf(s, 0, 'vote-requested').some((e) => e.proposalId === pid))
    await conv(s, 0, 'alpha').vote(pid, true)
    await s.until(() => converged(s, 'alpha', [0, 1]) && conv(s, 0, 'alpha').members().length === 2)
    expect(conv(s, 0, 'alpha').epoch()).toBe(alphaEpoch + 1n)
    // alpha: an accepted Deadlock ECP: recovery mode and a forced freeze.
    await conv(s, 1, 'alpha').submitEmergency(deadlock(conv(s, 1, 'alpha').epoch()))
    await s.until(() => conv(s, 0, 'alpha').conversation.mode() === 'recovery')
    expect(conv(s, 0, 'alpha').state()).toBe('freezing')
    // beta keeps chatting both ways while alpha is frozen.
    await conv(s, 0, 'beta').sendMessage(text('beta while alpha freezes'))
    await conv(s, 3, 'beta').sendMessage(text('beta reply'))
    await s.until(() => said(s, 3, 'beta').length === 1 && said(s, 0, 'beta').length === 1)
    expect(conv(s, 0, 'alpha').state()).toBe('freezing')
    await s.until(() => conv(s, 0, 'alpha').state() === 'working')
    expect(conv(s, 0, 'alpha').conversation.mode()).toBe('recovery')

    // beta and gamma: not one field changed, on either side.
    expect(snapshot(s, 0, 'beta')).toBe(before.beta0)
    expect(snapshot(s, 3, 'beta')).toBe(before.beta3)
    expect(snapshot(s, 0, 'gamma')).toBe(before.gamma)
    // Every event is tagged with its conversation: beta saw only its chat, gamma nothing.
    const tagged = s.members[0]!.events.slice(mark)
    expect(tagged.filter((e) => e.conversationId === 'beta').map((e) => e.type)).toEqual(['message'])
    expect(tagged.filter((e) => e.conversationId === 'gamma')).toEqual([])
    for (const e of tagged) if (e.type === 'phase-change' || e.type === 'consensus-reached' || e.type === 'commit-applied') expect(e.conversationId).toBe('alpha')
    expect(said(s, 0, 'alpha')).toEqual(['alpha chat'])
    expect(betaMessages).toEqual(['beta reply'])
    await s.stop()
  })

  it('a missed commit and its catch-up in one conversation never touch the other, which moves on meanwhile', async () => {
    const s = await scenario(5, { config })
    await threeConversations(s)
    const alphaEpoch = conv(s, 0, 'alpha').epoch()
    // Member 0 is cut off from alpha's other members (not from beta's).
    s.net.partition([s.members[0]!.name], [s.members[1]!.name, s.members[2]!.name])
    await conv(s, 1, 'alpha').removeMember(memberIdOf(2))
    await s.until(() => eventsOf(s, 2, 'leaving').length === 1)
    // beta grows meanwhile: member 4 joins it.
    const joining = s.members[4]!.user.join('beta')
    await s.until(() => s.members[4]!.user.conversation('beta') !== undefined)
    await joining
    await s.until(() => converged(s, 'beta', [0, 3, 4]) && conv(s, 0, 'beta').members().length === 3)
    expect(conv(s, 0, 'alpha').epoch()).toBe(alphaEpoch) // still behind in alpha
    const beta = snapshot(s, 0, 'beta')
    const mark = s.members[0]!.events.length
    // Reachable again: member 0 catches up in alpha only.
    s.net.heal()
    await s.until(() => converged(s, 'alpha', [0, 1]) && conv(s, 0, 'alpha').members().length === 2)
    expect(conv(s, 0, 'alpha').epoch()).toBe(alphaEpoch + 1n)
    expect(snapshot(s, 0, 'beta')).toBe(beta)
    const commits = s.members[0]!.events.slice(mark).filter((e) => e.type === 'commit-applied')
    expect(commits.map((e) => e.conversationId)).toEqual(['alpha'])
    await s.stop()
  })

  it("a stalled MLS call in one conversation does not block another's calls (per-conversation serialisation)", async () => {
    let release: () => void = () => undefined
    let gate: Promise<void> | undefined
    const stall = (g: MlsService | undefined): MlsService | undefined =>
      g &&
      new Proxy(g, {
        get(target, p) {
          const v = Reflect.get(target, p, target)
          if (p === 'encrypt' && target.conversationId === 'alpha') {
            return async (...args: Parameters<MlsService['encrypt']>) => {
              if (gate) await gate
              return target.encrypt(...args)
            }
          }
          return typeof v === 'function' ? v.bind(target) : v
        },
      })
    const shared = await defaultPlugins(keyFor(0))
    const plugins: ConversationPluginsFactory = {
      ...shared,
      createMls: async (id, now) => stall(await shared.createMls(id, now))!,
      welcomeMls: async (...args) => stall(await shared.welcomeMls(...args)),
    }
    const s = await scenario(4, { config, plugins: (i) => (i === 0 ? plugins : {}) })
    await threeConversations(s)
    const now = s.net.clock.now()
    const alpha = conv(s, 0, 'alpha').conversation
    const beta = conv(s, 0, 'beta').conversation
    gate = new Promise((r) => (release = r))
    // alpha is stuck inside MLS; beta sends, receives and polls regardless (no virtual time passes).
    let alphaSent = false
    const stuck = alpha.sendMessage(text('alpha, late'), now).then(() => (alphaSent = true))
    await beta.sendMessage(text('beta, on time'), now)
    const [packet] = beta.drainOutbound()
    await conv(s, 3, 'beta').conversation.receive(packet!, now)
    expect(conv(s, 3, 'beta').conversation.drainEvents().some((e) => e.type === 'message')).toBe(true)
    await beta.poll(now)
    expect(alphaSent).toBe(false)
    release()
    await stuck
    expect(alpha.drainOutbound()).toHaveLength(1)
    await s.stop()
  })
})
