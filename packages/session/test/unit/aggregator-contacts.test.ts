import { MAX_CONTACT_BYTES, type StewardElectionProposal, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { AGGREGATE_LIMITS } from '../../src/state/aggregate-votes.js'
import { aggregatesSoon, aggregatorContacts, announceContact, contactDue, onAggregatorContact } from '../../src/voting/aggregator-contacts.js'
import { coreFixture, droppedOf } from '../core-fixture.js'
import { blsPluginFor } from '../scenarios/bls-plugin.js'

/**
 * `voting/aggregator-contacts.ts` on a core over a real 3-member MLS group on
 * the BLS plug-in (member 0 ours): who may hand the group a contact, when an
 * aggregator announces its own, and which contacts `User` gets to dial.
 */
describe('voting/aggregator-contacts', () => {
  const setup = async (aggregating = true) => {
    const { core, others } = await coreFixture({ id: 'contacts', members: 3, ...(aggregating ? { overrides: (i: number) => ({ consensus: blsPluginFor(i) }) } : {}) })
    const [bob, carol] = [others[0]!.memberId, others[1]!.memberId]
    const contactOf = (s: string) => new TextEncoder().encode(`demls-memory/1/${s}`)
    const drops = () => droppedOf(core).filter((d) => d.startsWith('invalid-contact'))
    /** An open steward election naming `stewards` (a request still voted on). */
    const openElection = (id: number, stewards: Uint8Array[]) =>
      core.voting.requests.set(id, {
        payload: 'stewardElection',
        stewardElection: { proposedStewards: stewards, electionEpoch: core.epoch() } as unknown as StewardElectionProposal,
      })
    return { core, bob, carol, contactOf, drops, openElection }
  }

  it('a contact is taken from an aggregator only, at most MAX_CONTACT_BYTES, and changed at most once per interval', async () => {
    const { core, bob, carol, contactOf, drops } = await setup()
    core.steward.installList(core.epoch(), [bob], 1)
    const t = core.now
    onAggregatorContact(core, { contact: contactOf('carol') }, carol, t)
    expect(drops()).toEqual(['invalid-contact: aggregator contact from a member that is neither an aggregator nor elected in an open election'])
    onAggregatorContact(core, { contact: new Uint8Array(MAX_CONTACT_BYTES + 1) }, bob, t)
    onAggregatorContact(core, { contact: new Uint8Array(0) }, bob, t)
    expect(drops().slice(1)).toEqual([`invalid-contact: aggregator contact of ${MAX_CONTACT_BYTES + 1} bytes (1 to ${MAX_CONTACT_BYTES})`, `invalid-contact: aggregator contact of 0 bytes (1 to ${MAX_CONTACT_BYTES})`])
    expect(aggregatorContacts(core)).toEqual([{ member: bob, contact: undefined, current: true }])
    onAggregatorContact(core, { contact: contactOf('bob') }, bob, t)
    expect(aggregatorContacts(core).map((a) => a.contact && toHex(a.contact))).toEqual([toHex(contactOf('bob'))])
    // The same again is no change; another within the interval is refused; after it, taken.
    onAggregatorContact(core, { contact: contactOf('bob') }, bob, t + 1)
    onAggregatorContact(core, { contact: contactOf('elsewhere') }, bob, t + AGGREGATE_LIMITS.contactChangeMs - 1)
    expect(drops().at(-1)).toBe('invalid-contact: aggregator contact changed again within the change interval')
    expect(drops()).toHaveLength(4)
    onAggregatorContact(core, { contact: contactOf('bob-2') }, bob, t + AGGREGATE_LIMITS.contactChangeMs)
    expect(toHex(aggregatorContacts(core)[0]!.contact!)).toBe(toHex(contactOf('bob-2')))
  })

  it('a member an open election names may announce ahead: its contact is listed as upcoming, never as an aggregator', async () => {
    const { core, bob, carol, contactOf, drops, openElection } = await setup()
    core.steward.installList(core.epoch(), [bob], 1)
    openElection(7, [carol, bob])
    onAggregatorContact(core, { contact: contactOf('carol') }, carol, core.now)
    expect(drops()).toEqual([])
    expect(aggregatorContacts(core).map((a) => [toHex(a.member), a.current])).toEqual([
      [toHex(bob), true],
      [toHex(carol), false],
    ])
    // Decided: no longer open, and carol not on the installed list: no longer listed.
    core.queues.resolved.add(7)
    expect(aggregatorContacts(core).map((a) => toHex(a.member))).toEqual([toHex(bob)])
  })

  it('an aggregator announces its contact once, again when members joined (not when some left), and not while it may not send', async () => {
    const { core, bob, contactOf, openElection } = await setup()
    core.aggregate.ownContact = contactOf('me')
    // Not an aggregator, named by no election: nothing owed.
    core.steward.installList(core.epoch(), [bob], 1)
    expect(contactDue(core)).toBe(false)
    expect(aggregatesSoon(core)).toBe(false)
    // Named in an open election: announced ahead, and the votes subtopic is read ahead.
    openElection(9, [core.memberId])
    expect(aggregatesSoon(core)).toBe(true)
    expect(contactDue(core)).toBe(true)
    await announceContact(core)
    expect(core.outbox.sentByKind.get('demlsControl')?.count).toBe(1)
    expect(contactDue(core)).toBe(false)
    // Elected: an aggregator now, the same members heard it already.
    core.queues.resolved.add(9)
    core.steward.installList(core.epoch(), [core.memberId], 1)
    expect(aggregatesSoon(core)).toBe(false)
    expect(contactDue(core)).toBe(false)
    // A member joined since (the announcement went to fewer members): owed again; members who left change nothing.
    core.aggregate.contactSent = { contactHex: toHex(contactOf('me')), members: new Set([core.memberHex]) }
    expect(contactDue(core)).toBe(true)
    core.aggregate.contactSent = { contactHex: toHex(contactOf('me')), members: new Set([...core.memberSet(), 'ab'.repeat(20)]) }
    expect(contactDue(core)).toBe(false)
    // A new contact of ours: owed, but not while a freeze holds every message.
    core.aggregate.ownContact = contactOf('me-2')
    core.sm.startFreezing(core.now)
    expect(contactDue(core)).toBe(false)
    core.sm.startWorking()
    expect(contactDue(core)).toBe(true)
    await announceContact(core)
    expect(core.outbox.sentByKind.get('demlsControl')?.count).toBe(2)
    // Off the list: what we announced is forgotten (announced again if elected again).
    core.steward.installList(core.epoch(), [bob], 1)
    await announceContact(core)
    expect(core.aggregate.contactSent).toBeUndefined()
  })

  it('in a group that does not aggregate votes nothing is announced, taken or listed', async () => {
    const { core, bob, contactOf, drops } = await setup(false)
    core.steward.installList(core.epoch(), [core.memberId, bob], 2)
    core.aggregate.ownContact = contactOf('me')
    expect(contactDue(core)).toBe(false)
    expect(aggregatesSoon(core)).toBe(false)
    onAggregatorContact(core, { contact: contactOf('bob') }, bob, core.now)
    expect(drops()).toEqual(['invalid-contact: aggregator contact in a group that does not aggregate votes'])
    expect(aggregatorContacts(core)).toEqual([])
  })
})
