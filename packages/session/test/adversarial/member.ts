import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
import { brokenCommit, emergencyUpdateRequest, withCreator } from '@demls/scoring'
import { type Proposal, encodeAppMessage, encodeConversationUpdateRequest } from '@demls/wire'
import type { Bed } from '../sansio.js'
import { keyFor, memberIdOf } from '../scenarios/harness.js'

/**
 * A malicious member acting at the wire level: it holds the group's keys
 * (its MLS group in the bed) and signs with its own secp256k1 key, but
 * proposes through a consensus service of its own with no quotas and no
 * clock check, and sends what it likes to whom it likes.
 */
export class MaliciousMember {
  readonly consensus: ConsensusService
  /** Ids of every proposal it sent. */
  readonly proposals = new Set<number>()

  constructor(
    readonly bed: Bed,
    readonly index: number,
  ) {
    this.consensus = new ConsensusService({
      plugin: defaultConsensusPlugin(new EthereumSigner(keyFor(index))),
      maxSessionsPerScope: 100_000,
    })
  }

  /** Encrypt an app message under its MLS group and hand it to members `to`. */
  async sendEncrypted(message: Parameters<typeof encodeAppMessage>[0], to: readonly number[]): Promise<void> {
    const payload = await this.bed.peers[this.index]!.mls!.encrypt(encodeAppMessage(message))
    for (const i of to) {
      const c = this.bed.peers[i]?.conversation
      if (c !== undefined && !c.isClosed) await c.receive({ subtopic: 'app', payload }, this.bed.clock(i))
    }
    await this.bed.flush()
  }

  /**
   * Open a proposal of `payloadBytes` opaque bytes (an ordinary proposal to
   * the receivers) dated `at`, voters = the current member count, silent
   * voters counted NO, and send it to `to`.
   */
  async propose(to: readonly number[], options: { payloadBytes?: number; at?: number; expirationSeconds?: number } = {}): Promise<Proposal> {
    const payload = new Uint8Array(options.payloadBytes ?? 64).fill(0xf0)
    payload[1] = this.proposals.size & 0xff
    const proposal = this.consensus.createProposal(
      this.bed.id,
      {
        payload,
        expectedVotersCount: this.bed.conv(to[0]!).members().length,
        expirationSeconds: options.expirationSeconds ?? 600,
        livenessCriteriaYes: false,
      },
      options.at ?? this.bed.now,
    )
    this.proposals.add(proposal.proposalId)
    await this.sendEncrypted({ proposal }, to)
    return proposal
  }

  /** Open an emergency proposal (a priority session) accusing `target` of a broken commit, and send it to `to`. */
  async proposeEmergency(to: readonly number[], target: Uint8Array): Promise<Proposal> {
    const epoch = this.bed.conv(to[0]!).epoch()
    const payload = encodeConversationUpdateRequest(emergencyUpdateRequest(withCreator(brokenCommit(target, epoch), memberIdOf(this.index))))
    const proposal = this.consensus.createProposal(
      this.bed.id,
      { payload, expectedVotersCount: this.bed.conv(to[0]!).members().length, expirationSeconds: 600, livenessCriteriaYes: false },
      this.bed.now,
    )
    this.proposals.add(proposal.proposalId)
    await this.sendEncrypted({ proposal }, to)
    return proposal
  }
}
