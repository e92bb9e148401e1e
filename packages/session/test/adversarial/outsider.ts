import type { MlsService } from '@demls/mls'
import { type CommitCandidate, encodeAppMessage } from '@demls/wire'
import { defaultPlugins } from '../../src/index.js'
import type { Bed } from '../sansio.js'
import { keyFor } from '../scenarios/harness.js'

/**
 * An outsider acting at the wire level: it builds its own MLS group under
 * the conversation's id and advances it to the group's epoch, so every
 * commit it mints is a well-framed MLS commit of the right group id and
 * epoch (it passes every check that reads the framing) but is signed by
 * a leaf of a group nobody else is in.
 */
export class Outsider {
  readonly #mls: MlsService
  readonly #conversationId: string

  private constructor(mls: MlsService, conversationId: string) {
    this.#mls = mls
    this.#conversationId = conversationId
  }

  /** An outsider holding key `keyFor(index)` (outside the group). */
  static async create(conversationId: string, index: number, now: number): Promise<Outsider> {
    const plugins = await defaultPlugins(keyFor(index))
    return new Outsider(await plugins.createMls(conversationId, now), conversationId)
  }

  /** Advance the outsider's own group to `epoch` (empty commits). */
  async reach(epoch: bigint, now: number): Promise<void> {
    while (this.#mls.epoch() < epoch) {
      await this.#mls.createCommitCandidate([], { nowMs: now })
      await this.#mls.mergeOwnCommit()
    }
  }

  /** A forged commit candidate framed at `epoch`, claiming `claimed` as its steward. */
  async candidate(epoch: bigint, claimed: Uint8Array, now: number): Promise<CommitCandidate> {
    await this.reach(epoch, now)
    const built = await this.#mls.createCommitCandidate([], { nowMs: now })
    await this.#mls.discardOwnCommit()
    return {
      conversationId: new TextEncoder().encode(this.#conversationId),
      mlsProposals: built.proposals,
      commitMessage: built.commit,
      stewardMemberId: claimed,
      demlsWelcome: new Uint8Array(0),
    }
  }
}

/** Hand a plaintext app packet to members `to` of a sans-I/O bed (from nobody in particular), then deliver. */
export async function injectPlain(bed: Bed, payload: Uint8Array, to: readonly number[]): Promise<void> {
  for (const i of to) {
    const c = bed.peers[i]?.conversation
    if (c !== undefined && !c.isClosed) await c.receive({ subtopic: 'app', payload }, bed.clock(i))
  }
  await bed.flush()
}

/** Encode a commit candidate as the plaintext app packet it travels in. */
export function candidatePacket(c: CommitCandidate): Uint8Array {
  return encodeAppMessage({ commitCandidate: c })
}

/** Every member's score as seen by member `observer` (hex id → score). */
export function scoresSeenBy(bed: Bed, observer: number): Map<string, bigint> {
  return new Map(bed.conv(observer).memberScores().map((e) => [Buffer.from(e.memberId).toString('hex'), e.score]))
}
