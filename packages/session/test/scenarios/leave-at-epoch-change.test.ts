import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/index.js'
import { FAST, type Scenario, bootstrap, bootstrapInvited, conv, converged, eventsOf, hex, joining, memberIdOf, scenario } from './harness.js'

// Issue 56: a self-leave has one outcome for the whole group. A leave is decided
// the moment it arrives, by the member it arrives at (its owner's YES is its only
// vote), so members that did not receive it — they had already merged the commit
// it crossed, they joined by that commit, or they were cut off — held another
// view of the group's approved work than the rest: they refused the commits and
// the election that followed and stayed behind for good.

const batchWindowMs = resolveConfig({ ...FAST, admission: 'invite' }).commitBatchWindowMs

/** Members 0–4 are the group; 5 joins (N). */
const N = 5

/**
 * Five members (admission by invitation, the default), then member 0
 * invites N and N joins. The epoch steward freezes one batch window after
 * the group approved the join and merges its own candidate in the same
 * step (`T`); the others merge it one network hop (5 ms) later. Y leaves
 * at `T + leaveAt`; at `T + removeAt` (20 ms) member 1 proposes removing X, and every
 * member but X (N included) votes YES explicitly, so that the commit after
 * the Welcome removes X and Y together. Returns once every remaining
 * member converged (or throws after a minute of virtual time).
 */
async function leaveAcrossTheWelcome(s: Scenario, id: string, x: number, y: number, leaveAt: number, removeAt = 20) {
  await bootstrapInvited(s, id, 5)
  for (const i of [0, 1, 2, 3, 4, N].filter((i) => i !== x)) {
    s.members[i]!.user.events$.subscribe((e) => {
      if (e.type === 'vote-requested' && e.request?.removeMember && hex(e.request.removeMember.memberId) === hex(memberIdOf(x))) {
        s.net.clock.track(conv(s, i, id).vote(e.proposalId, true))
      }
    })
  }
  const steward = [0, 1, 2, 3, 4].find((i) => conv(s, i, id).conversation.isEpochSteward())!
  const epoch = conv(s, 0, id).epoch()
  await conv(s, 0, id).invite(memberIdOf(N))
  await s.net.advance(50)
  const mark = s.members[steward]!.events.length
  let mergedAt: number | undefined
  const sub = s.members[steward]!.user.events$.subscribe((e) => {
    if (e.type === 'commit-applied' && e.epoch === epoch + 1n) mergedAt = s.net.clock.now()
  })
  const joined = joining(s, N, id)
  const approved = () => s.members[steward]!.events.slice(mark).some((e) => e.type === 'consensus-reached' && e.approved && e.request?.memberInvite !== undefined)
  await s.until(approved, 30_000)
  const t = s.net.clock.now() + batchWindowMs
  s.net.clock.setTimer(() => s.net.clock.track(conv(s, 1, id).removeMember(memberIdOf(x))), t + removeAt - s.net.clock.now())
  s.net.clock.setTimer(() => s.net.clock.track(conv(s, y, id).leave()), t + leaveAt - s.net.clock.now())
  await s.until(() => joined.out.done, 30_000)
  expect(joined.out.error).toBeUndefined()
  // The shape this test is about: the steward merged the commit welcoming N at T, as above.
  sub.unsubscribe()
  const welcomed = eventsOf(s, steward, 'commit-applied').find((e) => e.epoch === epoch + 1n)
  expect(welcomed?.batch.some((r) => r.memberInvite !== undefined)).toBe(true)
  expect(mergedAt).toBe(t)
  const remaining = [0, 1, 2, 3, 4, N].filter((i) => i !== x && i !== y)
  const gone = (i: number) => s.members[i]!.user.conversation(id) === undefined
  await s.until(() => gone(x) && gone(y) && converged(s, id, remaining), 60_000)
  // Ample time after: nothing moves any more.
  await s.net.advance(20_000)
  expect(converged(s, id, remaining)).toBe(true)
  expect(conv(s, remaining[0]!, id).members().map(hex).sort()).toEqual(remaining.map((i) => hex(memberIdOf(i))).sort())
  for (const i of [x, y]) {
    // Removed: told so (`leaving`), and its conversation is closed.
    expect(eventsOf(s, i, 'leaving').length, `m${i} learned it left`).toBe(1)
    expect(gone(i)).toBe(true)
  }
  const refused = remaining.flatMap((i) => eventsOf(s, i, 'dropped')).filter((e) => (e.detail ?? '').includes('no verifiable approval'))
  expect(refused).toEqual([])
  return remaining
}

