import { decodeVote, toHex } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { Conversation, defaultPlugins } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { keyFor } from '../scenarios/harness.js'

const text = (s: string) => new TextEncoder().encode(s)
const said = (bed: Bed, i: number, body: string) =>
  bed.eventsOf(i, 'message').some((m) => new TextDecoder().decode(m.body) === body)

/** Every vote the signer of `plugins` signs, as `proposalId → choices`. */
function recordVotes(plugins: Awaited<ReturnType<typeof defaultPlugins>>, into: Map<number, Set<boolean>>): void {
  const signer = plugins.consensus.signer
  const sign = signer.sign.bind(signer)
  signer.sign = (payload: Uint8Array) => {
    try {
      const v = decodeVote(payload)
      if (toHex(v.voteOwner) === toHex(signer.identity)) {
        const set = into.get(v.proposalId) ?? new Set()
        set.add(v.vote)
        into.set(v.proposalId, set)
      }
    } catch {
      // an attestation, not a vote
    }
    return sign(payload)
  }
}

/**
 * The creator (steward and committer) m0 of a 3-member group saves its
 * state; it proposes to add m3, and chats, and crashes at its `crashAt`-th
 * save: before (`'crash'`) or after (`'crash-after-send'`) that step's
 * packets leave. It restarts from the last durable save.
 */
async function run(crashAt: number, fate: 'crash' | 'crash-after-send') {
  const bed = await Bed.create('crash', 4)
  await bed.add(1)
  await bed.add(2)
  const votes = new Map<number, Set<boolean>>()
  recordVotes(bed.peers[0]!.plugins as Awaited<ReturnType<typeof defaultPlugins>>, votes)
  bed.conv(0).enableSaving()
  let durable = bed.conv(0).takeSave()!
  let saves = 0
  let dead = false
  bed.onDrain = (peer) => {
    if (peer.index !== 0) return undefined
    const s = peer.conversation!.takeSave()
    if (s === undefined) return undefined
    durable = s
    if (++saves !== crashAt) return undefined
    dead = true
    return fate
  }
  const kp = await bed.peers[3]!.plugins.generateKeyPackage(bed.now)
  await bed.conv(0).addMember(kp, bed.now)
  await bed.conv(0).sendMessage(text('before'), bed.now)
  await bed.flush()
  let restarted = false
  const deadline = bed.now + 60_000
  const settled = () =>
    bed.peers.every((p) => p.conversation !== undefined && p.conversation.members().length === 4 && p.conversation.state() === 'working') &&
    bed.peers.every((p) => p.conversation!.epoch() === bed.conv(0).epoch() && toHex(p.conversation!.epochAuthenticator()) === toHex(bed.conv(0).epochAuthenticator()))
  while (!settled()) {
    if (bed.now > deadline) throw new Error(`crash point ${crashAt} (${fate}): not converged; epochs ${bed.peers.map((p) => p.conversation?.epoch()).join(',')}`)
    if (dead && !restarted && bed.peers[0]!.conversation === undefined) {
      const fresh = await defaultPlugins(keyFor(0))
      recordVotes(fresh, votes)
      bed.peers[0]!.plugins = fresh
      bed.peers[0]!.conversation = await Conversation.restore({ conversationId: 'crash', plugins: fresh, state: durable, now: bed.now })
      bed.conv(0).enableSaving()
      restarted = true
    }
    bed.now += 50
    await bed.poll()
  }
  // Crash points are the steps until the group settled (the chat below is checked, not crashed).
  bed.onDrain = undefined
  await bed.conv(0).sendMessage(text('after'), bed.now)
  await bed.conv(3).sendMessage(text('from the joiner'), bed.now)
  await bed.flush()
  for (const i of [1, 2, 3]) {
    expect(said(bed, i, 'after'), `crash point ${crashAt} (${fate}): m${i} got m0's chat`).toBe(true)
  }
  expect(said(bed, 0, 'from the joiner')).toBe(true)
  // Never two different votes on one proposal.
  for (const [id, choices] of votes) expect(choices.size, `proposal ${id}`).toBe(1)
  // Never two different commits for one epoch.
  const inspect = bed.peers[2]!.mls!
  const commits = new Map<bigint, Set<string>>()
  const m0 = toHex(bed.peers[0]!.plugins.mls.memberId)
  for (const c of bed.candidatesSent(0)) {
    if (toHex(c.stewardMemberId) !== m0) continue
    const e = inspect.inspectMessageEpoch(c.commitMessage) as bigint
    const set = commits.get(e) ?? new Set()
    set.add(toHex(sha256(c.commitMessage)))
    commits.set(e, set)
  }
  for (const [e, set] of commits) expect(set.size, `commits of epoch ${e}`).toBe(1)
  return { saves, restarted }
}

describe('durable state: a crash at any step leaves the state before or after it', () => {
  it('the committing creator crashes at every save point of an add (before and after the step’s packets leave), restarts from its last durable save; the group converges, nobody signed two votes or two commits for one epoch', async () => {
    const total = (await run(Number.POSITIVE_INFINITY, 'crash')).saves
    expect(total).toBeGreaterThanOrEqual(3)
    for (let k = 1; k <= total; k++) {
      for (const fate of ['crash', 'crash-after-send'] as const) {
        const r = await run(k, fate)
        expect(r.restarted).toBe(true)
      }
    }
  }, 300_000)
})
