import { describe, expect, it } from 'vitest'
import { AbortError, GroupInactiveError, PendingCommitError, inspectMessageKind, memberIdToHex } from '../src/index.js'
import { HARDHAT, assertExchange, client, groupOf, str, text } from './helpers.js'

describe('group lifecycle', () => {
  it('creates, adds two members through one commit, and exchanges messages', async () => {
    const clients = await Promise.all(HARDHAT.map((id) => client(id)))
    const [a, b, c] = await groupOf(clients, 'hardhat-room')
    expect(a!.conversationId).toBe('hardhat-room')
    expect(new TextDecoder().decode(a!.groupId)).toBe('hardhat-room')
    expect(a!.epoch()).toBe(1n)
    expect(typeof b!.epoch()).toBe('bigint')
    expect(b!.epoch()).toBe(1n)
    expect(a!.members().map(memberIdToHex)).toEqual(HARDHAT.map(memberIdToHex))
    expect(c!.members().map(memberIdToHex)).toEqual(HARDHAT.map(memberIdToHex))
    expect(b!.isMember(HARDHAT[2]!)).toBe(true)
    expect(b!.isMember(new Uint8Array(20))).toBe(false)
    expect(a!.epochAuthenticator()).toEqual(c!.epochAuthenticator())
    expect(await a!.exportSecret('demls test', text('ctx'), 32)).toEqual(await b!.exportSecret('demls test', text('ctx'), 32))
    await assertExchange([a!, b!, c!])
    const m = await c!.decrypt(await a!.encrypt(text('hello')))
    expect(str(m.plaintext)).toBe('hello')
    expect(memberIdToHex(m.sender)).toBe(memberIdToHex(HARDHAT[0]!))
    expect(m.epoch).toBe(1n)
  })

  it('removes a member; the removed member learns it and goes inactive', async () => {
    const clients = await Promise.all(HARDHAT.map((id) => client(id)))
    const [a, b, c] = await groupOf(clients)
    const cand = await a!.createCommitCandidate([{ action: 'remove', memberId: HARDHAT[2]! }])
    expect(cand.welcome).toBeUndefined()
    expect(cand.changes).toEqual([{ action: 'remove', memberId: HARDHAT[2] }])
    const onB = await b!.stageRemoteCommit(cand)
    const onC = await c!.stageRemoteCommit(cand)
    expect(onB.status).toBe('staged')
    if (onB.status !== 'staged' || onC.status !== 'staged') throw new Error('unreachable')
    expect(onB.selfRemoved).toBe(false)
    expect(onC.selfRemoved).toBe(true)
    expect(memberIdToHex(onC.committer)).toBe(memberIdToHex(HARDHAT[0]!))
    const ma = await a!.mergeOwnCommit()
    const mb = await b!.mergeStagedCommit()
    const mc = await c!.mergeStagedCommit()
    expect(mc.selfRemoved).toBe(true)
    // The removed member reports the epoch the group reached, like everyone else.
    expect([ma.epoch, mb.epoch, mc.epoch]).toEqual([2n, 2n, 2n])
    expect(c!.isActive()).toBe(false)
    await expect(c!.encrypt(text('x'))).rejects.toBeInstanceOf(GroupInactiveError)
    expect(a!.members()).toHaveLength(2)
    expect(a!.epoch()).toBe(2n)
    await assertExchange([a!, b!])
  })

  it('allows only one pending own commit and requires something to merge', async () => {
    const [a] = await groupOf([await client()])
    await expect(a!.mergeOwnCommit()).rejects.toBeInstanceOf(PendingCommitError)
    await expect(a!.mergeStagedCommit()).rejects.toBeInstanceOf(PendingCommitError)
    const other = await client()
    await a!.createCommitCandidate([{ action: 'add', keyPackage: await other.generateKeyPackage() }])
    expect(a!.hasPendingCommit()).toBe(true)
    await expect(
      a!.createCommitCandidate([{ action: 'add', keyPackage: await other.generateKeyPackage() }]),
    ).rejects.toBeInstanceOf(PendingCommitError)
    expect(a!.epoch()).toBe(0n)
    await a!.discardOwnCommit()
    expect(a!.hasPendingCommit()).toBe(false)
    expect(a!.epoch()).toBe(0n)
  })

  it('returns undefined for a Welcome that is not for us', async () => {
    const [a] = await groupOf([await client()])
    const b = await client()
    const stranger = await client()
    await stranger.generateKeyPackage()
    const cand = await a!.createCommitCandidate([{ action: 'add', keyPackage: await b.generateKeyPackage() }])
    expect(await stranger.joinFromWelcome(cand.welcome!)).toBeUndefined()
    expect(b.pendingKeyPackages()).toBe(1)
    await a!.mergeOwnCommit()
    expect(await b.joinFromWelcome(cand.welcome!)).toBeDefined()
    expect(b.pendingKeyPackages()).toBe(0)
  })

  it('a Welcome refused by accept, or that fails, leaves the key package for the next Welcome', async () => {
    const b = await client()
    const kp = await b.generateKeyPackage()
    // Two groups under one conversation id both add the same key package.
    const [fake] = await groupOf([await client()], 'same')
    const [real] = await groupOf([await client()], 'same')
    const fakeWelcome = (await fake!.createCommitCandidate([{ action: 'add', keyPackage: kp }])).welcome!
    const realWelcome = (await real!.createCommitCandidate([{ action: 'add', keyPackage: kp }])).welcome!
    const refusal = new Error('not the group that answered us')
    let seen: Uint8Array[] = []
    await expect(
      b.joinFromWelcome(fakeWelcome, {
        accept: (g) => {
          seen = g.members()
          throw refusal
        },
      }),
    ).rejects.toBe(refusal)
    expect(seen).toHaveLength(2)
    expect(b.pendingKeyPackages()).toBe(1)
    // A garbage Welcome fails and consumes nothing either.
    await expect(b.joinFromWelcome(new Uint8Array([1, 2, 3]))).rejects.toThrow()
    expect(b.pendingKeyPackages()).toBe(1)
    const g = await b.joinFromWelcome(realWelcome, { accept: () => undefined })
    expect(g?.members().map(memberIdToHex)).toContain(memberIdToHex(real!.memberId))
    expect(b.pendingKeyPackages()).toBe(0)
  })

  it('inspects message kinds without processing', async () => {
    const [a, b] = await groupOf([await client(), await client()])
    const c = await client()
    const kp = await c.generateKeyPackage()
    const cand = await a!.createCommitCandidate([{ action: 'add', keyPackage: kp }])
    expect(inspectMessageKind(kp)).toBe('key-package')
    expect(inspectMessageKind(cand.proposals[0]!)).toBe('proposal')
    expect(inspectMessageKind(cand.commit)).toBe('commit')
    expect(inspectMessageKind(cand.welcome!)).toBe('welcome')
    expect(b!.inspectMessageKind(await a!.encrypt(text('x')))).toBe('application')
    expect(inspectMessageKind(new Uint8Array([0, 1, 2]))).toBe('other')
    expect(inspectMessageKind(new Uint8Array())).toBe('other')
  })

  it('supports PublicMessage handshakes mixed with PrivateMessage ones', async () => {
    const a = await client(undefined, 'auto', true)
    const b = await client(undefined, 'auto', false)
    const c = await client()
    const [ga, gb] = await groupOf([a, b])
    const cand = await ga!.createCommitCandidate([{ action: 'add', keyPackage: await c.generateKeyPackage() }])
    const staged = await gb!.stageRemoteCommit(cand)
    expect(staged.status).toBe('staged')
    await ga!.mergeOwnCommit()
    await gb!.mergeStagedCommit()
    const gc = await c.joinFromWelcome(cand.welcome!)
    await assertExchange([ga!, gb!, gc!])
    const cand2 = await gb!.createCommitCandidate([{ action: 'remove', memberId: c.memberId }])
    expect((await ga!.stageRemoteCommit(cand2)).status).toBe('staged')
  })

  it('honours AbortSignal and serialises concurrent calls', async () => {
    const [a, b] = await groupOf([await client(), await client()])
    const x = await client()
    const ac = new AbortController()
    ac.abort()
    await expect(
      a!.createCommitCandidate([{ action: 'add', keyPackage: await x.generateKeyPackage() }], { signal: ac.signal }),
    ).rejects.toBeInstanceOf(AbortError)
    expect(a!.hasPendingCommit()).toBe(false)
    await expect(x.createGroup('g', { signal: ac.signal })).rejects.toBeInstanceOf(AbortError)
    const msgs = await Promise.all(Array.from({ length: 20 }, (_, i) => a!.encrypt(text(`m${i}`))))
    const out = await Promise.all(msgs.map((m) => b!.decrypt(m)))
    expect(out.map((o) => str(o.plaintext))).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`))
  })
})
