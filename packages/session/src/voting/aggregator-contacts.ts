import { type AggregatorContact, MAX_CONTACT_BYTES, bytesEqual, toHex } from '@demls/wire'
import type { ConversationCore } from '../core/core.js'
import { AGGREGATE_LIMITS } from '../state/aggregate-votes.js'
import { aggregators, isAggregator } from './aggregate-votes.js'

/**
 * Aggregator contacts (issue 55, beyond the reference). In a group whose
 * consensus plug-in aggregates votes, a member's vote goes to the
 * aggregators on the `votes` subtopic, which only they read. On gossipsub a
 * publish reaches only the peers we are connected to that subscribe to the
 * topic, so without a direct connection to an aggregator a vote travels
 * only through members that subscribe to relay it, and every relaying
 * member receives every vote. So each aggregator announces its transport
 * contact (`Transport.contact()`, given by the application through
 * `Conversation.setTransportContact`) in an MLS-encrypted
 * `DemlsControl.aggregator_contact`, when it becomes an aggregator (or is
 * named in an open election's list) and again whenever members joined
 * since; members dial it
 * (`Transport.dialContact`, done by `User`) and stop relaying once they
 * reach every aggregator directly.
 *
 * A contact is taken only from a member that is an aggregator as we see
 * it, or named in the list an open steward election proposes (announced
 * ahead, so the members reach a new aggregator as soon as its list is
 * installed), at most `MAX_CONTACT_BYTES`, and a different one from the same
 * aggregator at most once per `AGGREGATE_LIMITS.contactChangeMs` (each new
 * contact makes every member dial): a member cannot point the group at an
 * address, and an aggregator can make each member dial once per 10 s at
 * most. What a contact can cost the votes is what a withholding aggregator
 * costs: the broadcast fallback.
 */

/** Whether the list an open steward election proposes names `member` (it may be an aggregator soon). */
function namedInOpenElection(core: ConversationCore, member: Uint8Array): boolean {
  for (const e of core.openElections()) if (e.proposedStewards.some((m) => bytesEqual(m, member))) return true
  return false
}

/** Why an aggregator contact was refused, or `undefined` when it is taken. */
function refusal(core: ConversationCore, contact: Uint8Array, sender: Uint8Array, now: number): string | undefined {
  if (core.plugins.consensus.aggregation === undefined) return 'aggregator contact in a group that does not aggregate votes'
  // An aggregator, or one an open election names (announced ahead, so the members reach it as soon as the list is installed).
  if (!aggregators(core).some((m) => bytesEqual(m, sender)) && !namedInOpenElection(core, sender)) {
    return 'aggregator contact from a member that is neither an aggregator nor elected in an open election'
  }
  if (contact.length === 0 || contact.length > MAX_CONTACT_BYTES) return `aggregator contact of ${contact.length} bytes (1 to ${MAX_CONTACT_BYTES})`
  const held = core.aggregate.contacts.get(toHex(sender))
  if (held !== undefined && !bytesEqual(held.contact, contact) && now - held.at < AGGREGATE_LIMITS.contactChangeMs) {
    return 'aggregator contact changed again within the change interval'
  }
  return undefined
}

/**
 * An aggregator's contact from `sender` (MLS-authenticated): kept when
 * `sender` is one of the aggregators as we see it (see the module note);
 * dropped with reason `invalid-contact` otherwise.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import type { AggregatorContact } from '@demls/wire'
 * import { onAggregatorContact } from '../voting/aggregator-contacts.js'
 * declare const core: ConversationCore
 * declare const message: AggregatorContact
 * declare const sender: Uint8Array
 * onAggregatorContact(core, message, sender, core.now)
 * ```
 */
export function onAggregatorContact(core: ConversationCore, message: AggregatorContact, sender: Uint8Array, now: number): void {
  const contact = message.contact
  const why = refusal(core, contact, sender, now)
  if (why !== undefined) {
    core.emit({ type: 'dropped', reason: 'invalid-contact', detail: why })
    return
  }
  const senderHex = toHex(sender)
  const held = core.aggregate.contacts.get(senderHex)
  if (held !== undefined && bytesEqual(held.contact, contact)) return
  core.aggregate.contacts.set(senderHex, { contact: contact.slice(), at: now })
  // Only aggregators' are taken, but lists change: forget the contacts of members that are no longer aggregators.
  if (core.aggregate.contacts.size > AGGREGATE_LIMITS.contacts) {
    const current = new Set(aggregators(core).map(toHex))
    for (const k of [...core.aggregate.contacts.keys()]) if (!current.has(k)) core.aggregate.contacts.delete(k)
  }
}

