import { describe, expect, it } from 'vitest'
import { ReplayError, WrongEpochError } from '../src/index.js'
import { HARDHAT, client, groupOf, str, text } from './helpers.js'

// Chat backfill after a restart (issue 17): the packets a member kept for us
// predate a commit we caught up with first. `decrypt(…, { retainedEpochs })`
// reads them with the past epoch's retained receiver keys; the default stays
// strict (de-MLS reads application messages of the current epoch only).
describe('decrypt with retained past epochs', () => {
  it('reads a past epoch’s message once, only on request, only while its keys are retained, and after a restore', async () => {
    const clients = await Promise.all(HARDHAT.map((id) => client(id)))
    const [a, b, c] = await groupOf(clients)
    const commitAll = async () => {
      const cand = await a!.createCommitCandidate([])
      for (const g of [b!, c!]) {
        const staged = await g.stageRemoteCommit(cand)
        if (staged.status !== 'staged') throw new Error(staged.reason)
        await g.mergeStagedCommit()
      }
      await a!.mergeOwnCommit()
    }
    const old = await a!.encrypt(text('sent at epoch 1'))
    const alsoOld = await a!.encrypt(text('also at epoch 1'))
    await commitAll()
    expect(b!.epoch()).toBe(2n)
    // Strict by default.
    await expect(b!.decrypt(old)).rejects.toBeInstanceOf(WrongEpochError)
    const m = await b!.decrypt(old, { retainedEpochs: true })
    expect(str(m.plaintext)).toBe('sent at epoch 1')
    expect(m.epoch).toBe(1n)
    expect(m.sender).toEqual(HARDHAT[0])
    // Once: its key was used.
    await expect(b!.decrypt(old, { retainedEpochs: true })).rejects.toBeInstanceOf(ReplayError)
    // The current epoch is untouched, and the past epoch's keys survive an export and import.
    expect(str((await b!.decrypt(await a!.encrypt(text('now')))).plaintext)).toBe('now')
    const restored = await clients[2]!.importGroup(c!.exportState())
    expect(str((await restored.decrypt(alsoOld, { retainedEpochs: true })).plaintext)).toBe('also at epoch 1')
    // Beyond the retention (4 past epochs by default) the keys are gone.
    const older = await a!.encrypt(text('sent at epoch 2'))
    for (let i = 0; i < 5; i++) await commitAll()
    await expect(b!.decrypt(older, { retainedEpochs: true })).rejects.toBeInstanceOf(WrongEpochError)
  })
})
