import { decodeVote, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { Conversation, defaultPlugins } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'

/** Count the votes on `proposalId` that `plugins`' signer signs from now on. */
function countVoteSignatures(plugins: Awaited<ReturnType<typeof defaultPlugins>>, proposalId: () => number | undefined) {
  const signer = plugins.consensus.signer
  const sign = signer.sign.bind(signer)
  const signed: boolean[] = []
  signer.sign = (payload: Uint8Array) => {
    try {
      const v = decodeVote(payload)
      if (v.proposalId === proposalId() && toHex(v.voteOwner) === toHex(signer.identity)) signed.push(v.vote)
    } catch {
      // not a vote (an attestation)
    }
    return sign(payload)
  }
  return signed
}

describe('durable state: a restarted member never votes differently', () => {
  it('m1 voted NO, crashed and resumed from its saved state: it sends the same NO again and signs no other vote', async () => {
    const bed = await Bed.create('votes', 4, { admission: 'open', votingDelayMs: 5_000, consensusTimeoutMs: 20_000 })
    for (const i of [1, 2, 3]) await bed.add(i)
    bed.conv(1).enableSaving()
    bed.conv(1).takeSave()
    const id = (await bed.conv(0).removeMember(memberIdOf(3), bed.now))!
    await bed.flush()
    expect(bed.eventsOf(1, 'vote-requested').some((e) => e.proposalId === id)).toBe(true)
    await bed.conv(1).vote(id, false, bed.now)
    const saved = bed.conv(1).takeSave()
    expect(saved).toBeInstanceOf(Uint8Array)
    await bed.flush()

    // Crash and restart m1 from what it saved, with fresh plug-ins that count what it signs.
    const fresh = await defaultPlugins(keyFor(1))
    const signed = countVoteSignatures(fresh, () => id)
    bed.peers[1]!.plugins = fresh
    bed.peers[1]!.events = []
    bed.peers[1]!.conversation = await Conversation.restore({ conversationId: 'votes', plugins: fresh, state: saved!, now: bed.now })
    bed.conv(1).enableSaving()

    // The others' auto-votes reach m1, which asks for the proposal again and gets it.
    await bed.run(8_000)
    expect(bed.eventsOf(1, 'vote-requested').some((e) => e.proposalId === id)).toBe(false)
    expect(signed).toEqual([])
    // The proposal resolved everywhere with m1's one vote counted once (m3 removed: 3 YES of 4).
    await bed.until(() => bed.peers.every((p, i) => i === 3 || p.conversation!.members().length === 3))
    expect(bed.eventsOf(1, 'error')).toEqual([])
  }, 60_000)
})
