import { describe, expect, it } from 'vitest'
import type { JoinProgress } from '../../src/index.js'
import { scenario } from './harness.js'

describe('a second join of a pending conversation', () => {
  it('joins once: both calls settle with the same handle, and one attempt reports its progress', async () => {
    const s = await scenario(2)
    await s.members[0]!.user.createConversation('twice')
    const ready: JoinProgress[] = []
    s.members[1]!.user.joinProgress$.subscribe((p) => {
      if (p.phase === 'ready') ready.push(p)
    })
    const first = s.members[1]!.user.join('twice')
    const second = s.members[1]!.user.join('twice')
    await s.until(() => s.members[1]!.user.conversation('twice') !== undefined)
    const [a, b] = await Promise.all([first, second])
    expect(a).toBe(b)
    expect(a).toBe(s.members[1]!.user.conversation('twice'))
    expect(ready).toHaveLength(1)
    // Once joined, a further join returns the handle at once.
    expect(await s.members[1]!.user.join('twice')).toBe(a)
    await s.stop()
  })
})
