import { type MemberWelcome, decodeAppMessage, decodeWelcomeChannelMessage, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import {
  REANNOUNCE_FIRST_MS,
  electorateBefore,
  healStranded,
  judge,
  offerWelcome,
  requestJoinedBranch,
  rewelcomeDeadline,
} from '../../src/join/rewelcome.js'
import { authenticatorHash } from '../../src/rules/joined-branch.js'
import { ProvisionalJoin } from '../../src/state/provisional-join.js'
import { coreFixture } from '../core-fixture.js'

/**
 * `join/rewelcome.ts` on a core over a real 3-member MLS group (member 0
 * ours), made provisional as a joiner that has not been confirmed yet.
 */
describe('join/rewelcome', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'rejoin', members: 3 })
    const keyPackage = new Uint8Array([1, 2, 3])
    core.provisional = new ProvisionalJoin(keyPackage, core.epoch(), REANNOUNCE_FIRST_MS)
    const ours = { epoch: core.epoch(), authenticatorHash: authenticatorHash(core.mls.epochAuthenticator()) }
    const theirs = { epoch: core.epoch(), authenticatorHash: new Uint8Array(32).fill(9) }
    const [bob, carol] = [toHex(others[0]!.memberId), toHex(others[1]!.memberId)]
    const welcome = (joiners: Uint8Array[]): MemberWelcome => ({ welcomeBytes: new Uint8Array([7, 7]), conversationSyncBytes: new Uint8Array(), joinerIdentities: joiners })
    /** Both other members attest another state at our epoch: we are stranded. */
    const strand = () => {
      core.provisional!.note(bob, theirs, 1)
      core.provisional!.note(carol, theirs, 1)
      judge(core)
      return core.provisional!
    }
    return { core, others, keyPackage, ours, theirs, bob, carol, welcome, strand }
  }

  it('electorateBefore: the Welcome’s members minus its joiners', () => {
    const m = (n: number) => new Uint8Array(20).fill(n)
    expect([...electorateBefore([m(1), m(2), m(3)], [m(3)])]).toEqual([toHex(m(1)), toHex(m(2))])
  })

  it('a Welcome is kept only while provisional and only when it names us', async () => {
    const { core, others, welcome } = await setup()
    offerWelcome(core, welcome([others[0]!.memberId]))
    expect(core.provisional!.offered.size).toBe(0)
    offerWelcome(core, welcome([core.memberId]))
    expect(core.provisional!.offered.size).toBe(1)
    core.provisional = undefined
    offerWelcome(core, welcome([core.memberId])) // nothing to keep it in, and no throw
  })

  it('a majority of the others attesting another state at our epoch strands us (reported once); the majority attesting ours clears it', async () => {
    const { core, ours, theirs, bob, carol } = await setup()
    const p = core.provisional!
    p.note(bob, theirs, 1)
    judge(core)
    expect(p.target).toBeUndefined() // one of two others is no majority
    p.note(carol, theirs, 1)
    judge(core)
    judge(core)
    expect(core.outbox.events.filter((e) => e.type === 'stranded')).toHaveLength(1)
    expect(toHex(p.target!)).toBe(toHex(theirs.authenticatorHash))
    p.note(bob, ours, 2)
    p.note(carol, ours, 2)
    judge(core)
    expect(p.target).toBeUndefined()
  })

  it('while stranded with no Welcome to try, we announce our key package again, at growing intervals, and the deadline follows', async () => {
    const { core, keyPackage, strand } = await setup()
    strand()
    const t = core.now
    expect(await healStranded(core, t)).toBe(false)
    const announced = () => core.outbox.packets.map((o) => decodeWelcomeChannelMessage(o.payload).keyPackage?.keyPackageBytes)
    expect(announced()).toEqual([keyPackage])
    expect(rewelcomeDeadline(core, t)).toBe(t + REANNOUNCE_FIRST_MS)
    await healStranded(core, t + REANNOUNCE_FIRST_MS - 1)
    expect(announced()).toHaveLength(1)
    await healStranded(core, t + REANNOUNCE_FIRST_MS)
    expect(announced()).toHaveLength(2)
    expect(rewelcomeDeadline(core, t + REANNOUNCE_FIRST_MS)).toBe(t + 3 * REANNOUNCE_FIRST_MS) // the interval doubled
  })

  it('a garbage Welcome is tried once and never again; the deadline then waits for the next announcement', async () => {
    const { core, welcome, strand } = await setup()
    const p = strand()
    offerWelcome(core, welcome([core.memberId]))
    expect(rewelcomeDeadline(core, core.now)).toBe(core.now) // a Welcome waits to be tried
    expect(await healStranded(core, core.now)).toBe(false)
    expect([...p.offered.values()][0]!.leadsTo).toBeNull()
    expect(rewelcomeDeadline(core, core.now)).toBe(core.now + REANNOUNCE_FIRST_MS)
  })

  it('requestJoinedBranch asks for the commit that made our epoch, signed, at most once per interval, only while provisional', async () => {
    const { core } = await setup()
    requestJoinedBranch(core, core.now)
    requestJoinedBranch(core, core.now + 1)
    expect(core.outbox.packets).toHaveLength(1)
    const req = decodeAppMessage(core.outbox.packets[0]!.payload).demlsControl?.commitRequest
    expect(req?.fromEpoch).toBe(core.epoch() - 1n)
    expect(req?.signature.length).toBeGreaterThan(0)
    requestJoinedBranch(core, core.now + 2_000)
    expect(core.outbox.packets).toHaveLength(2)
    core.provisional = undefined
    requestJoinedBranch(core, core.now + 10_000)
    expect(core.outbox.packets).toHaveLength(2)
  })

  it('not stranded, a majority attesting a later epoch: a Welcome waiting is tried once, nothing is announced; with no later majority it waits untried', async () => {
    const { core, bob, carol, welcome } = await setup()
    const p = core.provisional!
    offerWelcome(core, welcome([core.memberId]))
    // No majority anywhere: a joiner on the group's branch tries nothing.
    expect(rewelcomeDeadline(core, core.now)).toBeUndefined()
    const later = { epoch: core.epoch() + 1n, authenticatorHash: new Uint8Array(32).fill(5) }
    p.note(bob, later, 1)
    expect(rewelcomeDeadline(core, core.now)).toBeUndefined() // one of two others is no majority
    p.note(carol, later, 1)
    expect(rewelcomeDeadline(core, core.now)).toBe(core.now)
    expect(await healStranded(core, core.now)).toBe(false)
    expect([...p.offered.values()][0]!.leadsTo).toBeNull() // tried once: garbage
    expect(core.outbox.packets).toHaveLength(0) // not stranded: no key package announced
    expect(p.target).toBeUndefined()
    expect(rewelcomeDeadline(core, core.now)).toBeUndefined() // nothing left to try: no wake-up loop
  })

  it('not stranded: a Welcome leading to a later state the majority does not attest is not adopted, and not due', async () => {
    const { core, bob, carol, welcome } = await setup()
    const p = core.provisional!
    offerWelcome(core, welcome([core.memberId]))
    const offered = [...p.offered.values()][0]!
    // A Welcome (of someone's making) that leads to a later state of its own.
    offered.leadsTo = { epoch: core.epoch() + 1n, authenticatorHash: new Uint8Array(32).fill(6) }
    const majority = { epoch: core.epoch() + 1n, authenticatorHash: new Uint8Array(32).fill(5) }
    p.note(bob, majority, 1)
    p.note(carol, majority, 1)
    expect(rewelcomeDeadline(core, core.now)).toBeUndefined()
    expect(await healStranded(core, core.now)).toBe(false)
    expect(core.outbox.events.filter((e) => e.type === 'rejoined')).toHaveLength(0)
    expect(offered.leadsTo?.authenticatorHash[0]).toBe(6)
  })

  it('at our join epoch, judges without those welcomed with us; later, they count as every member does', async () => {
    const { core, ours, theirs, bob, carol } = await setup()
    const p = core.provisional!
    // Carol joined with us (the Welcome named us both); Bob did not.
    p.joinedWith = new Set([carol])
    p.note(carol, ours, 1)
    judge(core)
    expect(p.target).toBeUndefined()
    p.note(bob, theirs, 1)
    judge(core)
    // Carol's word counts for nothing here: Bob, the one other witness, holds another state.
    expect(toHex(p.target!)).toBe(toHex(theirs.authenticatorHash))
    // With everyone else welcomed with us, the roster judges as before: one each, no majority.
    p.target = undefined
    p.joinedWith = new Set([bob, carol])
    judge(core)
    expect(p.target).toBeUndefined()
    // Past our join epoch Carol counts: Bob and Carol attesting our state confirm us.
    p.joinedWith = new Set([carol])
    p.joinedEpoch = core.epoch() - 1n
    p.note(bob, ours, 2)
    p.note(carol, ours, 2)
    judge(core)
    expect(core.provisional).toBeUndefined()
  })


})
