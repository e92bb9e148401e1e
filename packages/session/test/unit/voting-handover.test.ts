import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { type Proposal, decodeAppMessage, encodeConversationUpdateRequest, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { voteBindingPayload } from '../../src/rules/certificate.js'
import { handOverApprovedWork, isHandOver, onHandedOver } from '../../src/voting/handover.js'
import { coreFixture } from '../core-fixture.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'

/**
 * `voting/handover.ts` over a core of a real 4-member MLS group (member 0
 * ours): members 1, 2 and 3 approved member 3's removal with signed YES
 * that never reached us; the certificate they hold (the proposal with the
 * three votes and their bindings) is handed to us.
 */
describe('hand-over of approved work: the certificate wins over our own view', () => {
  const setup = async () => {
    const { core, others } = await coreFixture({ id: 'handover', members: 4 })
    const signers = [1, 2, 3].map((i) => new EthereumSigner(keyFor(i)))
    const services = signers.map((s) => new ConsensusService({ plugin: defaultConsensusPlugin(s), maxSessionsPerScope: 100 }))
    const payload = encodeConversationUpdateRequest({ payload: 'removeMember', removeMember: { memberId: memberIdOf(3) } })
    let p: Proposal = services[0]!.createProposal(core.id, { payload, expectedVotersCount: 4, expirationSeconds: 60, livenessCriteriaYes: true, vote: true }, core.now)
    for (const s of services.slice(1)) {
      s.receiveProposal(core.id, p, core.now)
      p = s.castVoteAndGetProposal(core.id, p.proposalId, true, core.now)
    }
    const bindings = p.votes.map((v, i) => signers[i]!.sign(voteBindingPayload(core.id, p, v.voteHash)))
    return { core, others, proposal: p, bindings }
  }

  it('tells a hand-over from an ordinary proposal', async () => {
    const { core, proposal, bindings } = await setup()
    // Carried by a member that is not its owner: only a certificate can come that way.
    expect(isHandOver(core, proposal, memberIdOf(2), bindings)).toBe(true)
    // From its owner, unknown to us: a hand-over too (an owner sends other members' votes only in one; one
    // that does not verify goes on to the ordinary vote path, `inbound/dispatch.ts`).
    expect(isHandOver(core, proposal, memberIdOf(1), bindings)).toBe(true)
    // One binding is no certificate of a multi-voter proposal.
    expect(isHandOver(core, proposal, memberIdOf(2), bindings.slice(0, 1))).toBe(false)
    // A self-leave (one voter) has its own path.
    expect(isHandOver(core, { ...proposal, expectedVotersCount: 1 }, memberIdOf(2), bindings)).toBe(false)
  })

  it('takes a verified certificate over our timer’s failure, once, and keeps it for the commit', async () => {
    const { core, proposal, bindings } = await setup()
    // Our own timer had failed it (we held none of the votes).
    core.queues.resolved.add(proposal.proposalId)
    expect(await onHandedOver(core, proposal, bindings, core.now)).toBe('taken')
    expect(core.queues.approved.has(proposal.proposalId)).toBe(true)
    expect(core.prefix().map((e) => `${e.action}:${toHex(e.memberId)}`)).toEqual([`remove:${toHex(memberIdOf(3))}`])
    expect(core.certificates.approved.get(`remove:${toHex(memberIdOf(3))}`)?.proposal?.votes).toHaveLength(3)
    const reached = core.outbox.events.filter((e) => e.type === 'consensus-reached')
    expect(reached.map((e) => e.type === 'consensus-reached' && [e.proposalId, e.approved])).toEqual([[proposal.proposalId, true]])
    // Again: held, nothing verified or emitted twice.
    expect(await onHandedOver(core, proposal, bindings, core.now)).toBe('held')
    expect(core.outbox.events.filter((e) => e.type === 'consensus-reached')).toHaveLength(1)
  })

  it('refuses a certificate short of the rule, or with a vote whose binding fails', async () => {
    const { core, proposal, bindings } = await setup()
    const two = { ...proposal, votes: proposal.votes.slice(0, 2) }
    expect(await onHandedOver(core, two, bindings.slice(0, 2), core.now)).toBe('refused')
    const badBinding = [bindings[0]!, bindings[1]!, bindings[0]!]
    expect(await onHandedOver(core, proposal, badBinding, core.now)).toBe('refused')
    expect(core.queues.approved.size).toBe(0)
  })

  it('hands over the certificates of the work we froze for, once per interval, readable by another member', async () => {
    const { core, others, proposal, bindings } = await setup()
    expect(await onHandedOver(core, proposal, bindings, core.now)).toBe('taken')
    const before = core.outbox.packets.length
    expect(await handOverApprovedWork(core, core.now, 6_000)).toBe(1)
    expect(core.outbox.packets.length).toBe(before + 1)
    const app = decodeAppMessage((await others[0]!.decrypt(core.outbox.packets.at(-1)!.payload)).plaintext)
    expect([app.proposal?.proposalId, app.proposal?.votes.length, app.demlsVoteBindings.length]).toEqual([proposal.proposalId, 3, 3])
    expect(await handOverApprovedWork(core, core.now + 1_000, 6_000)).toBe(0)
    expect(await handOverApprovedWork(core, core.now + 6_000, 6_000)).toBe(1)
  })
})
