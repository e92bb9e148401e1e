import { encodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { FAST_TIMING, LAN_TIMING, resolveConfig } from '../../src/index.js'
import { capturingPlugins } from './capture-groups.js'
import { type Scenario, bootstrapElected, conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

// `freezeEndsOnBestCandidate` (beyond the reference): a freeze ends as soon
// as the epoch steward's candidate carrying the whole commit prefix is held
// and valid, instead of waiting for every eligible steward's candidate.

const ID = 'fb'
/** Long enough that waiting it out is unmistakable. */
const FREEZE_MS = 5_000

/** Who holds each role in `ID` as member 0 sees it. */
function roles(s: Scenario): { epochSteward: number; backup: number; plain: [number, number] } {
  const byId = Object.fromEntries(conv(s, 0, ID).memberRoles().map((e) => [hex(e.memberId), e.role]))
  const of = (role: string) => [0, 1, 2, 3].filter((i) => byId[hex(memberIdOf(i))] === role)
  const plain = of('member')
  expect(of('epoch-steward')).toHaveLength(1)
  expect(of('backup-steward')).toHaveLength(1)
  expect(plain).toHaveLength(2)
  return { epochSteward: of('epoch-steward')[0]!, backup: of('backup-steward')[0]!, plain: [plain[0]!, plain[1]!] }
}

/**
 * Four members, two stewards (sn = (1, 2)). The backup steward is not
 * heard during the round (it receives, as when its CPU is seconds behind
 * or its uplink is down): it builds its candidate, but nobody gets it.
 * One plain member proposes removing the other; returns how long the
 * proposer spent in Freezing and who committed.
 */
async function removalWithSilentBackup(on: boolean) {
  const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 2 }, freezeDurationMs: FREEZE_MS, freezeEndsOnBestCandidate: on } })
  await bootstrapElected(s, ID, 2)
  const { epochSteward, backup, plain } = roles(s)
  const [observer, target] = plain
  s.net.mute(s.members[backup]!.name)
  const e0 = conv(s, observer, ID).epoch()
  // When the observer entered Freezing (with the option, it can also leave it in the same delivery).
  const at: { froze?: number } = {}
  const sub = s.members[observer]!.user.events$.subscribe((e) => {
    if (e.type === 'phase-change' && e.state === 'freezing') at.froze ??= s.net.clock.now()
  })
  await conv(s, observer, ID).removeMember(memberIdOf(target))
  await s.until(() => conv(s, observer, ID).epoch() > e0)
  sub.unsubscribe()
  const froze = s.net.clock.now() - at.froze!
  s.net.unmute(s.members[backup]!.name)
  const applied = eventsOf(s, observer, 'commit-applied').at(-1)!
  await s.until(() => converged(s, ID, [epochSteward, backup, observer]) && conv(s, backup, ID).members().length === 3)
  const minted = eventsOf(s, backup, 'freeze-progress').length > 0
  await s.stop()
  return { froze, committer: hex(applied.committer), epochSteward: hex(memberIdOf(epochSteward)), minted }
}

/**
 * Four members, two stewards; the epoch steward is muted (it hears but is
 * not heard). A plain member's removal of the other is approved; then the
 * observer alone is handed a candidate signed by the epoch steward that
 * removes the observer instead (BrokenMlsProposal). The backup takes over
 * and its valid candidate must win, with the same penalties, whether or
 * not the freeze may end early.
 */
