import type { ClientState } from '#ts-mls'
import { encodeExportedState } from '../state/codec.js'
import type { MlsSnapshot } from '../types.js'
import type { PendingOwnCommit } from './pending-commit.js'
import type { SecretPins } from './pins.js'

/** What a snapshot holds (internal): the objects themselves, never copies. */
export interface SnapshotData {
  /** The group's ts-mls state (immutable: every ts-mls operation returns a new one). */
  readonly state: ClientState
  /** Our pending own commit, without the secrets it consumed (a restored group wipes none, as an imported one). */
  readonly pending: Pick<PendingOwnCommit, 'candidate' | 'newState'> | undefined
  readonly publicHandshakes: boolean
  /** The family's pins, shared with the group it was taken of and the groups restored from it. */
  readonly pins: SecretPins
  /** Keys of the epochs whose secrets the states above hold (`epochKeys`). */
  readonly epochs: readonly Uint8Array[]
}

/** The ts-mls-backed {@link MlsSnapshot}: the state object, pinned, and its export on demand. */
export class TsMlsSnapshot implements MlsSnapshot {
  readonly conversationId: string
  readonly memberId: Uint8Array
  readonly #data: SnapshotData
  #exported: Uint8Array | undefined

  constructor(conversationId: string, memberId: Uint8Array, data: SnapshotData) {
    this.conversationId = conversationId
    this.memberId = memberId
    this.#data = data
    // Groups of the family no longer wipe secrets of these epochs while this snapshot lives.
    data.pins.pin(this, data.epochs)
  }

  /** The data of a snapshot this package took, or undefined for any other object. */
  static dataOf(snapshot: unknown): SnapshotData | undefined {
    return typeof snapshot === 'object' && snapshot !== null && #data in snapshot ? (snapshot as TsMlsSnapshot).#data : undefined
  }

  epoch(): bigint {
    return this.#data.state.groupContext.epoch
  }

  hasPendingCommit(): boolean {
    return this.#data.pending !== undefined
  }

  exportState(): Uint8Array {
    const d = this.#data
    this.#exported ??= encodeExportedState({
      state: d.state,
      publicHandshakes: d.publicHandshakes,
      pending: d.pending === undefined ? undefined : { ...d.pending, consumed: [] },
    })
    return this.#exported.slice()
  }
}