/**
 * The current aggregators, each with the contact it announced (or
 * `undefined` when none came), in the steward list's order, then the
 * members an open election names that announced theirs ahead
 * (`current: false`: dialled ahead, so they are reached when the list is
 * installed). Never ourselves.
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { aggregatorContacts } from '../voting/aggregator-contacts.js'
 * declare const core: ConversationCore
 * const unreached = aggregatorContacts(core).filter((a) => a.current && a.contact === undefined)
 * ```
 */
export function aggregatorContacts(core: ConversationCore): { member: Uint8Array; contact: Uint8Array | undefined; current: boolean }[] {
  if (core.plugins.consensus.aggregation === undefined || core.left) return []
  const out = aggregators(core)
    .filter((m) => toHex(m) !== core.memberHex)
    .map((member) => ({ member, contact: core.aggregate.contacts.get(toHex(member))?.contact, current: true }))
  const seen = new Set(out.map((a) => toHex(a.member)))
  for (const e of core.openElections()) {
    for (const member of e.proposedStewards) {
      const hex = toHex(member)
      const contact = core.aggregate.contacts.get(hex)?.contact
      if (seen.has(hex) || hex === core.memberHex || contact === undefined) continue
      seen.add(hex)
      out.push({ member, contact, current: false })
    }
  }
  return out
}

/**
 * Whether an open steward election names us in a group that aggregates
 * votes while we do not aggregate yet: we may be an aggregator once it is
 * installed, so we announce our contact and subscribe to the `votes`
 * subtopic ahead (the members' publishes reach only the subscribers their
 * transport already knows of, and the votes re-sent to the new
 * aggregators go out the moment the list is installed).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { aggregatesSoon } from '../voting/aggregator-contacts.js'
 * declare const core: ConversationCore
 * if (aggregatesSoon(core)) console.log('subscribe to the votes subtopic ahead')
 * ```
 */
export function aggregatesSoon(core: ConversationCore): boolean {
  if (core.plugins.consensus.aggregation === undefined || core.left || isAggregator(core)) return false
  return namedInOpenElection(core, core.memberId)
}

/** Whether we hand out our contact: we aggregate, or an open election names us. */
function announces(core: ConversationCore): boolean {
  return isAggregator(core) || aggregatesSoon(core)
}

/**
 * Whether we owe the group our contact now: we are an aggregator (or an
 * open election names us), we have a contact, and we have not announced it yet, or it changed, or members
 * joined since we did (a removal alone changes nothing: everyone left
 * heard it). Only reads the state (the wake-up table asks it after every
 * step).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { contactDue } from '../voting/aggregator-contacts.js'
 * declare const core: ConversationCore
 * if (contactDue(core)) console.log('the next poll announces our contact')
 * ```
 */
export function contactDue(core: ConversationCore): boolean {
  const own = core.aggregate.ownContact
  if (own === undefined || core.sm.blocksMessaging || !announces(core)) return false
  const sent = core.aggregate.contactSent
  if (sent === undefined || sent.contactHex !== toHex(own)) return true
  const members = core.memberSet()
  if (sent.members === members) return false
  for (const m of members) if (!sent.members.has(m)) return true
  return false
}

/**
 * Announce our contact to the group when {@link contactDue}; forget what
 * we announced once we are neither an aggregator nor elected in an open
 * election (we announce again if we become one).
 *
 * @example
 * ```ts
 * import type { ConversationCore } from '../core/core.js'
 * import { announceContact } from '../voting/aggregator-contacts.js'
 * declare const core: ConversationCore
 * await announceContact(core)
 * ```
 */
export async function announceContact(core: ConversationCore): Promise<void> {
  if (!announces(core)) {
    core.aggregate.contactSent = undefined
    return
  }
  const own = core.aggregate.ownContact
  if (own === undefined) return
  const sent = core.aggregate.contactSent
  const members = core.memberSet()
  // Only removals since we announced: the members left all heard it (kept, so the next check is one comparison).
  if (sent !== undefined && sent.members !== members && [...members].every((m) => sent.members.has(m))) sent.members = members
  if (!contactDue(core)) return
  await core.sendEncrypted({ demlsControl: { aggregatorContact: { contact: own } } })
  core.aggregate.contactSent = { contactHex: toHex(own), members }
}
