// members() is cached per ratchet tree (src/group/members.ts): the list must
// follow every change of membership, and never leak the cached bytes.
import { describe, expect, it } from 'vitest'
import { type MlsService, memberIdToHex } from '../src/index.js'
import { client, groupOf, randomId, text } from './helpers.js'

const hexes = (g: MlsService) => g.members().map(memberIdToHex)

describe('members() cache', () => {
  it('follows adds and removes, on the committer and on a member, and ignores unmerged commits', async () => {
    const ids = [randomId(), randomId(), randomId()]
    const [a, b] = await groupOf(await Promise.all(ids.map((id) => client(id))))
    const start = ids.map(memberIdToHex)
    expect(hexes(a!)).toEqual(start)
    expect(hexes(b!)).toEqual(start)

    // An add: pending and staged commits change nothing until merged.
    const dId = randomId()
    const add = await a!.createCommitCandidate([{ action: 'add', keyPackage: await (await client(dId)).generateKeyPackage() }])
    expect(hexes(a!)).toEqual(start)
    expect((await b!.stageRemoteCommit(add)).status).toBe('staged')
    expect(hexes(b!)).toEqual(start)
    await a!.mergeOwnCommit()
    await b!.mergeStagedCommit()
    const afterAdd = [...start, memberIdToHex(dId)]
    expect(hexes(a!)).toEqual(afterAdd)
    expect(hexes(b!)).toEqual(afterAdd)

    // A remove (with an update path), then a discarded add.
    const remove = await a!.createCommitCandidate([{ action: 'remove', memberId: ids[2]! }])
    expect((await b!.stageRemoteCommit(remove)).status).toBe('staged')
    await a!.mergeOwnCommit()
    await b!.mergeStagedCommit()
    const afterRemove = afterAdd.filter((h) => h !== memberIdToHex(ids[2]!))
    expect(hexes(a!)).toEqual(afterRemove)
    expect(hexes(b!)).toEqual(afterRemove)
    await a!.createCommitCandidate([{ action: 'remove', memberId: dId }])
    await a!.discardOwnCommit()
    expect(hexes(a!)).toEqual(afterRemove)

    // Messages (new state object, same tree) and a re-imported state agree.
    await b!.decrypt(await a!.encrypt(text('hi')))
    expect(hexes(b!)).toEqual(afterRemove)
    const imported = await (await client(ids[1]!)).importGroup(b!.exportState())
    expect(hexes(imported)).toEqual(afterRemove)
    expect(b!.isMember(dId)).toBe(true)
    expect(b!.isMember(ids[2]!)).toBe(false)
  })

  it('returns copies: mutating a returned id changes neither the group nor later calls', async () => {
    const [a] = await groupOf(await Promise.all([client(), client()]))
    const before = hexes(a!)
    const first = a!.members()
    first[0]!.fill(0)
    first.pop()
    expect(hexes(a!)).toEqual(before)
    expect(a!.members()[0]).not.toBe(a!.members()[0])
  })
})
