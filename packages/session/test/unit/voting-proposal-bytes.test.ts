import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { describe, expect, it } from 'vitest'
import { PROPOSAL_BYTE_LIMITS, proposalBytesFit } from '../../src/voting/proposal-bytes.js'
import { coreFixture, droppedOf } from '../core-fixture.js'
import { keyFor } from '../scenarios/harness.js'

/** `voting/proposal-bytes.ts`: the byte bounds on the proposals one owner makes us hold, on a core's real consensus service. */
describe('voting/proposal-bytes', () => {
  const setup = async () => {
    const { core } = await coreFixture({ id: 'bytes', members: 3, config: { maxConsensusSessions: 20, maxSessionsPerMember: 20 } })
    const owner = (i: number) => new ConsensusService({ plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(i))), maxSessionsPerScope: 100 })
    const propose = (from: ConsensusService, bytes: number) =>
      from.createProposal(core.id, { payload: new Uint8Array(bytes).fill(7), expectedVotersCount: 3, expirationSeconds: 600, livenessCriteriaYes: true, vote: true }, core.now)
    const drops = () => droppedOf(core)
    return { core, owner, propose, drops }
  }

  it('a payload over the per-proposal limit is an invalid proposal; one at the limit fits', async () => {
    const { core, owner, propose, drops } = await setup()
    const mallory = owner(1)
    expect(proposalBytesFit(core, propose(mallory, PROPOSAL_BYTE_LIMITS.maxPayloadBytes + 1))).toBe(false)
    expect(drops()).toEqual([`invalid-proposal: proposal payload over ${PROPOSAL_BYTE_LIMITS.maxPayloadBytes} bytes`])
    expect(proposalBytesFit(core, propose(mallory, PROPOSAL_BYTE_LIMITS.maxPayloadBytes))).toBe(true)
  })

  it('an owner’s open proposals held here count against its byte quota; another owner’s do not, nor the same proposal again', async () => {
    const { core, owner, propose, drops } = await setup()
    const [mallory, bob] = [owner(1), owner(2)]
    const chunk = 200 * 1024
    const held = Array.from({ length: 5 }, () => propose(mallory, chunk))
    for (const p of held) {
      expect(proposalBytesFit(core, p)).toBe(true)
      core.consensus.receiveProposal(core.id, p, core.now)
    }
    // 1,000 KiB held: what is left of the quota fits exactly, one byte more does not.
    const left = PROPOSAL_BYTE_LIMITS.ownerHeldBytes - 5 * chunk
    expect(proposalBytesFit(core, propose(mallory, left))).toBe(true)
    expect(proposalBytesFit(core, propose(mallory, left + 1))).toBe(false)
    expect(drops()).toEqual([`quota: proposal owner would hold over ${PROPOSAL_BYTE_LIMITS.ownerHeldBytes} bytes of open proposals`])
    // Another owner is not charged for Mallory's; a proposal already held is not counted twice.
    expect(proposalBytesFit(core, propose(bob, left + 1))).toBe(true)
    expect(proposalBytesFit(core, held[0]!)).toBe(true)
  })
})
