import type { ClientState } from '#ts-mls'

/**
 * The epochs of a state whose secrets it holds: one key per epoch
 * instance, the epoch's sender-data secret buffer (its current epoch and
 * each past epoch it retains receiver keys for). ts-mls derives a fresh
 * buffer per epoch and carries it by reference into the states of that
 * epoch and into later states' `historicalReceiverData`, so two states
 * share an epoch's secret tree and key schedule only if they share this
 * buffer.
 */
export function epochKeys(state: ClientState): Uint8Array[] {
  const keys = [state.keySchedule.senderDataSecret]
  for (const past of state.historicalReceiverData.values()) keys.push(past.senderDataSecret)
  return keys
}

/**
 * The epochs whose secrets snapshots (and the groups restored from them)
 * share with the live groups of one family: the group a snapshot was taken
 * of, the groups restored from it, their snapshots. ts-mls never changes a
 * state in place, so a snapshot is the state object itself; but the group
 * wipes the secret buffers ts-mls reports as consumed (a merged commit
 * consumes the previous epoch's init secret, a message its ratchet
 * secret), and those buffers belong to the snapshot's state too. A group
 * skips that wipe for an epoch pinned here while its holder lives (held
 * weakly: a snapshot nobody keeps can no longer be restored).
 */
export class SecretPins {
  readonly #holders = new Set<Holder>()

  /** While `holder` lives, the secrets of the epochs keyed by `epochs` ({@link epochKeys}) are not wiped. */
  pin(holder: object, epochs: readonly Uint8Array[]): void {
    const set = new WeakSet<Uint8Array>()
    for (const e of epochs) set.add(e)
    const entry: Holder = { ref: new WeakRef(holder), epochs: set }
    this.#holders.add(entry)
    forgetCollected.register(holder, { holders: this.#holders, entry })
  }

  /** Whether a live holder keeps any of the epochs keyed by `epochs`. */
  pinned(epochs: readonly Uint8Array[]): boolean {
    for (const h of this.#holders) {
      if (h.ref.deref() === undefined) this.#holders.delete(h)
      else if (epochs.some((e) => h.epochs.has(e))) return true
    }
    return false
  }
}

interface Holder {
  ref: WeakRef<object>
  epochs: WeakSet<Uint8Array>
}

/** Drops a holder's entry once it is collected (so groups that never wipe do not accumulate entries). */
const forgetCollected = new FinalizationRegistry<{ holders: Set<Holder>; entry: Holder }>(({ holders, entry }) => {
  holders.delete(entry)
})
