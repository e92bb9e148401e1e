import { decodeMlsMessage, encodeMlsMessage } from '#ts-mls'
import { describe, expect, it } from 'vitest'
import {
  DemlsError,
  InvalidCommitError,
  MlsAuthenticationError,
  MlsDecodeError,
  ReplayError,
  UnexpectedMessageKindError,
  WrongEpochError,
  WrongGroupError,
} from '../src/index.js'
import { assertExchange, client, groupOf, text } from './helpers.js'

async function trio() {
  return groupOf([await client(), await client(), await client()])
}

describe('bad input leaves the group working', () => {
  it('garbage and truncated messages → MlsDecodeError', async () => {
    const [a, b, c] = await trio()
    const msg = await a!.encrypt(text('payload'))
    const inputs: Uint8Array[] = [new Uint8Array(), new Uint8Array([0xff]), crypto.getRandomValues(new Uint8Array(200))]
    for (let n = 0; n < msg.length; n += 7) inputs.push(msg.subarray(0, n))
    inputs.push(new Uint8Array([...msg, 0]))
    for (const bytes of inputs) {
      const err = await b!.decrypt(bytes).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MlsDecodeError)
      expect((err as DemlsError).code).toBe('MLS_DECODE')
    }
    expect((await b!.decrypt(msg)).plaintext).toEqual(text('payload'))
    await assertExchange([a!, b!, c!])
  })

  it('every single-byte mutation → a typed error; the original still decrypts', async () => {
    const [a, b, c] = await trio()
    const msg = await a!.encrypt(text('mutate me'))
    const seen = new Set<string>()
    for (let i = 0; i < msg.length; i++) {
      const bad = msg.slice()
      bad[i] = (bad[i] as number) ^ 0x01
      const err = await b!.decrypt(bad).catch((e: unknown) => e)
      expect(err, `byte ${i}`).toBeInstanceOf(DemlsError)
      seen.add((err as DemlsError).name)
    }
    expect(seen.has('MlsAuthenticationError')).toBe(true)
    expect((await b!.decrypt(msg)).plaintext).toEqual(text('mutate me'))
    await assertExchange([a!, b!, c!])
  })

  it('a message for another group → WrongGroupError', async () => {
    const [a, b] = await trio()
    const [o] = await groupOf([await client(), await client()], 'another-group')
    const err = await b!.decrypt(await o!.encrypt(text('x'))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WrongGroupError)
    expect((err as DemlsError).code).toBe('MLS_WRONG_GROUP')
    await assertExchange([a!, b!])
  })

  it('same group id, different group → MlsAuthenticationError', async () => {
    const [a, b] = await trio()
    const [o] = await groupOf([await client(), await client()], a!.conversationId)
    // o is at epoch 1 like b
    const err = await b!.decrypt(await o!.encrypt(text('x'))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MlsAuthenticationError)
    await assertExchange([a!, b!])
  })

  it('a message from an old epoch (beyond retention or not) → WrongEpochError', async () => {
    const [a, b, c] = await trio()
    const old = await a!.encrypt(text('old'))
    for (let i = 0; i < 6; i++) {
      await a!.createCommitCandidate([])
      const cand = await a!.createCommitCandidate([]).catch(() => undefined)
      expect(cand).toBeUndefined() // one pending at a time
      const pending = a!.exportState() // exercise export with a pending commit
      expect(pending.length).toBeGreaterThan(0)
      await a!.discardOwnCommit()
      const own = await b!.createCommitCandidate([])
      await b!.mergeOwnCommit()
      for (const g of [a!, c!]) {
        expect((await g.stageRemoteCommit(own)).status).toBe('staged')
        await g.mergeStagedCommit()
      }
    }
    expect(b!.epoch()).toBe(7n)
    const err = await b!.decrypt(old).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WrongEpochError)
    expect((err as WrongEpochError).direction).toBe('past')
    expect((err as WrongEpochError).messageEpoch).toBe(1n)
    await assertExchange([a!, b!, c!])
  })

  it('a message from a future epoch → WrongEpochError', async () => {
    const [a, b, c] = await trio()
    const cand = await a!.createCommitCandidate([])
    await a!.mergeOwnCommit()
    const err = await b!.decrypt(await a!.encrypt(text('future'))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WrongEpochError)
    expect((err as WrongEpochError).direction).toBe('future')
    for (const g of [b!, c!]) {
      await g.stageRemoteCommit(cand)
      await g.mergeStagedCommit()
    }
    await assertExchange([a!, b!, c!])
  })

  it('a replayed message → ReplayError', async () => {
    const [a, b, c] = await trio()
    const msg = await a!.encrypt(text('once'))
    await b!.decrypt(msg)
    const err = await b!.decrypt(msg).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ReplayError)
    expect((err as DemlsError).code).toBe('MLS_REPLAY')
    // out-of-order within retention still works
    const m1 = await a!.encrypt(text('1'))
    const m2 = await a!.encrypt(text('2'))
    expect((await c!.decrypt(m2)).plaintext).toEqual(text('2'))
    expect((await c!.decrypt(m1)).plaintext).toEqual(text('1'))
    await expect(c!.decrypt(m1)).rejects.toBeInstanceOf(ReplayError)
    await assertExchange([a!, b!, c!])
  })

  it('handshake messages are refused by decrypt', async () => {
    const [a, b, c] = await trio()
    const cand = await a!.createCommitCandidate([{ action: 'remove', memberId: c!.memberId }])
    await expect(b!.decrypt(cand.commit)).rejects.toBeInstanceOf(UnexpectedMessageKindError)
    await expect(b!.decrypt(cand.proposals[0]!)).rejects.toBeInstanceOf(UnexpectedMessageKindError)
    await a!.discardOwnCommit()
    await assertExchange([a!, b!, c!])
  })

  it('a commit whose sender is not a member → InvalidCommitError', async () => {
    const pub = await client(undefined, 'auto', true)
    const [a, b, c] = await groupOf([pub, await client(), await client()])
    const cand = await a!.createCommitCandidate([])
    // Re-frame the PublicMessage commit as sent by leaf 7 (no such member).
    const decoded = decodeMlsMessage(cand.commit, 0)![0]
    if (decoded.wireformat !== 'mls_public_message') throw new Error('expected public')
    const forged = encodeMlsMessage({
      ...decoded,
      publicMessage: {
        ...decoded.publicMessage,
        content: { ...decoded.publicMessage.content, sender: { senderType: 'member', leafIndex: 7 } },
      },
    })
    const r = await b!.stageRemoteCommit({ proposals: [], commit: forged })
    expect(r.status).toBe('aborted')
    if (r.status === 'aborted') {
      expect(r.reason).toBe('mls-failure')
      expect(r.error).toBeInstanceOf(InvalidCommitError)
    }
    // A commit from a member of a look-alike group (same id, same epoch).
    const [o] = await groupOf([await client(), await client(), await client()], a!.conversationId)
    const foreign = await o!.createCommitCandidate([])
    const r2 = await b!.stageRemoteCommit(foreign)
    expect(r2.status === 'aborted' && r2.error).toBeInstanceOf(InvalidCommitError)
    await a!.discardOwnCommit()
    await assertExchange([a!, b!, c!])
  })
})