async function brokenBestCandidate(on: boolean) {
  const { groups, plugins } = await capturingPlugins(4)
  const s = await scenario(4, { config: { stewardList: { snMin: 1, snMax: 2 }, freezeDurationMs: FREEZE_MS, freezeEndsOnBestCandidate: on }, plugins })
  await bootstrapElected(s, ID, 2)
  const { epochSteward, backup, plain } = roles(s)
  const [observer, target] = plain
  const scoreOf = (member: number) => conv(s, observer, ID).conversation.memberScores().find((e) => hex(e.memberId) === hex(memberIdOf(member)))!.score
  const before = scoreOf(epochSteward)
  s.net.mute(s.members[epochSteward]!.name)
  const e0 = conv(s, observer, ID).epoch()
  const id = await conv(s, observer, ID).removeMember(memberIdOf(target))
  await s.until(() => eventsOf(s, observer, 'consensus-reached').some((e) => e.proposalId === id && e.approved))
  const built = await groups.get(epochSteward)!.createCommitCandidate([{ action: 'remove', memberId: memberIdOf(observer) }], { nowMs: s.net.clock.now() })
  const c = conv(s, observer, ID).conversation
  const payload = encodeAppMessage({
    commitCandidate: { conversationId: new TextEncoder().encode(ID), mlsProposals: built.proposals, commitMessage: built.commit, stewardMemberId: memberIdOf(epochSteward) },
  })
  // Count the observer's stagings: with the option the broken candidate is tried at once.
  const mls = groups.get(observer)!
  let staged = 0
  const stage = mls.stageRemoteCommit.bind(mls)
  mls.stageRemoteCommit = (input) => {
    staged++
    return stage(input)
  }
  await c.receive({ subtopic: 'app', payload }, s.net.clock.now())
  // Tried at once with the option, refused, and the freeze goes on: no selection, no penalty yet.
  const afterBroken = { state: c.state(), epoch: c.epoch(), score: scoreOf(epochSteward), staged }
  await s.until(() => conv(s, observer, ID).epoch() > e0)
  const applied = eventsOf(s, observer, 'commit-applied').at(-1)!
  await s.until(() => converged(s, ID, [backup, observer]) && conv(s, backup, ID).members().length === 3)
  const result = {
    afterBroken,
    committer: hex(applied.committer),
    removed: applied.batch.map((r) => hex(r.removeMember?.memberId ?? new Uint8Array())),
    penalty: before - scoreOf(epochSteward),
    reelection: eventsOf(s, observer, 'phase-change').some((e) => e.state === 'reelection'),
  }
  await s.stop()
  return { ...result, before, e0, backup: hex(memberIdOf(backup)), target: hex(memberIdOf(target)) }
}

describe('freezeEndsOnBestCandidate', () => {
  it('is off by default and in FAST_TIMING, on in LAN_TIMING', () => {
    expect(resolveConfig().freezeEndsOnBestCandidate).toBe(false)
    expect(resolveConfig(FAST_TIMING).freezeEndsOnBestCandidate).toBe(false)
    expect(resolveConfig(LAN_TIMING).freezeEndsOnBestCandidate).toBe(true)
  })

  it("ends the freeze on the epoch steward's valid candidate without waiting for the backup's; without it the freeze waits out its window", async () => {
    const on = await removalWithSilentBackup(true)
    expect(on.committer).toBe(on.epochSteward)
    expect(on.minted).toBe(true) // the backup did build its candidate: only its delivery was missing
    expect(on.froze).toBeLessThan(1_000)
    const off = await removalWithSilentBackup(false)
    expect(off.committer).toBe(off.epochSteward) // the same commit wins
    expect(off.froze).toBeGreaterThanOrEqual(FREEZE_MS)
  })

  it("a broken candidate of the epoch steward does not end the freeze: the backup's wins, with the same penalties as without the option", async () => {
    const on = await brokenBestCandidate(true)
    expect(on.afterBroken.staged).toBe(1) // tried early and refused
    expect(on.afterBroken.state).toBe('freezing')
    expect(on.afterBroken.epoch).toBe(on.e0)
    expect(on.afterBroken.score).toBe(on.before) // no penalty before the selection judges it
    const off = await brokenBestCandidate(false)
    expect(off.afterBroken.staged).toBe(0) // without the option nothing is tried before the freeze ends
    expect(off.afterBroken.state).toBe('freezing')
    for (const r of [on, off]) {
      expect(r.committer).toBe(r.backup)
      expect(r.removed).toEqual([r.target])
      expect(r.reelection).toBe(false)
    }
    // BrokenMlsProposal (−30) once, and CensorshipInactivity (−40): its candidate was broken and another committed.
    expect(on.penalty).toBe(70n)
    expect(off.penalty).toBe(on.penalty)
  })
})
