import { MAX_CONTACT_BYTES } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { MemoryNetwork } from '../src/index.js'

describe('contacts on the memory network (a full mesh)', () => {
  it('a contact names its peer; dialling it is true for another started peer only', async () => {
    const net = new MemoryNetwork()
    const [a, b, c] = ['a', 'b', 'c'].map((n) => net.createTransport(n))
    expect(a!.contact()).toBeUndefined()
    await Promise.all([a!.start(), b!.start()])
    const bc = b!.contact()!
    expect(bc.length).toBeLessThanOrEqual(MAX_CONTACT_BYTES)
    expect(await a!.dialContact(bc)).toBe(true)
    // Our own, a stopped peer's, one of no peer, malformed, oversized.
    expect(await a!.dialContact(a!.contact()!)).toBe(false)
    expect(await a!.dialContact(new TextEncoder().encode('demls-memory/1/c'))).toBe(false)
    await c!.start()
    expect(await a!.dialContact(c!.contact()!)).toBe(true)
    expect(await a!.dialContact(new TextEncoder().encode('demls-memory/1/nobody'))).toBe(false)
    expect(await a!.dialContact(Uint8Array.of(0xff, 0xfe))).toBe(false)
    expect(await a!.dialContact(new Uint8Array(MAX_CONTACT_BYTES + 1))).toBe(false)
    await b!.stop()
    expect(await a!.dialContact(bc)).toBe(false)
    // A stopped transport dials nothing; an aborted call rejects.
    await a!.stop()
    expect(await a!.dialContact(c!.contact()!)).toBe(false)
    await expect(c!.dialContact(bc, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
  })
})
