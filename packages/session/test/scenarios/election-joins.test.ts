import type { UserEvent } from '../../src/index.js'
import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, hex, joining, memberIdOf, scenario } from './harness.js'

type Request = Extract<UserEvent, { type: 'own-proposal-submitted' }>['request']
const isElection = (r: Request | undefined) => r?.payload === 'stewardElection'
const addsMember = (r: Request | undefined, member: Uint8Array) => r?.payload === 'memberInvite' && hex(r.memberInvite!.memberId) === hex(member)

/**
 * With the steward list exhausted (snMax 2: every second epoch) an election
 * is due and there is no epoch steward until it lands. A join announced
 * meanwhile used to wait for the election's whole vote before anyone
 * proposed it; now the election's proposer proposes it at once, so both
 * votes run together, and the commit still waits for the elected list.
 */
describe('joins announced while a steward election is open', () => {
  it('are proposed during the election (once) and committed after it lands', async () => {
    const s = await scenario(6)
    const id = 'election-joins'
    await bootstrap(s, id, 3)
    const late = 5
    let lateJoin: ReturnType<typeof joining> | undefined
    // As soon as anyone opens an election, the late joiner announces (no probe: straight away).
    const subs = s.members.map((m) =>
      m.user.events$.subscribe((e) => {
        if (lateJoin === undefined && (e.type === 'own-proposal-submitted' || e.type === 'vote-requested') && isElection(e.request)) {
          lateJoin = joining(s, late, id, { probe: false })
        }
      }),
    )
    // Grow one joiner at a time until a commit exhausts the list and opens an election.
    for (const i of [3, 4]) {
      if (lateJoin !== undefined) break
      const j = joining(s, i, id)
      await s.until(() => j.out.done)
      expect(j.out.error).toBeUndefined()
    }
    expect(lateJoin).toBeDefined()
    await s.until(() => lateJoin!.out.done)
    expect(lateJoin!.out.error).toBeUndefined()
    for (const sub of subs) sub.unsubscribe()
    const joined = s.members.map((_, i) => i).filter((i) => s.members[i]!.user.conversation(id) !== undefined)
    await s.until(() => converged(s, id, joined) && conv(s, 0, id).members().length === joined.length)

    const lateId = memberIdOf(late)
    const present = joined.filter((i) => i !== late)
    const requested = (i: number) => s.members[i]!.events.filter((e) => e.type === 'vote-requested')
    // One proposal for the late join across the group, and one election.
    const addIds = new Set(present.flatMap((i) => requested(i).filter((e) => addsMember(e.request, lateId)).map((e) => e.proposalId)))
    expect(addIds.size).toBe(1)
    const electionIds = new Set(present.flatMap((i) => requested(i).filter((e) => isElection(e.request)).map((e) => e.proposalId)))
    expect(electionIds.size).toBe(1)
    const [addId] = addIds
    const [electionId] = electionIds
    for (const i of present) {
      const ev = s.members[i]!.events
      const at = (pred: (e: UserEvent) => boolean) => ev.findIndex(pred)
      const electionOpened = at((e) => e.type === 'vote-requested' && e.proposalId === electionId)
      const electionDecided = at((e) => e.type === 'consensus-reached' && e.proposalId === electionId && e.approved)
      const addOpened = at((e) => e.type === 'vote-requested' && e.proposalId === addId)
      const added = at((e) => e.type === 'commit-applied' && e.batch.some((r) => addsMember(r, lateId)))
      // The join was proposed and reached every member while the election was still being voted on…
      expect(electionOpened, `member ${i}`).toBeGreaterThanOrEqual(0)
      expect(addOpened, `member ${i}`).toBeGreaterThan(electionOpened)
      expect(electionDecided, `member ${i}`).toBeGreaterThan(addOpened)
      // …and committed only after the election installed the new list.
      expect(added, `member ${i}`).toBeGreaterThan(electionDecided)
    }
    await s.stop()
  }, 120_000)
})
