import { decodeAppMessage, encodeAppMessage, encodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { Bed } from './sansio.js'
import { proposalRequestGraceMs } from '../src/sync/missing-proposals.js'
import { hex, memberIdOf } from './scenarios/harness.js'

/** Catch-up claims of `docs/deviations.md` ("catch-up and fork safety") and the session README ("Under message loss"). */

describe('catch-up: attestations and lost proposals', () => {
  it('the member that committed re-attests its epoch every attestationIntervalMs while idle', async () => {
    const interval = 2_000
    const bed = await Bed.create('attest', 2, { attestationIntervalMs: interval })
    await bed.add(1)
    const attestations = () => bed.plaintextSent(0).filter((m) => m.demlsControl?.attestation !== undefined).length
    const t0 = bed.now
    const before = attestations()
    const at: number[] = []
    while (bed.now < t0 + 5 * interval) {
      bed.now += 50
      await bed.poll()
      for (let k = at.length; k < attestations() - before; k++) at.push(bed.now)
    }
    expect(at.length).toBeGreaterThanOrEqual(4)
    expect(at.length).toBeLessThanOrEqual(6)
    for (let k = 1; k < at.length; k++) {
      expect(at[k]! - at[k - 1]!).toBeGreaterThanOrEqual(interval)
      expect(at[k]! - at[k - 1]!).toBeLessThanOrEqual(interval + 50)
    }
  })

  it('a member holding votes for a proposal it never received asks for it once it is still missing after the grace, and the owner re-sends it', async () => {
    const bed = await Bed.create('lost-proposal', 4)
    await bed.add(1)
    await bed.add(2)
    const [alice, bob] = [bed.conv(0), bed.conv(1)]
    // Alice's proposal never reaches bob on its first sending; watch bob's requests and alice's re-sends.
    let dropped = 0
    const requestsAt: number[] = []
    let resent = 0
    bed.intercept = (from, to, p) => {
      if (from === 0 && to === 1 && p.subtopic === 'app' && dropped === 0) {
        dropped++
        return undefined
      }
      if (p.subtopic === 'app' && p.payload[0] !== 0 && to === 0) {
        const m = decodeAppMessage(p.payload)
        if (from === 1 && m.demlsControl?.proposalRequest !== undefined) requestsAt.push(bed.now)
      }
      if (from === 0 && to === 1 && requestsAt.length > 0 && p.subtopic === 'app') resent++
      return p
    }
    const id = await alice.addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    expect(dropped).toBe(1)
    expect(bed.eventsOf(1, 'vote-requested').some((e) => e.proposalId === id)).toBe(false)
    // Carol's vote reaches bob after her voting delay; bob asks only once the proposal has been missing for the grace.
    const t0 = bed.now
    await bed.until(() => requestsAt.length > 0, bob.config().consensusTimeoutMs, 10)
    expect(requestsAt[0]! - t0).toBeGreaterThanOrEqual(bob.config().votingDelayMs + proposalRequestGraceMs(bob.config()))
    expect(requestsAt[0]! - t0).toBeLessThan(bob.config().consensusTimeoutMs)
    // Alice answers (the re-sent proposal); the group, bob included, ends with the joiner.
    await bed.until(() => resent > 0 && [0, 1, 2].every((i) => bed.conv(i).members().length === 4), 10_000, 10)
  })

  it('every member echoes a new commit candidate once', async () => {
    const bed = await Bed.create('echo', 4)
    await bed.add(1)
    await bed.add(2)
    const committed = bed.eventsOf(0, 'commit-applied').length
    const sent = [0, 1, 2].map((i) => bed.candidatesSent(i).length)
    await bed.conv(0).addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    await bed.until(() => [0, 1, 2].every((i) => bed.conv(i).members().length === 4))
    expect(bed.eventsOf(0, 'commit-applied').length).toBe(committed + 1)
    const committer = bed.eventsOf(0, 'commit-applied').at(-1)!.committer
    const by = [0, 1, 2].map((i) => bed.candidatesSent(i).slice(sent[i]))
    const key = (c: { commitMessage: Uint8Array }) => hex(c.commitMessage)
    const authored = by.flat().filter((c) => hex(c.stewardMemberId) === hex(committer))
    const distinct = new Set(authored.map(key))
    expect(distinct.size).toBe(1)
    // Each of the three members sent that candidate exactly once: the author its own, the other two their echo.
    for (const i of [0, 1, 2]) expect(by[i]!.filter((c) => distinct.has(key(c)))).toHaveLength(1)
  })

  it('a joiner that missed its Welcome gets it re-sent by a steward when it announces its key package again', async () => {
    const bed = await Bed.create('welcome-resend', 3)
    await bed.add(1)
    // Every Welcome to member 2 is lost.
    bed.intercept = (_from, to, p) => (to === 2 && p.subtopic === 'welcome' ? undefined : p)
    const kp = await bed.peers[2]!.plugins.generateKeyPackage(bed.now)
    await bed.conv(0).addMember(kp, bed.now)
    await bed.flush()
    await bed.until(() => [0, 1].every((i) => bed.conv(i).members().length === 3))
    expect(bed.peers[2]!.conversation).toBeUndefined()
    bed.intercept = undefined
    // The joiner announces the same key package again; the members see it is already in the group.
    const announce = { subtopic: 'welcome' as const, payload: encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: kp, memberId: memberIdOf(2) } }) }
    for (const i of [0, 1]) await bed.conv(i).receive(announce, bed.now)
    await bed.flush()
    expect(bed.peers[2]!.conversation).toBeDefined()
    expect(bed.conv(2).epoch()).toBe(bed.conv(0).epoch())
    expect(bed.conv(2).members().map(hex).sort()).toEqual(bed.conv(0).members().map(hex).sort())
  })

  it('a chat from an epoch it has not reached is kept, and read once the member caught up to that epoch', async () => {
    const bed = await Bed.create('future', 4)
    await bed.add(1)
    await bed.add(2)
    const [alice, carol] = [bed.conv(0), bed.conv(2)]
    const epoch = carol.epoch()
    // Carol hears nothing of the next commit.
    bed.intercept = (_from, to, p) => (to === 2 ? undefined : p)
    await alice.addMember(await bed.peers[3]!.plugins.generateKeyPackage(bed.now), bed.now)
    await bed.flush()
    await bed.until(() => alice.epoch() === epoch + 1n && bed.conv(1).epoch() === epoch + 1n)
    expect(carol.epoch()).toBe(epoch)
    // Alice's chat, framed in the new epoch, reaches carol first.
    await alice.sendMessage(new TextEncoder().encode('from the future'), bed.now)
    const chat = alice.drainOutbound()
    expect(chat).toHaveLength(1)
    bed.peers[0]!.sent.push(...chat)
    await carol.receive(chat[0]!, bed.now)
    const read = () => bed.eventsOf(2, 'message').some((e) => new TextDecoder().decode(e.body) === 'from the future')
    expect(read()).toBe(false)
    // Carol catches up (it asked at once); the kept chat is read at its epoch.
    bed.intercept = undefined
    await bed.until(() => carol.epoch() === epoch + 1n && read(), 10_000, 10)
    expect(bed.eventsOf(2, 'message').find((e) => new TextDecoder().decode(e.body) === 'from the future')?.epoch).toBe(epoch + 1n)
  })

  it('a member answers an attestation of an older epoch or a worse branch at once with its own, and stays silent for its own commit', async () => {
    const bed = await Bed.create('attest-back', 3)
    await bed.add(1)
    await bed.add(2)
    const alice = bed.conv(0)
    const epoch = alice.epoch()
    // Past the re-send limit, long before the (hour-long) periodic attestation.
    bed.now += 5_000
    alice.drainOutbound()
    // The commit hash alice attested after her last merge.
    const own = bed
      .plaintextSent(0)
      .flatMap((m) => (m.demlsControl?.attestation ? [m.demlsControl.attestation] : []))
      .at(-1)!
    expect(own.epoch).toBe(epoch)
    const attestationFrom = (i: number, e: bigint) => ({
      subtopic: 'app' as const,
      payload: encodeAppMessage({ demlsControl: { attestation: { epoch: e, commitHash: own.commitHash, memberId: memberIdOf(i) } } }),
    })
    const attestationsOut = () =>
      alice.drainOutbound().filter((p) => p.subtopic === 'app' && p.payload[0] !== 0 && decodeAppMessage(p.payload).demlsControl?.attestation !== undefined)
    // Control: an attestation of our epoch and commit gets no answer.
    await alice.receive(attestationFrom(1, epoch), bed.now)
    expect(attestationsOut()).toHaveLength(0)
    // A member one epoch behind: alice attests at once.
    await alice.receive(attestationFrom(2, epoch - 1n), bed.now)
    const out = attestationsOut()
    expect(out).toHaveLength(1)
    expect(decodeAppMessage(out[0]!.payload).demlsControl!.attestation!.epoch).toBe(epoch)
    // A member on a worse branch of our epoch (a larger commit hash): alice attests at once too.
    bed.now += 2_000
    const worse = { subtopic: 'app' as const, payload: encodeAppMessage({ demlsControl: { attestation: { epoch, commitHash: new Uint8Array(32).fill(0xff), memberId: memberIdOf(1) } } }) }
    await alice.receive(worse, bed.now)
    expect(attestationsOut()).toHaveLength(1)
  })
})