describe('a leave sent while the group moves to the epoch that welcomes a new member (issue 56)', () => {
  it('sent 2 ms before the steward merges: the steward, which dropped it as late, and N, which joined after it, end on the group’s epoch', async () => {
    // Before: the members still at the old epoch approved the leave, the steward (already past it) dropped it,
    // and N never saw it; they then disagreed on what to commit and on the next election's candidate pool,
    // refused the group's list and its commits ("committer … not on the steward list") and stayed behind.
    const s = await scenario(6, { config: { admission: 'invite' } })
    await leaveAcrossTheWelcome(s, 'law-before', 3, 4, -2)
    await s.stop()
  }, 120_000)

  it('sent 2 ms after the steward merged (before the leaver did): the leave reaches everyone, N included', async () => {
    // Before: everyone had merged by the time it arrived and dropped it as late; only the leaver held it and sat
    // in Reelection with it, a member for good.
    const s = await scenario(6, { config: { admission: 'invite' } })
    await leaveAcrossTheWelcome(s, 'law-after', 4, 3, 2)
    await s.stop()
  }, 120_000)
})

describe('a member that missed a leave catches up on its commit', () => {
  it('from the certificate the replay carries: the leaver’s signed YES, bound to its proposal (no vote, no merge quorum needed)', async () => {
    // Four members: the commit removing the leaver is attested by one member besides its committer, short of
    // the merge quorum (2 of 4), so only the leave's own proof can convince the member cut off. Before, a
    // self-leave travelled without its binding: the certificate held no vote anyone could check, and the
    // member refused every replay ("no verifiable approval for remove:<leaver>") for good.
    const s = await scenario(4)
    const id = 'missed-leave'
    await bootstrap(s, id, 4)
    const steward = [0, 1, 2, 3].find((i) => conv(s, i, id).conversation.isEpochSteward())!
    const [leaver, cut, other] = [0, 1, 2, 3].filter((i) => i !== steward) as [number, number, number]
    const epoch = conv(s, steward, id).epoch()
    s.net.partition([s.members[cut]!.name])
    await conv(s, leaver, id).leave()
    await s.until(() => eventsOf(s, leaver, 'leaving').length === 1, 30_000)
    await s.until(() => converged(s, id, [steward, other]) && conv(s, steward, id).epoch() === epoch + 1n, 30_000)
    expect(conv(s, cut, id).epoch()).toBe(epoch)
    s.net.heal()
    await s.until(() => converged(s, id, [steward, other, cut]), 60_000)
    expect(conv(s, cut, id).members().length).toBe(3)
    expect(eventsOf(s, cut, 'commit-applied').at(-1)).toMatchObject({ source: 'catch-up', epoch: epoch + 1n })
    const refused = eventsOf(s, cut, 'dropped').filter((e) => (e.detail ?? '').includes('no verifiable approval'))
    expect(refused).toEqual([])
    await s.stop()
  }, 120_000)
})

describe('a joiner that never held the approval of a removal decided the epoch before it joined (issue 56, one outcome per proposal)', () => {
  it('installs the recovery election from its signed votes, though its own pool still holds the removed member', async () => {
    // X's removal is proposed 10 ms before the commit that welcomes N and approved just after it: N never
    // holds its approval (proposal and votes framed in the epoch before N's), so the recovery election's
    // pool, without X, does not regenerate over N's. Before, N refused the election ("elected list does not
    // regenerate from our members"), then every commit of its stewards ("committer … not on the steward
    // list"), and stayed in Reelection at its join epoch. Now the election's certificate (the signed YES of
    // the epoch's members, by the group's rule) wins over N's view.
    const s = await scenario(6, { config: { admission: 'invite' } })
    const remaining = await leaveAcrossTheWelcome(s, 'law-before', 3, 4, -2, -10)
    const stewards = remaining.map((i) => conv(s, i, 'law-before').conversation.stewards().map(hex).join())
    expect(new Set(stewards).size).toBe(1)
    const drops = eventsOf(s, N, 'dropped').map((e) => e.detail ?? '')
    expect(drops.filter((d) => d.includes('does not regenerate') || d.includes('not on the steward list'))).toEqual([])
    await s.stop()
  }, 120_000)
})

