import { decodeAppMessage, encodeAppMessage, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationConfigInit, ConversationEvent } from '../../src/index.js'
import { capturingPlugins } from './capture-groups.js'
import { bootstrap, conv, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/** Every member's MLS group is captured so a test can act as a misbehaving member. */
async function setup(n = 3, config: ConversationConfigInit = {}) {
  const { groups, plugins } = await capturingPlugins(n)
  // sn = (1, 1): one steward; nobody else may commit.
  const s = await scenario(n, { config: { stewardList: { snMin: 1, snMax: 1 }, ...config }, plugins })
  await bootstrap(s, 'v')
  const all = Array.from({ length: n }, (_, i) => i)
  const steward = all.find((i) => conv(s, i, 'v').conversation.isSteward())!
  const others = all.filter((i) => i !== steward) as [number, number, ...number[]]
  return { s, groups, steward, others }
}

/** Approve removing `target` (proposed by `by`), with the steward muted so it never commits. */
async function approveRemoval(s: Awaited<ReturnType<typeof setup>>['s'], steward: number, by: number, target: number, observer: number) {
  s.net.mute(s.members[steward]!.name)
  const id = await conv(s, by, 'v').removeMember(memberIdOf(target))
  await s.until(() => eventsOf(s, observer, 'consensus-reached').some((e) => e.proposalId === id && e.approved))
}

/** Hand a crafted candidate to `observer` and return what it reported. */
async function deliverCandidate(
  s: Awaited<ReturnType<typeof setup>>['s'],
  observer: number,
  built: { proposals: Uint8Array[]; commit: Uint8Array },
  claimed: Uint8Array,
): Promise<ConversationEvent[]> {
  const c = conv(s, observer, 'v').conversation
  c.drainEvents()
  const payload = encodeAppMessage({
    commitCandidate: { conversationId: new TextEncoder().encode('v'), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: claimed },
  })
  await c.receive({ subtopic: 'app', payload }, s.net.clock.now())
  await c.poll(s.net.clock.now() + 10_000) // past the freeze window: selection runs
  return c.drainEvents()
}

/** The catch-up requests `member` has queued to send, as `from <epoch>` (plus the commit hash a request names). */
function commitRequestsOf(s: Awaited<ReturnType<typeof setup>>['s'], member: number): string[] {
  return conv(s, member, 'v')
    .conversation.drainOutbound()
    .flatMap((p) => {
      try {
        const r = decodeAppMessage(p.payload).demlsControl?.commitRequest
        return r === undefined ? [] : [`from ${r.fromEpoch}${r.commitHash.length > 0 ? ` ${toHex(r.commitHash)}` : ''}`]
      } catch {
        return []
      }
    })
}

const scoreOf = (s: Awaited<ReturnType<typeof setup>>['s'], observer: number, member: number) =>
  conv(s, observer, 'v').conversation.memberScores().find((e) => hex(e.memberId) === hex(memberIdOf(member)))?.score

describe('violations detected in Selection (reference 3.0 core_violations)', () => {
  it('a member cannot commit its own approved removal (MLS refuses it)', async () => {
    const { s, groups, steward, others } = await setup()
    const [forger, observer] = others
    await approveRemoval(s, steward, observer, forger, observer)
    const built = await groups.get(forger)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(forger) }]).catch(() => undefined)
    expect(built).toBeUndefined() // MLS forbids committing one's own removal
    await s.stop()
  })

  it('forged steward identity on a valid batch: BrokenCommit on the real committer', async () => {
    const { s, groups, steward, others } = await setup()
    const [forger, observer] = others
    // Approve removing the observer, so the forger can build the exact approved batch.
    await approveRemoval(s, steward, forger, observer, forger)
    await s.until(() => conv(s, observer, 'v').conversation.approvedCount() === 1)
    const built = await groups.get(forger)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(observer) }], { nowMs: s.net.clock.now() })
    const before = scoreOf(s, observer, forger)!
    const events = await deliverCandidate(s, observer, built, memberIdOf(steward))
    expect(events.some((e) => e.type === 'commit-applied')).toBe(false)
    expect(scoreOf(s, observer, forger)).toBe(before - 50n)
    await s.stop()
  })

  it('committer not on the steward list: MisbehavingCommit (−10) on it, and the commit is refused', async () => {
    const { s, groups, steward, others } = await setup()
    const [outsider, observer] = others
    await approveRemoval(s, steward, outsider, observer, outsider)
    await s.until(() => conv(s, observer, 'v').conversation.approvedCount() === 1)
    const built = await groups.get(outsider)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(observer) }], { nowMs: s.net.clock.now() })
    const before = scoreOf(s, observer, outsider)!
    const events = await deliverCandidate(s, observer, built, memberIdOf(outsider))
    expect(events.some((e) => e.type === 'commit-applied')).toBe(false)
    expect(scoreOf(s, observer, outsider)).toBe(before - 10n)
    await s.stop()
  })

  it('(action, target) mismatch: the steward commits other work than approved → BrokenMlsProposal (−30)', async () => {
    const { s, groups, steward, others } = await setup()
    const [target, observer] = others
    await approveRemoval(s, steward, observer, target, observer)
    // The steward commits the removal of the observer instead of the approved target.
    const built = await groups.get(steward)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(observer) }], { nowMs: s.net.clock.now() })
    const before = scoreOf(s, observer, steward)!
    const events = await deliverCandidate(s, observer, built, memberIdOf(steward))
    expect(events.some((e) => e.type === 'commit-applied')).toBe(false)
    // BrokenMlsProposal (−30) for the mismatch, and CensorshipInactivity (−40) because the
    // freeze ended with approved work and no valid candidate from the epoch steward (Layer 2).
    expect(scoreOf(s, observer, steward)).toBe(before - 30n - 40n)
    expect(events.some((e) => e.type === 'phase-change' && e.state === 'reelection')).toBe(true)
    // The freeze says why it ended without a commit: the candidate, its verdict, and how it differs from our prefix.
    const why = events.flatMap((e) => (e.type === 'dropped' && e.detail?.startsWith('no candidate applied') ? [e.detail] : []))
    const short = (i: number) => toHex(memberIdOf(i)).slice(0, 8)
    expect(why).toEqual([
      `no candidate applied: ${short(steward)}: BrokenMlsProposal; carries remove:${short(observer)} (not approved here) beyond our prefix of 1, leaves out remove:${short(target)}`,
    ])
    // And it asks the group for the commit that left its epoch, with its proof, at once: the committer and the
    // stewards answer with each change's certificate (here nobody merged one, so nothing comes).
    expect(commitRequestsOf(s, observer)).toEqual([`from ${conv(s, observer, 'v').conversation.epoch()}`])
    await s.stop()
  })

  it('a candidate carrying an approval that has not reached us yet costs its steward nothing (no censorship penalty)', async () => {
    const { s, groups, steward, others } = await setup()
    const [target, observer] = others
    await approveRemoval(s, steward, observer, target, observer)
    // The steward also saw the observer's removal approved (its votes reached the steward first): two removals.
    const built = await groups.get(steward)!.createCommitCandidate(
      [
        { action: 'remove', memberId: memberIdOf(target) },
        { action: 'remove', memberId: memberIdOf(observer) },
      ],
      { nowMs: s.net.clock.now() },
    )
    const before = scoreOf(s, observer, steward)!
    const events = await deliverCandidate(s, observer, built, memberIdOf(steward))
    expect(events.some((e) => e.type === 'commit-applied')).toBe(false)
    // The reference charges CensorshipInactivity (−40): the steward did commit, against approvals we lacked.
    expect(scoreOf(s, observer, steward)).toBe(before)
    // The approval we lack may be the group's: ask for the commit that left our epoch, with its proof, at once.
    expect(commitRequestsOf(s, observer)).toEqual([`from ${conv(s, observer, 'v').conversation.epoch()}`])
    await s.stop()
  })

  it('a candidate whose other work is still being voted on in our view costs its steward nothing (beyond the reference)', async () => {
    // Four members, long consensus timeouts: a proposal with one YES and one NO stays open.
    const { s, groups, steward, others } = await setup(4, { consensusTimeoutMs: 120_000 })
    const [target, observer, quiet] = others as [number, number, number]
    await approveRemoval(s, steward, observer, target, observer)
    // The target proposes the observer's removal; the observer votes NO and the fourth member is silent, so it is
    // still open at the observer. The steward saw it approved (votes that reached the steward first, in the real
    // case) and commits it in place of the target's removal: the same count, other work.
    s.net.mute(s.members[quiet]!.name)
    const late = (await conv(s, target, 'v').removeMember(memberIdOf(observer)))!
    await s.until(() => eventsOf(s, observer, 'vote-requested').some((e) => e.proposalId === late))
    await conv(s, observer, 'v').vote(late, false)
    const built = await groups.get(steward)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(observer) }], { nowMs: s.net.clock.now() })
    const before = scoreOf(s, observer, steward)!
    const events = await deliverCandidate(s, observer, built, memberIdOf(steward))
    expect(events.some((e) => e.type === 'consensus-reached' && e.proposalId === late)).toBe(false)
    expect(events.some((e) => e.type === 'commit-applied')).toBe(false)
    // The reference charges BrokenMlsProposal (−30) and CensorshipInactivity (−40) (the mismatch test above).
    expect(scoreOf(s, observer, steward)).toBe(before)
    await s.stop()
  })
})
