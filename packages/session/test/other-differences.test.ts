import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'
import { hex, memberIdOf } from './scenarios/harness.js'

const scoreOf = (c: { memberScores(): { memberId: Uint8Array; score: bigint }[] }, i: number) =>
  c.memberScores().find((m) => hex(m.memberId) === hex(memberIdOf(i)))!.score

/** Differences from the reference listed in `docs/deviations.md` that no other test pinned end to end. */

describe('deviation 2: a capped batch is valid at the receivers', () => {
  it('with commitBatchMax = 1 and two approved adds, a member accepts a commit carrying only the first, then the second', async () => {
    const bed = await Bed.create('cap', 4, { commitBatchMax: 1 })
    await bed.add(1)
    const [alice, bob] = [bed.conv(0), bed.conv(1)]
    const mark = bed.eventsOf(1, 'commit-applied').length
    const aliceBefore = scoreOf(bob, 0)
    await alice.addMember(await bed.peers[2]!.plugins.generateKeyPackage(bed.now), bed.now)
    await alice.addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    // Both adds are approved on bob before the first commit.
    await bed.until(() => bob.approvedCount() === 2 || bob.epoch() > 1n)
    expect(bob.approvedCount()).toBe(2)
    await bed.until(() => bob.epoch() === 2n)
    const first = bed.eventsOf(1, 'commit-applied')[mark]!
    expect(first.batch).toHaveLength(1)
    expect(hex(first.committer)).toBe(hex(memberIdOf(0)))
    // The rest of the approved work waits for the next commit.
    expect(bob.approvedCount()).toBe(1)
    await bed.until(() => bob.epoch() === 3n)
    expect(bed.eventsOf(1, 'commit-applied').slice(mark).map((e) => e.batch.length)).toEqual([1, 1])
    expect(bob.members()).toHaveLength(4)
    // No penalty on the committer for the partial batches: its score only rose (two successful commits).
    expect(scoreOf(bob, 0)).toBeGreaterThan(aliceBefore)
  })
})

describe('votes: a vote is sent once more halfway to the consensus timeout when every vote is needed', () => {
  it('n = 2: the only other vote is lost on its first sending, and the proposal still passes before the timeout', async () => {
    const bed = await Bed.create('echo', 3)
    await bed.add(1)
    const alice = bed.conv(0)
    const timeout = alice.config().consensusTimeoutMs
    // Drop bob's first encrypted packet to alice: his vote.
    let lost = 0
    bed.intercept = (from, to, p) => {
      if (from === 1 && to === 0 && p.subtopic === 'app' && p.payload[0] === 0 && lost === 0) {
        lost++
        return undefined
      }
      return p
    }
    const t0 = bed.now
    const id = await alice.addMember(await bed.peers[2]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    await bed.until(() => bed.eventsOf(0, 'consensus-reached').some((e) => e.proposalId === id))
    expect(lost).toBe(1)
    const outcome = bed.eventsOf(0, 'consensus-reached').find((e) => e.proposalId === id)!
    expect(outcome).toMatchObject({ approved: true, failed: false })
    expect(bed.now).toBeLessThan(t0 + timeout)
  })

  it('n = 3: a vote whose proposal already resolved is not sent again', async () => {
    const bed = await Bed.create('no-echo', 4)
    await bed.add(1)
    await bed.add(2)
    const alice = bed.conv(0)
    const half = alice.config().consensusTimeoutMs / 2
    // Let the echoes of the votes on the earlier adds (n = 2 then: pivotal, so echoed) go out first.
    await bed.run(2 * half)
    const t0 = bed.now
    const ciphertexts = (i: number) => bed.peers[i]!.sent.filter((p) => p.subtopic === 'app' && p.payload[0] === 0).length
    const id = await alice.addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    // Bob and carol vote at the voting delay; the proposal resolves everywhere at once.
    await bed.until(() => [0, 1, 2].every((i) => bed.eventsOf(i, 'consensus-reached').some((e) => e.proposalId === id)))
    const after = [ciphertexts(1), ciphertexts(2)]
    await bed.run(t0 + 2 * half - bed.now)
    expect([ciphertexts(1), ciphertexts(2)]).toEqual(after)
  })
})

describe('commit timing: who freezes on its own timer, and when', () => {
  it('with the epoch steward silent, the other steward freezes after commitInactivityMs and a plain member after that plus recoveryInactivityMs', async () => {
    const bed = await Bed.create('windows', 4)
    await bed.add(1)
    await bed.add(2)
    const stewards = [0, 1, 2].filter((i) => bed.conv(i).isSteward())
    const e = stewards.find((i) => bed.conv(i).isEpochSteward())!
    const x = stewards.find((i) => i !== e)!
    const p = [0, 1, 2].find((i) => !stewards.includes(i))!
    const { commitInactivityMs, recoveryInactivityMs } = bed.conv(x).config()
    // The epoch steward is silent, and x's packets do not reach p: each freezes on its own timer.
    bed.intercept = (from, to, packet) => (from === e || (from === x && to === p && packet.payload[0] !== 0) ? undefined : packet)
    await bed.conv(x).addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    const approvedAt = new Map<number, number>()
    const frozenAt = new Map<number, number>()
    await bed.until(() => {
      for (const i of [x, p]) {
        if (!approvedAt.has(i) && bed.conv(i).approvedCount() > 0) approvedAt.set(i, bed.now)
        if (!frozenAt.has(i) && bed.conv(i).state() === 'freezing') frozenAt.set(i, bed.now)
      }
      return frozenAt.size === 2
    }, 10_000, 10)
    const waited = (i: number) => frozenAt.get(i)! - approvedAt.get(i)!
    expect(waited(x)).toBeGreaterThanOrEqual(commitInactivityMs)
    expect(waited(x)).toBeLessThanOrEqual(commitInactivityMs + 20)
    expect(waited(p)).toBeGreaterThanOrEqual(commitInactivityMs + recoveryInactivityMs)
    expect(waited(p)).toBeLessThanOrEqual(commitInactivityMs + recoveryInactivityMs + 20)
  })
})

