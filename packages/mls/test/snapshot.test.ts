import { describe, expect, it } from 'vitest'
import { InvalidStateError, type MlsService, type MlsSnapshot, createMlsClient } from '../src/index.js'
import { client, groupOf, str, text } from './helpers.js'

/** Send `message` from `from`, read it at `to`: the plaintext `to` read. */
async function relay(from: MlsService, to: MlsService, message: string): Promise<string> {
  return str((await to.decrypt(await from.encrypt(text(message)))).plaintext)
}

/** What a group is: everything a peer can observe of it, plus its full serialised state. */
async function fingerprint(g: MlsService) {
  return {
    epoch: g.epoch(),
    members: g.members(),
    authenticator: g.epochAuthenticator(),
    exporter: await g.exportSecret('snapshot-test', new Uint8Array([1]), 32),
    pending: g.hasPendingCommit(),
    state: g.exportState(),
  }
}

describe('MlsService.snapshot / MlsClient.restoreGroup', () => {
  it('a snapshot restored after the live group moved on (messages, a merged commit, messages) is the group an export/import at that point gives', async () => {
    const clients = await Promise.all([client(), client(), client(), client()])
    const [alice, bob, , dave] = clients
    const [a, b, c] = await groupOf(clients.slice(0, 3))
    // Chat at epoch 1, then the snapshot (and, for comparison, the export) of Alice's state.
    expect(await relay(a!, b!, 'before')).toBe('before')
    expect(await relay(b!, a!, 'from bob')).toBe('from bob')
    const bytes = a!.exportState()
    const snap: MlsSnapshot = a!.snapshot()
    const bobAtSnapshot = await bob!.importGroup(b!.exportState())
    const carolAtSnapshot = await clients[2]!.importGroup(c!.exportState())
    expect(snap.epoch()).toBe(1n)
    expect(snap.hasPendingCommit()).toBe(false)
    expect(snap.conversationId).toBe(a!.conversationId)

    // The live group moves on: it sends and reads in the snapshot's epoch (consuming
    // ratchet secrets), merges Bob's commit (consuming the epoch's init secret), and sends in the next.
    const late = await b!.encrypt(text('framed in epoch 1'))
    for (let i = 0; i < 3; i++) await c!.decrypt(await a!.encrypt(text(`moving on ${i}`)))
    await a!.decrypt(await c!.encrypt(text('from carol')))
    const next = await b!.createCommitCandidate([{ action: 'add', keyPackage: await dave!.generateKeyPackage() }])
    expect((await a!.stageRemoteCommit(next)).status).toBe('staged')
    await a!.mergeStagedCommit()
    await b!.mergeOwnCommit()
    expect(await relay(a!, b!, 'epoch 2')).toBe('epoch 2')
    const liveAt2 = await fingerprint(a!)

    const restored = await alice!.restoreGroup(snap)
    const imported = await alice!.importGroup(bytes)
    const r = await fingerprint(restored)
    expect(r).toEqual(await fingerprint(imported))
    // Byte for byte the state exported at the snapshot: no secret of it was wiped by the live group.
    expect(r.state).toEqual(bytes)
    expect(r.epoch).toBe(1n)

    // Both read a message framed in the snapshot's epoch, and send one the members there read.
    for (const g of [restored, imported]) {
      const d = await g.decrypt(late)
      expect(str(d.plaintext)).toBe('framed in epoch 1')
      expect(d.epoch).toBe(1n)
    }
    expect(await relay(restored, bobAtSnapshot, 'restored says')).toBe('restored says')
    expect(await relay(imported, carolAtSnapshot, 'imported says')).toBe('imported says')
    // Both stage and merge the commit the live group merged, and reach its epoch.
    for (const g of [restored, imported]) {
      const staged = await g.stageRemoteCommit(next)
      expect(staged.status).toBe('staged')
      await g.mergeStagedCommit()
      expect(g.epoch()).toBe(liveAt2.epoch)
      expect(g.members()).toEqual(liveAt2.members)
      expect(g.epochAuthenticator()).toEqual(liveAt2.authenticator)
    }
    // The live group was not disturbed by the restores.
    expect(await relay(b!, a!, 'still live')).toBe('still live')
    // The snapshot can be restored again, and still exports what it did.
    expect((await alice!.restoreGroup(snap)).exportState()).toEqual(bytes)
  })

  it('keeps our pending own commit: restored after the live group merged it and sent in the new epoch, it merges it to the same state', async () => {
    const clients = await Promise.all([client(), client(), client()])
    const [alice] = clients
    const [a, b, c] = await groupOf(clients)
    const cand = await a!.createCommitCandidate([{ action: 'remove', memberId: clients[2]!.memberId }])
    const bytes = a!.exportState()
    const snap = a!.snapshot()
    expect(snap.hasPendingCommit()).toBe(true)
    expect(snap.epoch()).toBe(1n)
    await a!.mergeOwnCommit()
    expect((await b!.stageRemoteCommit(cand)).status).toBe('staged')
    await b!.mergeStagedCommit()
    const bobAt2 = await clients[1]!.importGroup(b!.exportState())
    for (let i = 0; i < 3; i++) await b!.decrypt(await a!.encrypt(text(`epoch 2, ${i}`)))
    await a!.decrypt(await b!.encrypt(text('epoch 2 from bob')))

    const restored = await alice!.restoreGroup(snap)
    const imported = await alice!.importGroup(bytes)
    expect(await fingerprint(restored)).toEqual(await fingerprint(imported))
    expect(restored.exportState()).toEqual(bytes)
    const merged = await restored.mergeOwnCommit()
    expect(merged.changes).toEqual(cand.changes)
    await imported.mergeOwnCommit()
    expect(restored.exportState()).toEqual(imported.exportState())
    expect(restored.epochAuthenticator()).toEqual(a!.epochAuthenticator())
    // The new epoch's first message key is intact in the restored state (the live group used and consumed it).
    expect(await relay(restored, bobAt2, 'from the restored state')).toBe('from the restored state')
    expect(c!.epoch()).toBe(1n)
  })

  it("the snapshot's export is exportState() at snapshot time, however far the group went", async () => {
    const clients = await Promise.all([client(), client(), client()])
    const [a, b] = await groupOf(clients.slice(0, 2))
    const bytes = a!.exportState()
    const snap = a!.snapshot()
    await b!.decrypt(await a!.encrypt(text('x')))
    await a!.createCommitCandidate([{ action: 'add', keyPackage: await clients[2]!.generateKeyPackage() }])
    await a!.mergeOwnCommit()
    const first = snap.exportState()
    expect(first).toEqual(bytes)
    first.fill(0) // a copy: the next call is unaffected
    expect(snap.exportState()).toEqual(bytes)
    expect(a!.exportState()).not.toEqual(bytes)
    // Importable, like the bytes it equals.
    expect((await clients[0]!.importGroup(snap.exportState())).epoch()).toBe(1n)
  })

  it('a client of the same member restores it (after a restart); another member or an object that is not a snapshot is refused', async () => {
    const alice = await client()
    const [a] = await groupOf([alice])
    const snap = a!.snapshot()
    const again = await createMlsClient({ memberId: alice.memberId })
    expect((await again.restoreGroup(snap)).exportState()).toEqual(a!.exportState())
    await expect((await client()).restoreGroup(snap)).rejects.toBeInstanceOf(InvalidStateError)
    const fake = { conversationId: 'conv-1', memberId: alice.memberId, epoch: () => 0n, hasPendingCommit: () => false, exportState: () => a!.exportState() }
    await expect(alice.restoreGroup(fake)).rejects.toBeInstanceOf(InvalidStateError)
    const aborted = new AbortController()
    aborted.abort()
    await expect(alice.restoreGroup(snap, { signal: aborted.signal })).rejects.toThrow()
  })
})
