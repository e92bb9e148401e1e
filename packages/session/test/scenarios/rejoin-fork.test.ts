import { createMlsClient } from '@demls/mls'
import { decodeWelcomeChannelMessage, encodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { defaultPlugins } from '../../src/index.js'
import { authenticatorHash } from '../../src/rules/index.js'
import { cutOffStewardWithJoiner, FORK_CONFIG, forkAdmitVersusRemove, forkBed } from './forks.js'
import { conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario } from './harness.js'

// Issue 21's last real-network failure: two stewards commit the same
// approved join at one epoch (two branches), and the joiner takes its
// Welcome from the commit the group then abandons. Members heal from their
// branch point; the joiner has none, so before the fix it stayed behind for
// good ("fork switch refused: no branch point", then every commit refused
// by MLS). Now it keeps its key package until a majority confirms its
// state, and re-joins from the Welcome that leads to the state the majority
// attests.
describe('a joiner welcomed into the abandoned side of a fork', () => {
  it('re-joins from the Welcome of the winning commit and converges with the group', async () => {
    const keyPackages = new Map<string, Uint8Array>()
    const s = await scenario(5, {
      config: FORK_CONFIG,
      transport: (i, t) => {
        if (i !== 0) return
        // What anyone on the welcome channel sees: the joiners' key packages.
        t.addEventListener('message', (e) => {
          if (e.detail.envelope.subtopic !== 'welcome') return
          const kp = decodeWelcomeChannelMessage(e.detail.envelope.payload).keyPackage
          if (kp !== undefined) keyPackages.set(hex(kp.memberId), kp.keyPackageBytes)
        })
      },
    })
    const id = 'rejoin-fork'
    const b = await forkBed(s, id)
    const { epochSteward, backup, steward, joiner, epoch } = b
    const settled = [0, 1, 2, 3]

    // Everyone approves the join, then the joiner is cut off with the lowest-ranked steward.
    const joined = s.members[joiner]!.user.join(id, { timeoutMs: 600_000 })
    await s.until(() => settled.every((i) => conv(s, i, id).approvedProposals().length === 1))
    cutOffStewardWithJoiner(s, b)
    // Both sides commit the add: the joiner is welcomed by the steward's commit, the losing branch.
    await s.until(
      () =>
        s.members[joiner]!.user.conversation(id)?.epoch() === epoch + 1n &&
        conv(s, epochSteward, id).epoch() === epoch + 1n &&
        conv(s, backup, id).epoch() === epoch + 1n,
    )
    await joined
    const winner = conv(s, epochSteward, id).epochAuthenticator()
    const abandoned = conv(s, joiner, id).epochAuthenticator()
    expect(hex(abandoned)).not.toBe(hex(winner))
    expect(hex(conv(s, steward, id).epochAuthenticator())).toBe(hex(abandoned))
    const mark = s.members[joiner]!.events.length
    // An outsider that saw the joiner's key package offers it a Welcome into a group of its own making,
    // under the same id: the joiner keeps it, tries it once it is stranded, and never adopts it.
    const tap = s.net.createTransport('outsider')
    await tap.start()
    const forger = await createMlsClient({ memberId: memberIdOf(9) })
    const forged = await forger.createGroup(id)
    const keyPackage = keyPackages.get(hex(memberIdOf(joiner)))!
    const fake = await forged.createCommitCandidate([{ action: 'add', keyPackage }], { nowMs: s.net.clock.now() })
    await forged.mergeOwnCommit()
    const sync = await forged.encrypt(new Uint8Array([0x0a, 0x00]))
    const welcome = { welcomeBytes: fake.welcome!, conversationSyncBytes: sync, joinerIdentities: [memberIdOf(joiner)] }
    await tap.publish({ conversationId: id, subtopic: 'welcome', payload: encodeWelcomeChannelMessage({ welcome }) }, { allowNoPeers: true })

    s.net.heal()
    const everyone = [...settled, joiner]
    await s.until(() => converged(s, id, everyone) && conv(s, 0, id).members().length === 5, 300_000)
    // The steward healed from its branch point; the joiner re-joined from the winning commit's Welcome.
    expect(eventsOf(s, steward, 'fork-healed').length).toBeGreaterThan(0)
    const rejoined = s.members[joiner]!.events.slice(mark).filter((e) => e.type === 'rejoined')
    expect(rejoined).toHaveLength(1)
    expect(rejoined[0]).toMatchObject({ epoch: epoch + 1n })
    const r = rejoined[0] as Extract<(typeof rejoined)[number], { type: 'rejoined' }>
    expect(hex(r.abandoned)).toBe(hex(authenticatorHash(abandoned)))
    expect(hex(r.adopted)).toBe(hex(authenticatorHash(winner)))
    // It said so first: stranded at the epoch it joined, with the majority's state.
    const stranded = s.members[joiner]!.events.slice(mark).filter((e) => e.type === 'stranded')
    expect(stranded.length).toBeGreaterThan(0)
    expect(stranded[0]).toMatchObject({ epoch: epoch + 1n })
    expect(hex((stranded[0] as Extract<(typeof stranded)[number], { type: 'stranded' }>).majorityState)).toBe(hex(authenticatorHash(winner)))
    for (const i of everyone) expect(conv(s, i, id).members().map(hex).sort()).toEqual(everyone.map((i) => hex(memberIdOf(i))).sort())

    // The joiner takes part from there: a chat reaches it, and its chat reaches everyone.
    const before = everyone.map((i) => eventsOf(s, i, 'message').length)
    await conv(s, joiner, id).sendMessage(new TextEncoder().encode('back on the main branch'))
    await conv(s, epochSteward, id).sendMessage(new TextEncoder().encode('welcome back'))
    await s.until(() => everyone.every((i, k) => eventsOf(s, i, 'message').length >= before[k]! + (i === joiner || i === epochSteward ? 1 : 2)))
    await s.stop()
  }, 120_000)

  it('re-joins from a later commit’s Welcome when the commit the group kept did not add it', async () => {
    // The joiner's key package is released only once the majority attests its state past the epoch it re-joined at
    // (that commit, too, could still lose to a better-ranked one): record the epoch it held at each release.
    const released: bigint[] = []
    let joinerEpoch = () => -1n
    const hooked = await defaultPlugins(keyFor(4))
    const release = hooked.mls.releaseKeyPackage.bind(hooked.mls)
    hooked.mls.releaseKeyPackage = (conversationId: string) => {
      released.push(joinerEpoch())
      return release(conversationId)
    }
    const s = await scenario(5, { config: FORK_CONFIG, plugins: (i) => (i === 4 ? hooked : {}) })
    const id = 'rejoin-later'
    const b = await forkBed(s, id)
    const { epochSteward, backup, steward, joiner, epoch } = b
    joinerEpoch = () => s.members[joiner]!.user.conversation(id)?.epoch() ?? -1n
    await forkAdmitVersusRemove(s, id, b)
    expect(conv(s, epochSteward, id).members().map(hex)).not.toContain(hex(memberIdOf(joiner)))
    const mark = s.members[joiner]!.events.length

    s.net.heal()
    const everyone = [epochSteward, backup, steward, joiner]
    await s.until(() => converged(s, id, everyone) && conv(s, epochSteward, id).members().length === 4, 300_000)
    const rejoined = s.members[joiner]!.events.slice(mark).filter((e) => e.type === 'rejoined')
    expect(rejoined).toHaveLength(1)
    // It re-joined at the later epoch: the commit that added it on the group's branch.
    const rejoinedAt = (rejoined[0] as { epoch: bigint }).epoch
    expect(rejoinedAt).toBeGreaterThan(epoch + 1n)
    expect(released.filter((e) => e <= rejoinedAt)).toEqual([])
    const before = everyone.map((i) => eventsOf(s, i, 'message').length)
    await conv(s, joiner, id).sendMessage(new TextEncoder().encode('here at last'))
    await s.until(() => everyone.every((i, k) => i === joiner || eventsOf(s, i, 'message').length > before[k]!))
    await s.stop()
  }, 120_000)
})
