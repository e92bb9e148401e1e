import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { type MemberInvitationInit, encodeAppMessage, encodeConversationUpdateRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { INVITATION_LIFETIME_MS, signInvitation } from '../../src/index.js'
import { Bed } from '../sansio.js'
import { hex, keyFor, memberIdOf } from '../scenarios/harness.js'

const HONEST = [0, 2, 3]
const OUTSIDER = 4

/**
 * The invitation a join proposal carries (`MemberInvite.demls_invitation`)
 * is checked by every member exactly as a received invitation: a member
 * (member 1, malicious) that opens a join of an outsider nobody invited,
 * with no vote of its own, cannot make the honest members' automatic votes
 * YES with a forged, altered, expired, foreign, misdirected or non-member
 * invitation. Each is a logged `invalid-invite` drop, nothing is kept, the
 * votes are NO and the outsider stays out; the same proposal carrying
 * member 2's genuine invitation admits it.
 */
describe('a join proposal carrying a bad invitation', () => {
  it('forged, altered, for another joiner, for another conversation, expired, by a non-member: dropped, and the join rejected; a genuine one admits', async () => {
    const b = await Bed.create('evidence', 6, { admission: 'invite', consensusTimeoutMs: 5_000 })
    // Member 0 vouches for 1–3 with its bundled YES (addMember).
    for (const i of [1, 2, 3]) await b.add(i)
    const mallory = new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(1))), maxSessionsPerScope: 100 })
    const honestInviter = new EthereumSigner(keyFor(2))
    const stranger = new EthereumSigner(keyFor(9))
    const outsider = memberIdOf(OUTSIDER)
    const kp = await b.peers[OUTSIDER]!.plugins.generateKeyPackage(b.now)
    /** Member 1 opens the outsider's join carrying `invitation`, without voting, to the honest members. */
    const propose = async (invitation: MemberInvitationInit) => {
      const payload = encodeConversationUpdateRequest({ payload: 'memberInvite', memberInvite: { keyPackageBytes: kp, memberId: outsider, demlsInvitation: invitation } })
      const proposal = mallory.createProposal(b.id, { payload, expectedVotersCount: 4, expirationSeconds: 600, livenessCriteriaYes: false }, b.now)
      const packet = await b.peers[1]!.mls!.encrypt(encodeAppMessage({ proposal }))
      for (const i of HONEST) await b.conv(i).receive({ subtopic: 'app', payload: packet }, b.clock(i))
      await b.flush()
      await b.run(8_000, 250)
      return proposal.proposalId
    }
    const genuine = (issuedAt = b.now) => signInvitation(honestInviter, b.id, outsider, issuedAt)
    const bad: Array<[string, MemberInvitationInit]> = [
      ['forged (member 2 named, another key signed)', { ...signInvitation(stranger, b.id, outsider, b.now), inviter: memberIdOf(2) }],
      ['altered (issued-at moved after signing)', { ...genuine(), issuedAtMs: BigInt(b.now + 1) }],
      ['for another joiner', signInvitation(honestInviter, b.id, memberIdOf(5), b.now)],
      ['for another conversation', signInvitation(honestInviter, 'elsewhere', outsider, b.now)],
      ['expired', genuine(b.now - INVITATION_LIFETIME_MS - 1)],
      ['by a non-member', signInvitation(stranger, b.id, outsider, b.now)],
    ]
    const decided: number[] = []
    for (const [label, invitation] of bad) {
      const id = await propose(invitation)
      for (const i of HONEST) {
        const reached = b.eventsOf(i, 'consensus-reached').filter((e) => e.proposalId === id)
        expect(reached.map((e) => e.approved), `${label}: member ${i}`).toEqual([false])
        expect(b.conv(i).invitations(b.clock(i)), label).toEqual([])
        expect(b.conv(i).members().map(hex), label).not.toContain(hex(outsider))
      }
      decided.push(id)
    }
    for (const i of HONEST) {
      const drops = b.eventsOf(i, 'dropped').filter((e) => e.reason === 'invalid-invite').map((e) => e.detail)
      expect(new Set(drops)).toEqual(
        new Set([
          'attached to a join proposal: invitation with a bad signature',
          'attached to a join proposal: invitation for another joiner',
          'attached to a join proposal: invitation expired',
          'attached to a join proposal: invitation by a non-member',
        ]),
      )
      // Repeats of one detail within an epoch are counted, not emitted: six refusals in all.
      expect(b.conv(i).dropCounts()['invalid-invite']).toBe(bad.length)
      expect(b.eventsOf(i, 'invite')).toEqual([])
    }
    expect(b.peers[OUTSIDER]!.conversation).toBeUndefined()
    // The same proposal with member 2's genuine invitation: every member checks it and votes YES.
    await propose(genuine())
    await b.until(() => b.peers[OUTSIDER]!.conversation !== undefined && HONEST.every((i) => b.conv(i).members().length === 5), 60_000)
    for (const i of HONEST) expect(b.eventsOf(i, 'invite').map((e) => `${hex(e.inviter)}>${hex(e.invitee)}`)).toEqual([`${hex(memberIdOf(2))}>${hex(outsider)}`])
  }, 120_000)
})
