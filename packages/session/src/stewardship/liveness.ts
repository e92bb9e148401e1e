import { toHex } from '@demls/wire'
import { deadMemberWindowMs } from '../core/config.js'
import type { ConversationCore } from '../core/core.js'

/**
 * What the liveness flow reads and writes of the conversation state (the
 * per-flow components, after js-libp2p): our id, the configuration, the
 * member set, and the last-seen and removal-attempt tables it owns.
 *
 * @example
 * ```ts
 * import { resolveConfig } from '../core/config.js'
 * import { type LivenessComponents, looksDead, noteSeen } from '../stewardship/liveness.js'
 * const liveness: LivenessComponents = {
 *   config: resolveConfig({}),
 *   memberHex: 'aa',
 *   memberSet: () => new Set(['aa', 'bb']),
 *   lastSeen: new Map([['bb', 0]]),
 *   inactiveProposedAt: new Map(),
 * }
 * noteSeen(liveness, new Uint8Array([0xbb]), 1_000)
 * looksDead(liveness, 'bb', 2_000) // false: heard at 1 s
 * ```
 */
export type LivenessComponents = Pick<ConversationCore, 'config' | 'memberHex' | 'memberSet' | 'liveness'>

/**
 * Name of a removal proposal filed because its target went silent. Voters
 * judge such a proposal from their own observation (see
 * {@link judgeInactiveRemoval}); any other removal keeps the configured
 * auto-vote.
 */
export const INACTIVE_REMOVAL_NAME = 'demls/inactive-member/v1'

/**
 * Record MLS-authenticated traffic from `sender` (a decrypted message:
 * the MLS layer verified the sender's signature). Never called for
 * unsigned plaintext claims. Signed epoch attestations (every member
 * sends one each `attestationIntervalMs`, without a commit hash before
 * its first merged commit) go through {@link noteSeenAt}
 * (`sync/catch-up.ts`).
 */
export function noteSeen(core: LivenessComponents, sender: Uint8Array, now: number): void {
  noteSeenAt(core, sender, now)
}

/** Record that `member` (a tracked member) was alive at `at`, if later than what we had. */
export function noteSeenAt(core: LivenessComponents, member: Uint8Array, at: number): void {
  const hex = toHex(member)
  const seen = core.liveness.lastSeen.get(hex)
  if (seen !== undefined && seen < at) {
    core.liveness.lastSeen.set(hex, at)
    core.liveness.inactiveProposedAt.delete(hex)
  }
}

/** At most this many dead-member windows between two removal proposals of one silent member. */
export const INACTIVE_REPROPOSE_MAX_WINDOWS = 16

/**
 * How long after our `attempts`-th removal proposal of a member we have not
 * heard from since we propose it again: one dead-member window, doubling
 * with each attempt (capped at {@link INACTIVE_REPROPOSE_MAX_WINDOWS}). A
 * removal the others voted down means they still hear the member (or are
 * too slow to answer): proposing it every window would only load a
 * group that is already struggling.
 */
export function inactiveReproposeDelayMs(windowMs: number, attempts: number): number {
  return windowMs * Math.min(INACTIVE_REPROPOSE_MAX_WINDOWS, 2 ** Math.max(0, attempts - 1))
}

/**
 * Keep the last-seen table on the MLS membership: new members start at
 * `now` (a grace period), departed ones are forgotten. When we ourselves
 * were not driven for a suspect window (a suspended process), everyone's
 * silence is ours: restart every member's clock.
 */
export function syncLastSeen(core: LivenessComponents, now: number, restart = false): void {
  const members = core.memberSet()
  for (const hex of [...core.liveness.lastSeen.keys()]) if (!members.has(hex)) core.liveness.lastSeen.delete(hex)
  for (const hex of members) if (restart || !core.liveness.lastSeen.has(hex)) core.liveness.lastSeen.set(hex, now)
  for (const hex of [...core.liveness.inactiveProposedAt.keys()]) if (!members.has(hex)) core.liveness.inactiveProposedAt.delete(hex)
}

/** Whether we have not heard from `target` (hex) for the dead-member window. */
export function looksDead(core: LivenessComponents, hex: string, now: number): boolean {
  if (hex === core.memberHex) return false
  const window = deadMemberWindowMs(core.config, core.memberSet().size)
  const seen = core.liveness.seenAt(hex, now, window)
  return seen !== undefined && now - seen >= window
}

/**
 * A voter's choice on a removal named {@link INACTIVE_REMOVAL_NAME}: YES
 * only if it, too, has not heard from the target for the dead-member
 * window (the target itself votes NO). Undefined for any other proposal.
 */
export function judgeInactiveRemoval(core: LivenessComponents, target: Uint8Array, now: number): boolean {
  return looksDead(core, toHex(target), now)
}
