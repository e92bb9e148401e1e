import { EthereumSigner } from '@demls/consensus'
import { encodeAppMessage, encodeWelcomeChannelMessage } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { INVITATIONS_PER_INVITER, signInvitation } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { hex, keyFor, memberIdOf } from '../scenarios/harness.js'

/**
 * Issue 53: a member flooding invitations over the wire. Members hold at
 * most INVITATIONS_PER_INVITER open invitations per inviter; past it they
 * refuse the flooder's (a logged `invitation-limit` drop) and keep every
 * invitation they held, the flooder's first ones and an honest member's
 * alike (the old book evicted the oldest of an inviter silently).
 */
describe('a member flooding invitations', () => {
  it(`is refused past ${INVITATIONS_PER_INVITER} with invitation-limit drops; an honest member's invitation stays and admits its invitee`, async () => {
    const b = await Bed.create('flood', 5, { admission: 'invite' })
    for (const i of [1, 2, 3]) await b.add(i)
    const honest = [0, 2, 3]
    // Member 2 vouches for the outsider (member 4) first.
    await b.conv(2).invite(memberIdOf(4), b.now)
    await b.flush()
    // Member 1 sends 100 validly signed invitations of throw-away identities, each its own encrypted message.
    const mallory = new EthereumSigner(keyFor(1))
    const flood = 100
    for (let k = 0; k < flood; k++) {
      const invitee = Uint8Array.from({ length: 20 }, (_, x) => (x === 19 ? k : 0xf1))
      const packet = await b.peers[1]!.mls!.encrypt(encodeAppMessage({ demlsControl: { invitation: signInvitation(mallory, b.id, invitee, b.now) } }))
      for (const i of honest) await b.conv(i).receive({ subtopic: 'app', payload: packet }, b.clock(i))
    }
    await b.flush()
    for (const i of honest) {
      expect(b.conv(i).dropCounts()['invitation-limit']).toBe(flood - INVITATIONS_PER_INVITER)
      // One drop event per epoch (repeats are counted), naming the flooder.
      const drops = b.eventsOf(i, 'dropped').filter((e) => e.reason === 'invitation-limit')
      expect(drops.map((e) => e.detail)).toEqual([`inviter ${hex(memberIdOf(1))} holds ${INVITATIONS_PER_INVITER} open invitations`])
      const held = b.conv(i).invitations(b.clock(i))
      expect(held.filter((h) => hex(h.inviter) === hex(memberIdOf(1)))).toHaveLength(INVITATIONS_PER_INVITER)
      // The flooder's first ones are kept: nothing was evicted for a later one.
      expect(held.filter((h) => hex(h.inviter) === hex(memberIdOf(1))).map((h) => h.invitee[19])).toEqual([...Array(INVITATIONS_PER_INVITER).keys()])
      expect(held.map((h) => `${hex(h.inviter)}>${hex(h.invitee)}`)).toContain(`${hex(memberIdOf(2))}>${hex(memberIdOf(4))}`)
    }
    // The outsider announces its key package: every member votes YES on member 2's invitation, and it is admitted.
    const kp = await b.peers[4]!.plugins.generateKeyPackage(b.now)
    const announcement = encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: kp, memberId: memberIdOf(4) } })
    for (const i of [0, 1, 2, 3]) await b.conv(i).receive({ subtopic: 'welcome', payload: announcement }, b.clock(i))
    await b.flush()
    await b.until(() => b.peers[4]!.conversation !== undefined && [0, 1, 2, 3].every((i) => b.conv(i).members().length === 5), 60_000)
    expect(b.conv(4).members().map(hex)).toContain(hex(memberIdOf(4)))
  }, 120_000)
})
