import type { MemoryTransport } from '@demls/transport-memory'
import { JoinRejectReason, decodeWelcomeChannelMessage, encodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { type JoinRejectedProgress, RejectedError, WelcomeTimeoutError } from '../../src/index.js'
import { bootstrap, bootstrapInvited, conv, hex, joining, memberIdOf, scenario } from './harness.js'

/** The verified rejection progress of a join. */
const rejections = (progress: readonly { phase: string }[]) => progress.filter((p): p is JoinRejectedProgress => p.phase === 'rejected')

/**
 * Issue 53: a refused joiner learns why, from the member that reports the
 * vote (the reason is signed with its REJECTED status, JoinStatus field 100).
 */
describe('a rejected joiner learns why', () => {
  it("not invited: a joiner nobody vouched for fails with RejectedError reason 'not-invited', told to ask for an invitation or knock", async () => {
    const s = await scenario(4, { config: { admission: 'invite' } })
    await bootstrapInvited(s, 'closed', 3)
    const j = joining(s, 3, 'closed', { retry: { initialMs: 60_000, maxMs: 60_000 } })
    await s.until(() => j.out.done)
    const err = j.out.error as RejectedError
    expect(err).toBeInstanceOf(RejectedError)
    expect(err.reason).toBe('not-invited')
    expect(err.shortMessage).toContain('we were not invited: ask a member for an invitation (an invite link) and join again, or knock')
    expect([0, 1, 2].map((i) => hex(memberIdOf(i)))).toContain(hex(err.responder))
    // The progress says it too, with the error the join fails with.
    const [rejected, ...more] = rejections(j.progress)
    expect(more).toEqual([])
    expect(rejected).toMatchObject({ phase: 'rejected', reason: 'not-invited', proposalId: err.proposalId })
    expect(rejected!.error).toBe(err)
    await s.stop()
  }, 60_000)

  it("voted no: in an open group whose members vote NO the reason is 'voted-no'", async () => {
    const s = await scenario(3)
    await bootstrap(s, 'no', 2)
    for (const i of [0, 1]) {
      s.members[i]!.user.events$.subscribe((e) => {
        if (e.type === 'vote-requested' && e.request?.payload === 'memberInvite') void conv(s, i, 'no').vote(e.proposalId, false)
      })
    }
    const j = joining(s, 2, 'no')
    await s.until(() => j.out.done)
    expect(j.out.error).toBeInstanceOf(RejectedError)
    expect((j.out.error as RejectedError).reason).toBe('voted-no')
    expect(rejections(j.progress).map((p) => p.reason)).toEqual(['voted-no'])
    await s.stop()
  }, 60_000)

  it('a reason altered in transit breaks the status signature: the joiner ignores that REJECTED (and times out instead)', async () => {
    let altered = 0
    /** Every REJECTED status the members publish reaches the network with its reason changed (signature kept). */
    const tamper = (t: MemoryTransport) => {
      const publish = t.publish.bind(t)
      t.publish = async (packet, options) => {
        if (packet.subtopic !== 'welcome') return publish(packet, options)
        let msg: ReturnType<typeof decodeWelcomeChannelMessage>
        try {
          msg = decodeWelcomeChannelMessage(packet.payload)
        } catch {
          return publish(packet, options)
        }
        const st = msg.joinStatus
        if (st === undefined || st.rejectReason !== JoinRejectReason.JOIN_REJECT_REASON_NOT_INVITED) return publish(packet, options)
        altered++
        const joinStatus = { ...st, rejectReason: JoinRejectReason.JOIN_REJECT_REASON_VOTED_NO }
        return publish({ ...packet, payload: encodeWelcomeChannelMessage({ joinStatus }) }, options)
      }
    }
    const s = await scenario(4, { config: { admission: 'invite' }, transport: (i, t) => (i < 3 ? tamper(t) : undefined) })
    await bootstrapInvited(s, 'tamper', 3)
    const j = joining(s, 3, 'tamper', { timeoutMs: 20_000, retry: { initialMs: 60_000, maxMs: 60_000 } })
    await s.until(() => j.out.done, 30_000)
    expect(altered).toBeGreaterThan(0)
    expect(j.out.error).toBeInstanceOf(WelcomeTimeoutError)
    expect(rejections(j.progress)).toEqual([])
    await s.stop()
  }, 60_000)
})
