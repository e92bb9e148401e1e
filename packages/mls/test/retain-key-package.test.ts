import { describe, expect, it } from 'vitest'
import { HARDHAT, client, groupOf } from './helpers.js'

// A joiner welcomed into the commit the group later abandoned (a fork at
// one epoch where both commits added it) needs the Welcome of the other
// commit: that only works while it still holds its key package.
describe('joinFromWelcome({ retainKeyPackage })', () => {
  async function forkedWelcomes() {
    const clients = await Promise.all([...HARDHAT.map((id) => client(id)), client()])
    const [a, b] = await groupOf(clients.slice(0, 3), 'forked')
    const joiner = clients[3]!
    const kp = await joiner.generateKeyPackage()
    // Two members commit the same add from the same epoch: two branches.
    const left = await a!.createCommitCandidate([{ action: 'add', keyPackage: kp }])
    const right = await b!.createCommitCandidate([{ action: 'add', keyPackage: kp }])
    await a!.mergeOwnCommit()
    await b!.mergeOwnCommit()
    return { joiner, kp, left: left.welcome!, right: right.welcome!, a: a!, b: b! }
  }

  it('keeps the key package for the other branch’s Welcome until released', async () => {
    const { joiner, kp, left, right, b } = await forkedWelcomes()
    const first = await joiner.joinFromWelcome(left, { retainKeyPackage: true })
    expect(first?.epoch()).toBe(2n)
    // Retained, not pending: it was consumed by a join.
    expect(joiner.pendingKeyPackages()).toBe(0)
    expect(joiner.retainedKeyPackage('forked')).toEqual(kp)
    expect(joiner.retainedKeyPackage('other')).toBeUndefined()
    const second = await joiner.joinFromWelcome(right, { retainKeyPackage: true })
    expect(second).toBeDefined()
    // The two branches differ, and the second Welcome leads to b's.
    expect(second!.epochAuthenticator()).toEqual(b.epochAuthenticator())
    expect(first!.epochAuthenticator()).not.toEqual(b.epochAuthenticator())
    expect(joiner.releaseKeyPackage('forked')).toBe(true)
    expect(joiner.releaseKeyPackage('forked')).toBe(false)
    expect(joiner.retainedKeyPackage('forked')).toBeUndefined()
    // Released: its private keys are gone.
    expect(await joiner.joinFromWelcome(right)).toBeUndefined()
  })

  it('consumes the key package by default', async () => {
    const { joiner, left, right } = await forkedWelcomes()
    expect(await joiner.joinFromWelcome(left)).toBeDefined()
    expect(joiner.retainedKeyPackage('forked')).toBeUndefined()
    expect(joiner.pendingKeyPackages()).toBe(0)
    expect(await joiner.joinFromWelcome(right)).toBeUndefined()
  })

  it('a refused Welcome retains nothing; a later plain join of the same key package drops the retention', async () => {
    const { joiner, left, right } = await forkedWelcomes()
    await expect(
      joiner.joinFromWelcome(left, {
        retainKeyPackage: true,
        accept: () => {
          throw new Error('not this group')
        },
      }),
    ).rejects.toThrow('not this group')
    expect(joiner.retainedKeyPackage('forked')).toBeUndefined()
    expect(joiner.pendingKeyPackages()).toBe(1)
    expect(await joiner.joinFromWelcome(left, { retainKeyPackage: true })).toBeDefined()
    expect(await joiner.joinFromWelcome(right)).toBeDefined()
    expect(joiner.retainedKeyPackage('forked')).toBeUndefined()
    expect(joiner.pendingKeyPackages()).toBe(0)
  })
})
