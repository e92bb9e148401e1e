import {
  type ClientState,
  createCommit,
  createProposal,
  decodeGroupState,
  defaultCryptoProvider,
  emptyPskIndex,
  encodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  processPrivateMessage,
} from '#ts-mls'
import { defaultClientConfig } from '#ts-mls/clientConfig.js'
import { describe, expect, it } from 'vitest'
import {
  InvalidCommitError,
  InvalidCommitInputError,
  type RemoteCandidate,
  MlsDecodeError,
  UnexpectedMessageKindError,
  WrongEpochError,
  WrongGroupError,
  memberIdToHex,
} from '../src/index.js'
import { assertExchange, client, groupOf } from './helpers.js'

describe('mls_crypto service (reference unit cases)', () => {
  it('failed remote stage keeps own pending commit', async () => {
    const [a, b] = await groupOf([await client(), await client()])
    const joiner = await client()
    await b!.createCommitCandidate([{ action: 'add', keyPackage: await joiner.generateKeyPackage() }])
    const r = await b!.stageRemoteCommit({ proposals: [], commit: new Uint8Array([0, 1, 0, 2, 9, 9]) })
    expect(r.status).toBe('aborted')
    expect(b!.hasPendingCommit()).toBe(true)
    expect(b!.hasStagedCommit()).toBe(false)
    const merged = await b!.mergeOwnCommit()
    expect(merged.epoch).toBe(2n)
    expect(merged.welcome).toBeDefined()
    void a
  })

  it('staging then rejecting a valid remote keeps own commit', async () => {
    const [a, b] = await groupOf([await client(), await client()])
    const x = await client()
    const y = await client()
    const remote = await a!.createCommitCandidate([{ action: 'add', keyPackage: await x.generateKeyPackage() }])
    const own = await b!.createCommitCandidate([{ action: 'add', keyPackage: await y.generateKeyPackage() }])
    const staged = await b!.stageRemoteCommit(remote)
    expect(staged.status).toBe('staged')
    await b!.discardStagedCommit()
    expect(b!.hasPendingCommit()).toBe(true)
    const merged = await b!.mergeOwnCommit()
    expect(merged.changes).toEqual(own.changes)
    // a adopts b's commit instead of its own
    expect((await a!.stageRemoteCommit(own)).status).toBe('staged')
    await a!.discardOwnCommit()
    await a!.mergeStagedCommit()
    const gy = await y.joinFromWelcome(own.welcome!)
    await assertExchange([a!, b!, gy!])
  })

  it('discard own then merge remote applies the remote', async () => {
    const [a, b, c] = await groupOf([await client(), await client(), await client()])
    const x = await client()
    const remote = await a!.createCommitCandidate([{ action: 'add', keyPackage: await x.generateKeyPackage() }])
    await b!.createCommitCandidate([{ action: 'remove', memberId: c!.memberId }])
    const staged = await b!.stageRemoteCommit(remote)
    if (staged.status !== 'staged') throw new Error(staged.error.message)
    expect(memberIdToHex(staged.committer)).toBe(memberIdToHex(a!.memberId))
    expect(staged.changes).toEqual([{ action: 'add', memberId: x.memberId }])
    expect(staged.bundleSenderMismatch).toBe(false)
    expect(staged.proposalSenders.map(memberIdToHex)).toEqual([memberIdToHex(a!.memberId)])
    await b!.discardOwnCommit()
    const merged = await b!.mergeStagedCommit()
    expect(merged.epoch).toBe(2n)
    expect(b!.hasPendingCommit()).toBe(false)
    await a!.mergeOwnCommit()
    expect((await c!.stageRemoteCommit(remote)).status).toBe('staged')
    await c!.mergeStagedCommit()
    const gx = await x.joinFromWelcome(remote.welcome!)
    expect(b!.epochAuthenticator()).toEqual(a!.epochAuthenticator())
    await assertExchange([a!, b!, c!, gx!])
  })
})

