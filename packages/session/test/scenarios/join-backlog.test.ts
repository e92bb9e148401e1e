import { MemoryNetwork } from '@demls/transport-memory'
import { decodeAppMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { FAST_TIMING, User } from '../../src/index.js'
import { conv, converged, eventsOf, hex, memberIdOf, scenario } from './harness.js'

/**
 * Deviation 6: a joiner welcomed in an election epoch learns the elected
 * list from the election itself. The committer opens the election right
 * after publishing the Welcome, so the proposal reaches the joiner while its
 * join is still pending; the join backlog keeps it and replays it once the
 * Welcome is applied. Without the backlog (checked by disabling it) the
 * proposal is lost: the joiner never votes on the election and gets the
 * list only from later fallbacks (steward-list sync), which is why
 * `growth.test.ts` "protocol_join_scale" converges either way. We also
 * require that the joiner never had to ask for the proposal
 * (`ProposalRequest`).
 */
describe('deviation 6: the join backlog replays what the group said while the join was pending', () => {
  it('a joiner welcomed in an election epoch gets the election proposal from its backlog (it never asks for it) and installs the elected list', async () => {
    const n = 6
    const s = await scenario(n, { config: { stewardList: { snMin: 1, snMax: 2 } } })
    const id = 'backlog'
    // Every ProposalRequest on the network, by the member that sent it.
    const asked: string[] = []
    s.members[0]!.user.transport.addEventListener('message', (e) => {
      const payload = e.detail.envelope.payload
      if (e.detail.envelope.conversationId !== id || payload.length === 0 || payload[0] === 0) return
      try {
        const request = decodeAppMessage(payload).demlsControl?.proposalRequest
        if (request) asked.push(hex(request.memberId))
      } catch {
        // welcome-channel traffic
      }
    })
    await s.members[0]!.user.createConversation(id)
    const joinEpochs = new Map<number, bigint>()
    for (let i = 1; i < n; i++) {
      const joining = s.members[i]!.user.join(id)
      await s.until(() => s.members[i]!.user.conversation(id) !== undefined)
      await joining
      joinEpochs.set(i, conv(s, i, id).epoch())
      const inGroup = [...Array(i + 1).keys()]
      await s.until(() => converged(s, id, inGroup) && conv(s, 0, id).members().length === i + 1)
    }
    // Let the last election resolve everywhere.
    await s.until(() => {
      const lists = s.members.map((_, k) => conv(s, k, id).conversation.stewards().map(hex).join())
      return converged(s, id) && lists.every((l) => l === lists[0]) && eventsOf(s, 0, 'consensus-reached').filter((e) => e.request?.payload === 'stewardElection').length >= 1
    })
    const elections = eventsOf(s, 0, 'consensus-reached').filter((e) => e.request?.payload === 'stewardElection' && e.approved)
    const welcomedInElectionEpoch: number[] = []
    for (const [i, epoch] of joinEpochs) {
      const election = elections.find((e) => e.request?.stewardElection?.electionEpoch === epoch)
      if (election === undefined) continue
      welcomedInElectionEpoch.push(i)
      // The joiner voted on that election: it had the proposal, replayed from its backlog.
      expect(eventsOf(s, i, 'vote-requested').some((e) => e.proposalId === election.proposalId)).toBe(true)
      expect(eventsOf(s, i, 'consensus-reached').some((e) => e.proposalId === election.proposalId && e.approved)).toBe(true)
      expect(eventsOf(s, i, 'steward-list-inferred')).toHaveLength(0)
    }
    // The scenario did exercise the case, and nobody had to ask for a lost proposal.
    expect(welcomedInElectionEpoch.length).toBeGreaterThan(0)
    expect(asked.filter((m) => welcomedInElectionEpoch.some((i) => hex(memberIdOf(i)) === m))).toEqual([])
    await s.stop()
  }, 120_000)
})

/**
 * A joiner buffers what the group says while it waits for its Welcome and
 * reads it once in. What was framed before the epoch it was welcomed into
 * (the proposals and votes that admitted its batch) it never held keys
 * for: it is skipped, not decrypted and dropped one packet at a time (in a
 * batch of n joiners that was n² futile decryptions).
 */
describe('join backlog: packets framed before the Welcome’s epoch are skipped', () => {
  it('a batch of joiners admitted in one commit drops nothing as wrong-epoch, and everyone agrees', async () => {
    const net = new MemoryNetwork({ seed: 77, startTime: 1_700_000_000_000 })
    const batch = 6
    const config = { ...FAST_TIMING, maxConsensusSessions: batch + 10, maxSessionsPerMember: batch, commitBatchMax: batch, commitBatchWindowMs: 1_000 }
    const users: User[] = []
    for (let i = 0; i <= batch; i++) {
      users.push(await User.create({ privateKey: new Uint8Array(32).fill(i + 1), transport: net.createTransport(`p${i}`), clock: net.clock, config, random: () => 0.5 }))
    }
    await users[0]!.createConversation('backlog', { admission: 'open' })
    const joiners = users.slice(1)
    const joins = joiners.map((u) => u.join('backlog'))
    await net.runUntil(() => joiners.every((u) => u.conversation('backlog') !== undefined), { maxMs: 120_000 })
    await Promise.all(joins)
    await net.advance(500)
    const epoch = users[0]!.conversation('backlog')!.epoch()
    // One commit admitted the whole batch: the proposals and votes before it were framed at epoch 0.
    expect(epoch).toBe(1n)
    for (const u of joiners) {
      const c = u.conversation('backlog')!
      expect(c.epoch()).toBe(epoch)
      expect(c.members()).toHaveLength(batch + 1)
      expect(c.conversation.dropCounts()['wrong-epoch'] ?? 0).toBe(0)
    }
    for (const u of users) await u.stop()
  })
})
