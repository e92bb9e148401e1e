/**
 * The liveness slice: when we last heard from each member, and our
 * removals for inactivity (`stewardship/liveness.ts`,
 * `stewardship/dead-members.ts`). Local observations: a fork switch keeps
 * them, and a restart starts them afresh (every member gets a grace
 * period).
 *
 * @example
 * ```ts
 * import { LivenessState } from '../state/liveness-state.js'
 * const liveness = new LivenessState()
 * liveness.lastSeen.set('ab'.repeat(20), Date.now())
 * ```
 *
 * @internal
 */
export class LivenessState {
  /**
   * When we last received MLS-authenticated traffic from each member (hex,
   * ms); members are entered with the time we learned of them (a grace
   * period).
   */
  readonly lastSeen = new Map<string, number>()
  /** When we last proposed each member's removal for inactivity, and how often since we last heard it (hex → entry). */
  readonly inactiveProposedAt = new Map<string, { at: number; attempts: number }>()
}
