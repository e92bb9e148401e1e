import { describe, expect, it } from 'vitest'
import { ConversationQueues } from '../src/core/queues.js'
import { targetKey } from '../src/rules/targets.js'

const invite = (id: number, kp: number[]) => ({
  payload: 'memberInvite' as const,
  memberInvite: { keyPackageBytes: Uint8Array.from(kp), memberId: new Uint8Array(20).fill(id) },
})

describe('join queue (ConversationQueues.queueAnnouncement)', () => {
  it('keeps arrival order, one entry per joiner, and counts key-package bytes', () => {
    const q = new ConversationQueues()
    expect(q.queueAnnouncement(invite(1, [1, 1, 1]), 0n, 0)).toBe(true)
    expect(q.queueAnnouncement(invite(2, [2, 2]), 0n, 1)).toBe(true)
    expect(q.queueAnnouncement(invite(1, [1, 1, 1]), 3n, 9)).toBe(false)
    expect([...q.pendingUpdates.keys()]).toEqual([targetKey(invite(1, [])), targetKey(invite(2, []))])
    expect(q.announcementLoad()).toEqual({ count: 2, bytes: 5 })
    // The re-announcement restarted the first entry's age: it survives an epoch expiry that drops the second.
    q.expireUpdates(3n, 2)
    expect([...q.pendingUpdates.keys()]).toEqual([targetKey(invite(1, []))])
  })

  it('another key package naming a queued member id neither replaces nor refreshes the queued one', () => {
    const q = new ConversationQueues()
    q.queueAnnouncement(invite(1, [1, 1, 1]), 0n, 0)
    q.queueAnnouncement(invite(1, [6, 6, 6]), 5n, 100)
    const entry = q.pendingUpdates.get(targetKey(invite(1, []))!)!
    expect([...entry.request.memberInvite!.keyPackageBytes]).toEqual([1, 1, 1])
    expect(entry.firstSeenEpoch).toBe(0n)
    expect(entry.announcedAt).toBe(0)
  })

  it('forgets announcements not repeated within the TTL', () => {
    const q = new ConversationQueues()
    q.queueAnnouncement(invite(1, [1]), 0n, 0)
    q.queueAnnouncement(invite(2, [2]), 0n, 50)
    expect(q.expireAnnouncements(120, 100)).toBe(1)
    expect([...q.pendingUpdates.keys()]).toEqual([targetKey(invite(2, []))])
  })
})
