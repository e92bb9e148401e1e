import { encodeWelcomeChannelMessage, topicFor, wrapOutbound } from '@demls/wire'
import { SEEN_ANNOUNCEMENTS_LIMIT } from '../../src/user/join/seen-announcements.js'
import { describe, expect, it } from 'vitest'
import { bootstrap, conv, converged, joining, scenario } from './harness.js'

/** A retry schedule that never re-announces within these tests. */
const ONCE = { initialMs: 3_600_000, maxMs: 3_600_000 }

describe('a joiner carries the announcements it saw while its own join was pending', () => {
  it('an announcement only a pending joiner heard is proposed once that joiner is a member: its author never re-announces', async () => {
    // Every settled member is a steward: once the carrier is settled (one more commit), it proposes what it holds.
    const s = await scenario(5, { config: { stewardList: { snMin: 1, snMax: 5 } } })
    const id = 'carry'
    await bootstrap(s, id, 2)
    const [carrier, late] = [2, 3]
    // The late joiner reaches only the carrier: the group never hears its announcement.
    s.net.partition([s.members[late]!.name], [s.members[0]!.name, s.members[1]!.name])
    const carrying = joining(s, carrier, id)
    await s.until(() => s.members[carrier]!.user.transport.getTopics().includes(topicFor(id, 'welcome')))
    const published = () => s.net.transport(s.members[late]!.name).publishStats().published
    const before = published()
    const lateJoin = joining(s, late, id, { probe: false, retry: ONCE, timeoutMs: 600_000 })
    await s.until(() => published() > before)
    await s.until(() => carrying.out.done)
    expect(carrying.out.error).toBeUndefined()
    // Only the carrier knows the late joiner; the others never heard it.
    for (const i of [0, 1]) expect(conv(s, i, id).conversation.pendingUpdateCount()).toBe(0)
    const carried = conv(s, carrier, id).conversation
    const lateHex = Buffer.from(s.members[late]!.user.memberId).toString('hex')
    const isLate = (m: Uint8Array | undefined) => m !== undefined && Buffer.from(m).toString('hex') === lateHex
    const knows = () =>
      carried.pendingUpdateCount() === 1 ||
      carried.approvedProposals().some((p) => p.kind === 'add' && isLate(p.memberId)) ||
      s.members[carrier]!.events.some((e) => e.type === 'own-proposal-submitted' && isLate(e.request.memberInvite?.memberId))
    expect(knows()).toBe(true)
    // Reachable again, but it announced once and stays silent (its retry is an hour away).
    s.net.heal()
    // One more commit (another joiner) settles the carrier onto the steward list.
    const other = joining(s, 4, id)
    await s.until(() => other.out.done)
    expect(other.out.error).toBeUndefined()
    // A steward election over the settled members puts the carrier on the list (snMax covers them all).
    await conv(s, 0, id).regenerateStewardList()
    await s.until(() => carried.isSteward())
    await s.until(() => lateJoin.out.done, 600_000)
    expect(lateJoin.out.error).toBeUndefined()
    await s.until(() => converged(s, id) && conv(s, 0, id).members().length === 5)
    const announcements = lateJoin.progress.filter((p) => p.phase === 'announcing').length
    expect(announcements).toBe(1)
    await s.stop()
  }, 120_000)

  it('a flood of announcements at a pending joiner costs it at most SEEN_ANNOUNCEMENTS_LIMIT validations once it is in', async () => {
    const s = await scenario(3)
    const id = 'carry-flood'
    await bootstrap(s, id, 2)
    const carrying = joining(s, 2, id)
    await s.until(() => s.members[2]!.user.transport.getTopics().includes(topicFor(id, 'welcome')))
    // An outsider publishes 500 announcements naming 500 member ids, with key packages that do not parse.
    for (let k = 0; k < 500; k++) {
      const memberId = new Uint8Array(20).fill(0xa0)
      new DataView(memberId.buffer).setUint32(0, k)
      const payload = encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: new Uint8Array(300).fill(k & 0xff), memberId } })
      const { topic, bytes } = wrapOutbound(new Uint8Array(16).fill(7), { conversationId: id, subtopic: 'welcome', payload })
      s.net.deliverRaw(s.members[2]!.name, topic, bytes)
    }
    await s.until(() => carrying.out.done)
    expect(carrying.out.error).toBeUndefined()
    // Each kept one was validated like a live announcement (and refused); no more than the bound were kept.
    const refused = conv(s, 2, id).conversation.dropCounts()['invalid-proposal'] ?? 0
    expect(refused).toBeGreaterThan(0)
    expect(refused).toBeLessThanOrEqual(SEEN_ANNOUNCEMENTS_LIMIT)
    expect(conv(s, 2, id).conversation.pendingUpdateCount()).toBe(0)
    await s.until(() => converged(s, id) && conv(s, 0, id).members().length === 3)
    await s.stop()
  }, 120_000)
})
