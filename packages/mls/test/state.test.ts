import { describe, expect, it } from 'vitest'
import { InvalidStateError, MlsDecodeError, type MlsService } from '../src/index.js'
import { defaultClientConfig } from '#ts-mls/clientConfig.js'
import { decodeExportedState, encodeExportedState } from '../src/state/codec.js'
import { assertExchange, client, groupOf, str, text } from './helpers.js'

describe('state export / import', () => {
  it('keeps a 100-member group working after restore', async () => {
    const creatorClient = await client()
    const memberClient = await client()
    const others = await Promise.all(Array.from({ length: 98 }, () => client()))
    const creator = await creatorClient.createGroup('big-room')
    const kps = await Promise.all([memberClient, ...others].map((c) => c.generateKeyPackage()))
    const cand = await creator.createCommitCandidate(kps.map((keyPackage) => ({ action: 'add' as const, keyPackage })))
    await creator.mergeOwnCommit()
    const member = (await memberClient.joinFromWelcome(cand.welcome!))!
    expect(creator.members()).toHaveLength(100)

    const creatorBytes = creator.exportState()
    const creator2 = await creatorClient.importGroup(creatorBytes)
    expect(creator2.epoch()).toBe(creator.epoch())
    expect(creator2.members()).toHaveLength(100)
    expect(creator2.epochAuthenticator()).toEqual(member.epochAuthenticator())
    const d1 = await member.decrypt(await creator2.encrypt(text('after restore')))
    expect(str(d1.plaintext)).toBe('after restore')

    const member2 = await memberClient.importGroup(member.exportState())
    const d2 = await member2.decrypt(await creator2.encrypt(text('member restored')))
    expect(str(d2.plaintext)).toBe('member restored')
    expect(str((await creator2.decrypt(await member2.encrypt(text('back')))).plaintext)).toBe('back')

    // The restored creator can still commit; the restored member follows.
    const leave = await creator2.createCommitCandidate([{ action: 'remove', memberId: others[0]!.memberId }])
    expect((await member2.stageRemoteCommit(leave)).status).toBe('staged')
    await member2.mergeStagedCommit()
    await creator2.mergeOwnCommit()
    await assertExchange([creator2, member2])
  })

  it('persists the pending own commit', async () => {
    const a = await client()
    const b = await client()
    const [ga, gb] = await groupOf([a, b])
    const x = await client()
    const cand = await ga!.createCommitCandidate([{ action: 'add', keyPackage: await x.generateKeyPackage() }])
    const restored: MlsService = await a.importGroup(ga!.exportState())
    expect(restored.hasPendingCommit()).toBe(true)
    expect((await gb!.stageRemoteCommit(cand)).status).toBe('staged')
    await gb!.mergeStagedCommit()
    const merged = await restored.mergeOwnCommit()
    expect(merged.welcome).toEqual(cand.welcome)
    expect(merged.changes).toEqual(cand.changes)
    const gx = (await x.joinFromWelcome(cand.welcome!))!
    await assertExchange([restored, gb!, gx])
  })

  it('rejects garbage, truncated and foreign state', async () => {
    const a = await client()
    const [ga] = await groupOf([a])
    const bytes = ga!.exportState()
    await expect(a.importGroup(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(MlsDecodeError)
    await expect(a.importGroup(bytes.subarray(0, bytes.length - 5))).rejects.toBeInstanceOf(MlsDecodeError)
    await expect((await client()).importGroup(bytes)).rejects.toBeInstanceOf(InvalidStateError)
  })
})

describe('an imported state is checked against its group context', () => {
  /** `bytes` with member `leaf`'s leaf node blanked in the tree of the state (or of its pending commit's state). */
  const blankLeaf = (bytes: Uint8Array, leaf: number, inPending = false): Uint8Array => {
    const decoded = decodeExportedState(bytes, defaultClientConfig)
    const target = inPending ? decoded.pending!.newState : decoded.state
    const tree = target.ratchetTree.slice()
    expect(tree[2 * leaf]).toBeDefined()
    tree[2 * leaf] = undefined
    const tampered = { ...target, ratchetTree: tree }
    return encodeExportedState(inPending ? { ...decoded, pending: { ...decoded.pending!, newState: tampered } } : { ...decoded, state: tampered })
  }

  it('refuses a state whose ratchet tree does not hash to the tree hash of its group context', async () => {
    const [a, b, c] = await Promise.all([client(), client(), client()])
    const [ga] = await groupOf([a, b, c])
    const bytes = ga!.exportState()
    // Decoded and encoded again untouched, it imports.
    expect((await a.importGroup(encodeExportedState(decodeExportedState(bytes, defaultClientConfig)))).members()).toHaveLength(3)
    // Member 2's leaf gone from the tree: the context still names a tree with it.
    const err = await a.importGroup(blankLeaf(bytes, 2)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidStateError)
    expect((err as InvalidStateError).code).toBe('MLS_INVALID_STATE')
    expect((err as Error).message).toMatch(/ratchet tree does not hash to the group context's tree hash/)
  })

  it("refuses a pending own commit whose state's tree does not match its context", async () => {
    const [a, b, c] = await Promise.all([client(), client(), client()])
    const [ga] = await groupOf([a, b, c])
    const x = await client()
    await ga!.createCommitCandidate([{ action: 'add', keyPackage: await x.generateKeyPackage() }])
    const bytes = ga!.exportState()
    expect((await a.importGroup(bytes)).hasPendingCommit()).toBe(true)
    // The joiner's new leaf (leaf 3) blanked in the pending state only.
    const err = await a.importGroup(blankLeaf(bytes, 3, true)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidStateError)
    expect((err as Error).message).toMatch(/pending commit's ratchet tree/)
  })
})
