/**
 * Every MLS-layer time check runs at the caller's clock (`nowMs`), never at
 * the wall clock. A virtual clock (e.g. `@demls/transport-memory`, whose
 * default start is 2023-11-14, or one started at 0) used to break every add:
 * demls checked the key package at `nowMs`, but ts-mls 1.6.4 re-checked its
 * lifetime against `Date.now()` while building the commit and refused it
 * ("Current time not within Lifetime"). Near 0 the key package's `notBefore`
 * (now − 1 h skew) also went negative and encoded as ~2^64 s, "not valid yet"
 * at any time.
 */
import { describe, expect, it } from 'vitest'
import { InvalidKeyPackageError, type MlsClient, decodeKeyPackage } from '../src/index.js'
import { assertExchange, client } from './helpers.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

const clocks: [string, number][] = [
  ['0 (Unix epoch)', 0],
  ['1970-01-01T00:00:01Z', 1000],
  ['transport-memory default start (2023-11-14)', 1_700_000_000_000],
  ['far future (2300-01-01)', Date.UTC(2300, 0, 1)],
]

/** Add `joiner` through `committer` at `nowMs`, staged by `others`; returns the joiner's group. */
async function addAt(nowMs: number, committer: Awaited<ReturnType<MlsClient['createGroup']>>, others: typeof committer[], joiner: MlsClient) {
  const keyPackage = await joiner.generateKeyPackage({ nowMs })
  await joiner.validateKeyPackage(keyPackage, { nowMs })
  const cand = await committer.createCommitCandidate([{ action: 'add', keyPackage }], { nowMs })
  for (const g of others) {
    const r = await g.stageRemoteCommit(cand)
    if (r.status !== 'staged') throw new Error(r.error.message)
    await g.mergeStagedCommit()
  }
  await committer.mergeOwnCommit()
  const joined = await joiner.joinFromWelcome(cand.welcome!)
  if (joined === undefined) throw new Error('Welcome not for the joiner')
  return joined
}

describe('key-package lifetimes follow the injected clock', () => {
  for (const [name, t] of clocks) {
    it(`creates, adds, commits and joins at ${name}`, async () => {
      const [a, b, c] = await Promise.all([client(), client(), client()])
      const ga = await a.createGroup('clock', { nowMs: t })
      const gb = await addAt(t, ga, [], b)
      // a later add committed by the member that joined, staged by the creator
      const gc = await addAt(t + 5 * 60_000, gb, [ga], c)
      expect(gc.epochAuthenticator()).toEqual(ga.epochAuthenticator())
      await assertExchange([ga, gb, gc])
    })
  }

  it('clamps the lifetime of a key package generated near 0 to the u64 range', async () => {
    const kp = await (await client()).generateKeyPackage({ nowMs: 0, lifetimeSeconds: 60 })
    expect(decodeKeyPackage(kp).lifetime).toEqual({ notBefore: 0n, notAfter: 60n })
  })

  for (const [name, t] of clocks) {
    it(`rejects a key package that is expired or not yet valid at ${name}`, async () => {
      const [a, b, c] = await Promise.all([client(), client(), client()])
      const ga = await a.createGroup('clock', { nowMs: t })
      const shortLived = await b.generateKeyPackage({ nowMs: t, lifetimeSeconds: 60 })
      const later = t + 61_000
      await expect(b.validateKeyPackage(shortLived, { nowMs: later })).rejects.toBeInstanceOf(InvalidKeyPackageError)
      await expect(
        ga.createCommitCandidate([{ action: 'add', keyPackage: shortLived }], { nowMs: later }),
      ).rejects.toBeInstanceOf(InvalidKeyPackageError)
      // generated two hours ahead of the committer's clock (beyond the 1 h skew)
      const early = await c.generateKeyPackage({ nowMs: t + 2 * HOUR })
      await expect(ga.createCommitCandidate([{ action: 'add', keyPackage: early }], { nowMs: t })).rejects.toBeInstanceOf(
        InvalidKeyPackageError,
      )
      expect(ga.hasPendingCommit()).toBe(false)
      expect(ga.epoch()).toBe(0n)
      // still valid within its lifetime at the same injected clock
      await addAt(t + 59_000, ga, [], b)
      expect(ga.members()).toHaveLength(2)
    })
  }

  it('a key package valid by the wall clock is expired at a far-future injected clock', async () => {
    const [a, b] = await Promise.all([client(), client()])
    const future = Date.now() + 365 * DAY
    const ga = await a.createGroup('clock', { nowMs: future })
    const kp = await b.generateKeyPackage() // wall clock, valid 90 days
    await expect(ga.createCommitCandidate([{ action: 'add', keyPackage: kp }], { nowMs: future })).rejects.toBeInstanceOf(
      InvalidKeyPackageError,
    )
  })
})
