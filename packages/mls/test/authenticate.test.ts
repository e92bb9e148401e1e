import { describe, expect, it } from 'vitest'
import { client, groupOf } from './helpers.js'

/** Flip one byte near the end of a message (the signature, tag or ciphertext). */
function tamper(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  out[out.length - 3] = (out[out.length - 3] as number) ^ 0xff
  return out
}

describe('authenticateCommit: who sent a plaintext candidate, without staging it', () => {
  for (const publicHandshakes of [false, true]) {
    it(`names the committer of a genuine commit and refuses forgeries (${publicHandshakes ? 'public' : 'private'} handshakes)`, async () => {
      const mk = () => client(undefined, 'auto', publicHandshakes)
      const [alice, bob, carol] = await groupOf(await Promise.all([mk(), mk(), mk()]))
      const epoch = alice!.epoch()
      const built = await bob!.createCommitCandidate([{ action: 'remove', memberId: carol!.memberId }])
      expect(alice!.inspectMessageKind(built.commit)).toBe('commit')
      const ok = await alice!.authenticateCommit(built.commit)
      expect(ok.status).toBe('authenticated')
      expect(ok.status === 'authenticated' && [...ok.committer]).toEqual([...bob!.memberId])
      // Twice: authenticating consumes nothing, and staging still works after it.
      expect((await alice!.authenticateCommit(built.commit)).status).toBe('authenticated')
      // Tampered bytes fail authentication.
      const bad = await alice!.authenticateCommit(tamper(built.commit))
      expect(bad.status).toBe('aborted')
      // An outsider's own group under the same id, advanced to the same epoch: its commits do not authenticate.
      const outsider = await (await mk()).createGroup('conv-1')
      while (outsider.epoch() < epoch) {
        await outsider.createCommitCandidate([])
        await outsider.mergeOwnCommit()
      }
      const foreign = await outsider.createCommitCandidate([])
      expect(alice!.inspectMessageKind(foreign.commit)).toBe('commit')
      expect(alice!.inspectMessageEpoch(foreign.commit)).toBe(epoch)
      const r = await alice!.authenticateCommit(foreign.commit)
      expect(r.status).toBe('aborted')
      // Garbage and an application message are refused with a typed reason; the state is unchanged.
      expect(await alice!.authenticateCommit(new Uint8Array([1, 2, 3]))).toMatchObject({ status: 'aborted', reason: 'malformed' })
      expect(await alice!.authenticateCommit(await bob!.encrypt(new Uint8Array([1])))).toMatchObject({ status: 'aborted', reason: 'not-a-commit' })
      expect(alice!.epoch()).toBe(epoch)
      const staged = await alice!.stageRemoteCommit({ proposals: built.proposals, commit: built.commit })
      expect(staged.status).toBe('staged')
      const msg = await carol!.encrypt(new Uint8Array([7]))
      expect((await alice!.decrypt(msg)).plaintext).toEqual(new Uint8Array([7]))
    })
  }
})

describe('authenticateCommit with the proposals sent alongside (issue 15: a copy with other proposals is refused before it is held)', () => {
  for (const publicHandshakes of [false, true]) {
    it(`accepts exactly the referenced proposals, refuses swapped, missing, extra or garbage ones (${publicHandshakes ? 'public' : 'private'} handshakes)`, async () => {
      const mk = () => client(undefined, 'auto', publicHandshakes)
      const [alice, bob, carol, dave] = await groupOf(await Promise.all([mk(), mk(), mk(), mk()]))
      const built = await bob!.createCommitCandidate([
        { action: 'remove', memberId: carol!.memberId },
        { action: 'remove', memberId: dave!.memberId },
      ])
      // Other proposals of the same epoch, by another member: well-formed, but not the ones the commit names.
      const other = await carol!.createCommitCandidate([{ action: 'remove', memberId: dave!.memberId }])
      expect(built.proposals).toHaveLength(2)
      const ok = await alice!.authenticateCommit(built.commit, { proposals: built.proposals })
      expect(ok).toMatchObject({ status: 'authenticated' })
      expect(Object.keys(ok)).toEqual(['status', 'committer'])
      // Order does not matter (a reference names a proposal, not a position).
      expect((await alice!.authenticateCommit(built.commit, { proposals: [...built.proposals].reverse() })).status).toBe('authenticated')
      const refused = [
        [other.proposals[0]!, built.proposals[1]!], // one swapped
        [built.proposals[0]!], // one missing
        [...built.proposals, other.proposals[0]!], // one extra
        [built.proposals[0]!, built.proposals[0]!], // one twice
        [built.proposals[0]!, new Uint8Array([1, 2, 3])], // garbage
      ]
      for (const proposals of refused) {
        expect(await alice!.authenticateCommit(built.commit, { proposals })).toMatchObject({ status: 'aborted', reason: 'mls-failure' })
      }
      // Nothing consumed: the genuine candidate still stages.
      expect((await alice!.stageRemoteCommit({ proposals: built.proposals, commit: built.commit })).status).toBe('staged')
    })
  }
})