describe('staging remote candidates', () => {
  it('reports the deduplicated sorted change set of a mixed batch', async () => {
    const [a, b, c, d] = await groupOf([await client(), await client(), await client(), await client()])
    const x = await client()
    const y = await client()
    const cand = await a!.createCommitCandidate([
      { action: 'remove', memberId: d!.memberId },
      { action: 'add', keyPackage: await y.generateKeyPackage() },
      { action: 'remove', memberId: c!.memberId },
      { action: 'add', keyPackage: await x.generateKeyPackage() },
    ])
    expect(cand.proposals).toHaveLength(4)
    expect(cand.joiners.map(memberIdToHex)).toEqual([y, x].map((m) => memberIdToHex(m.memberId)))
    const r = await b!.stageRemoteCommit(cand)
    if (r.status !== 'staged') throw new Error(r.error.message)
    const sortHex = (ids: Uint8Array[]) => ids.map(memberIdToHex).sort()
    expect(r.changes.map((c) => c.action)).toEqual(['add', 'add', 'remove', 'remove'])
    expect(r.changes.slice(0, 2).map((c) => memberIdToHex(c.memberId))).toEqual(sortHex([x.memberId, y.memberId]))
    expect(r.changes.slice(2).map((c) => memberIdToHex(c.memberId))).toEqual(sortHex([c!.memberId, d!.memberId]))
    expect(r.changes).toEqual(cand.changes)
  })

  it('rejects bad inputs when building a candidate', async () => {
    const [a, b] = await groupOf([await client(), await client()])
    const outsider = await client()
    await expect(a!.createCommitCandidate([{ action: 'remove', memberId: outsider.memberId }])).rejects.toBeInstanceOf(
      InvalidCommitInputError,
    )
    await expect(a!.createCommitCandidate([{ action: 'remove', memberId: a!.memberId }])).rejects.toBeInstanceOf(
      InvalidCommitInputError,
    )
    const bAgain = await client(b!.memberId)
    await expect(
      a!.createCommitCandidate([{ action: 'add', keyPackage: await bAgain.generateKeyPackage() }]),
    ).rejects.toBeInstanceOf(InvalidCommitInputError)
    const kp = await outsider.generateKeyPackage()
    await expect(
      a!.createCommitCandidate([
        { action: 'add', keyPackage: kp },
        { action: 'add', keyPackage: kp },
      ]),
    ).rejects.toBeInstanceOf(InvalidCommitInputError)
    expect(a!.hasPendingCommit()).toBe(false)
    await assertExchange([a!, b!])
  })

  it('aborts with a typed reason and keeps state', async () => {
    const [a, b, c] = await groupOf([await client(), await client(), await client()])
    const [o1] = await groupOf([await client(), await client()], 'other-conversation')
    const x = await client()
    const good = await a!.createCommitCandidate([{ action: 'add', keyPackage: await x.generateKeyPackage() }])
    const other = await o1!.createCommitCandidate([{ action: 'remove', memberId: (await o1!.members())[1]! }])
    const app = await a!.encrypt(new Uint8Array([1]))

    const cases: [string, RemoteCandidate, string, new (...a: never[]) => Error][] = [
      ['garbage', { proposals: [new Uint8Array([1, 2, 3])], commit: good.commit }, 'malformed', MlsDecodeError],
      ['wrong group', { proposals: [], commit: other.commit }, 'wrong-group', WrongGroupError],
      ['non-proposal in proposal slot', { proposals: [good.commit], commit: good.commit }, 'not-a-proposal', UnexpectedMessageKindError],
      ['application in proposal slot', { proposals: [app], commit: good.commit }, 'not-a-proposal', UnexpectedMessageKindError],
      ['non-commit', { proposals: good.proposals, commit: good.proposals[0]! }, 'not-a-commit', UnexpectedMessageKindError],
      ['commit missing its proposals', { proposals: [], commit: good.commit }, 'mls-failure', InvalidCommitError],
    ]
    for (const [name, cand, reason, type] of cases) {
      const r = await b!.stageRemoteCommit(cand)
      expect(r.status, name).toBe('aborted')
      if (r.status !== 'aborted') continue
      expect(r.reason, name).toBe(reason)
      expect(r.error, name).toBeInstanceOf(type)
      expect(b!.hasStagedCommit()).toBe(false)
    }
    // older epoch: advance b and c by a different commit, then stage the old candidate
    await a!.discardOwnCommit()
    const y = await client()
    const next = await c!.createCommitCandidate([{ action: 'add', keyPackage: await y.generateKeyPackage() }])
    await c!.mergeOwnCommit()
    for (const g of [a!, b!]) {
      expect((await g.stageRemoteCommit(next)).status).toBe('staged')
      await g.mergeStagedCommit()
    }
    const older = await b!.stageRemoteCommit(good)
    expect(older.status === 'aborted' && older.reason).toBe('older-epoch')
    expect(older.status === 'aborted' && older.error).toBeInstanceOf(WrongEpochError)
    // future epoch: a candidate built two epochs ahead
    const z = await client()
    const ahead = await c!.createCommitCandidate([{ action: 'add', keyPackage: await z.generateKeyPackage() }])
    await c!.mergeOwnCommit()
    const w = await client()
    const ahead2 = await c!.createCommitCandidate([{ action: 'add', keyPackage: await w.generateKeyPackage() }])
    const future = await b!.stageRemoteCommit(ahead2)
    expect(future.status === 'aborted' && future.reason).toBe('future-epoch')
    await c!.discardOwnCommit()
    expect((await b!.stageRemoteCommit(ahead)).status).toBe('staged')
    await b!.mergeStagedCommit()
    await a!.stageRemoteCommit(ahead)
    await a!.mergeStagedCommit()
    await assertExchange([a!, b!, c!])
  })

  it('reports a bundled proposal not authored by the committer', async () => {
    // Build the forged candidate directly with ts-mls: B proposes, A commits B's proposal.
    const [a, b, c] = await groupOf([await client(), await client(), await client()])
    const x = await client()
    const impl = await getCiphersuiteImpl(
      getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
      defaultCryptoProvider,
    )
    const raw = (svc: typeof a): ClientState => {
      const bytes = svc!.exportState()
      // header: 4 magic + 1 version + 1 flags + u32 length
      const len = new DataView(bytes.buffer, bytes.byteOffset + 6, 4).getUint32(0)
      const [gs] = decodeGroupState(bytes.subarray(10, 10 + len), 0)!
      return { ...gs, clientConfig: defaultClientConfig }
    }
    const kpBytes = await x.generateKeyPackage()
    const { decodeMlsMessage } = await import('#ts-mls')
    const kpMsg = decodeMlsMessage(kpBytes, 0)![0]
    if (kpMsg.wireformat !== 'mls_key_package') throw new Error('unreachable')
    const bState = raw(b)
    const prop = await createProposal(bState, false, { proposalType: 'add', add: { keyPackage: kpMsg.keyPackage } }, impl)
    if (prop.message.wireformat !== 'mls_private_message') throw new Error('unreachable')
    const aState = raw(a)
    const processed = await processPrivateMessage(aState, prop.message.privateMessage, emptyPskIndex, impl)
    const commit = await createCommit({ state: processed.newState, cipherSuite: impl })
    const r = await c!.stageRemoteCommit({ proposals: [encodeMlsMessage(prop.message)], commit: encodeMlsMessage(commit.commit) })
    if (r.status !== 'staged') throw new Error(r.error.message)
    expect(r.bundleSenderMismatch).toBe(true)
    expect(memberIdToHex(r.committer)).toBe(memberIdToHex(a!.memberId))
    expect(r.proposalSenders.map(memberIdToHex)).toEqual([memberIdToHex(b!.memberId)])
    await c!.discardStagedCommit()
    await assertExchange([a!, b!, c!])
  })
})
