import type { ConversationConfig } from './config.js'

/**
 * Protocol phase of a conversation (`reference-architecture.md` §5):
 * - `working`: chat and voting; approved work waits for the next commit;
 * - `freezing`: collecting commit candidates from the stewards;
 * - `selection`: choosing and applying one candidate;
 * - `reelection`: no valid candidate came; only elections and emergency
 *   proposals are allowed;
 * - `pending-join`: a joiner waiting for its Welcome (demls; the 3.0
 *   reference state, expiring after 3 × commit inactivity).
 *
 * @example
 * ```ts
 * import type { ConversationHandle, ConversationState } from '@demls/session'
 * declare const chat: ConversationHandle
 * chat.phase$.subscribe((state: ConversationState) => {
 *   if (state !== 'working') console.log(`messaging paused: ${state}`)
 * })
 * ```
 */
export type ConversationState = 'pending-join' | 'working' | 'freezing' | 'selection' | 'reelection'

/**
 * Orthogonal operating mode: `recovery` after an accepted Deadlock ECP.
 *
 * @example
 * ```ts
 * import type { ConversationHandle, OperatingMode } from '@demls/session'
 * declare const chat: ConversationHandle
 * chat.mode$.subscribe((mode: OperatingMode) => console.log(mode === 'recovery' ? 'recovering from a faulty steward' : 'normal'))
 * ```
 */
export type OperatingMode = 'normal' | 'recovery'

/**
 * The state machine with its single phase timer anchor (the reference's
 * `ConversationStateMachine` + `PhaseTimer`). In `working` the anchor is
 * "first moment approved work was seen"; in `freezing` it is the freeze
 * start; in `pending-join` it is when the join began.
 */
export class StateMachine {
  #state: ConversationState
  #mode: OperatingMode = 'normal'
  #anchor: number | undefined

  constructor(initial: ConversationState = 'working', now?: number) {
    this.#state = initial
    if (initial === 'pending-join') this.#anchor = now
  }

  get state(): ConversationState {
    return this.#state
  }

  get mode(): OperatingMode {
    return this.#mode
  }

  /** The phase timer anchor (ms), if set. */
  get anchor(): number | undefined {
    return this.#anchor
  }

  /** Set the anchor if unset (Working: first tick with approved work). */
  anchorIfUnset(now: number): number {
    this.#anchor ??= now
    return this.#anchor
  }

  clearAnchor(): void {
    this.#anchor = undefined
  }

  /** → working; clears the anchor. Returns whether the state changed. */
  startWorking(): boolean {
    return this.#set('working', undefined)
  }

  /**
   * → freezing, only from working or reelection (the reference's guarded
   * `start_freezing`); anchors the freeze start. Returns false otherwise.
   */
  startFreezing(now: number): boolean {
    if (this.#state !== 'working' && this.#state !== 'reelection') return false
    this.#state = 'freezing'
    this.#anchor = now
    return true
  }

  /** → selection; keeps the anchor. */
  startSelection(): boolean {
    return this.#set('selection', this.#anchor)
  }

  /** → reelection; clears the anchor. */
  startReelection(): boolean {
    return this.#set('reelection', undefined)
  }

  /** → recovery mode. Returns whether the mode changed. */
  enterRecovery(): boolean {
    const changed = this.#mode !== 'recovery'
    this.#mode = 'recovery'
    return changed
  }

  /** → normal mode. Returns whether the mode changed. */
  exitRecovery(): boolean {
    const changed = this.#mode !== 'normal'
    this.#mode = 'normal'
    return changed
  }

  /** Chat and manual votes are refused while an epoch change is in flight. */
  get blocksMessaging(): boolean {
    return this.#state === 'freezing' || this.#state === 'selection' || this.#state === 'pending-join'
  }

  /** A pending join expires after 3 × commit inactivity. */
  pendingJoinExpired(now: number, config: ConversationConfig): boolean {
    return this.#state === 'pending-join' && this.#anchor !== undefined && now >= this.#anchor + 3 * config.commitInactivityMs
  }

  #set(state: ConversationState, anchor: number | undefined): boolean {
    const changed = this.#state !== state
    this.#state = state
    this.#anchor = anchor
    return changed
  }
}
