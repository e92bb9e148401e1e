import type { JoinRejectionReason, RejectedError } from '../../errors.js'

/**
 * The phases of a join, in order. A join may skip phases (no `probing` or
 * `beacon` with `probe: false`, no `announcing` with `announce: false`, no
 * `acked`/`admitted` when those statuses were lost or the group runs
 * reference peers) but never goes back.
 *
 * - `probing`: subscribed; probes are sent while the transport reaches a peer.
 * - `beacon`: a ready member answered with a signed beacon.
 * - `knocking` (`User.knock` only): our signed knock is published (and
 *   re-sent) while we wait for a member to let us in.
 * - `announcing`: our key package is published (and republished with backoff).
 * - `acked`: a member opened a membership proposal for it.
 * - `admitted`: the members voted YES; a steward commits the Add next.
 * - `welcomed`: a Welcome for us was accepted (MLS joined, sync applied).
 * - `synced`: what the group said since the Welcome was replayed.
 * - `ready`: the conversation is registered; `join` resolves.
 *
 * @example
 * ```ts
 * import { JOIN_PHASES, type JoinPhase } from '@demls/session'
 * const step = (phase: JoinPhase) => `${JOIN_PHASES.indexOf(phase) + 1}/${JOIN_PHASES.length} ${phase}`
 * ```
 */
export type JoinPhase = 'probing' | 'beacon' | 'knocking' | 'announcing' | 'acked' | 'admitted' | 'welcomed' | 'synced' | 'ready'

/** Every {@link JoinPhase}, in order. */
export const JOIN_PHASES: readonly JoinPhase[] = Object.freeze([
  'probing',
  'beacon',
  'knocking',
  'announcing',
  'acked',
  'admitted',
  'welcomed',
  'synced',
  'ready',
])

/**
 * Fields of every {@link JoinProgress} event.
 *
 * @example
 * ```ts
 * import type { JoinProgressBase, User } from '@demls/session'
 * declare const bob: User
 * const log = ({ conversationId, elapsedMs }: JoinProgressBase) => console.log(conversationId, elapsedMs)
 * bob.joinProgress$.subscribe(log)
 * ```
 */
export interface JoinProgressBase {
  /** The conversation being joined. */
  conversationId: string
  /** Milliseconds since `join` was called (on the user's clock). */
  elapsedMs: number
}

/**
 * Probing: emitted when probing starts (`probesSent: 0`) and for every probe sent.
 *
 * @example
 * ```ts
 * import type { JoinProbingProgress, JoinProgress } from '@demls/session'
 * const show = (p: JoinProgress) => {
 *   if (p.phase === 'probing') console.log(`probes sent: ${(p as JoinProbingProgress).probesSent}, transport ready: ${p.transportReady}`)
 * }
 * ```
 */
export interface JoinProbingProgress extends JoinProgressBase {
  phase: 'probing'
  /** Probes published so far. */
  probesSent: number
  /** Whether the transport currently reaches a peer on the welcome channel. */
  transportReady: boolean
}

/**
 * A valid signed beacon answered one of our probes (claims of its signer, unverifiable before the Welcome).
 *
 * @example
 * ```ts
 * import type { JoinBeaconProgress, JoinProgress } from '@demls/session'
 * const show = (p: JoinProgress) => {
 *   if (p.phase !== 'beacon') return
 *   const b: JoinBeaconProgress = p
 *   console.log(`group at epoch ${b.epoch} with ${b.memberCount} members`)
 * }
 * ```
 */
export interface JoinBeaconProgress extends JoinProgressBase {
  phase: 'beacon'
  /** The member that signed it. */
  responder: Uint8Array
  /** The group's epoch, as the responder reports it. */
  epoch: bigint
  /** The epoch steward, as the responder reports it (empty when unknown). */
  epochSteward: Uint8Array
  /** Members, as the responder reports it. */
  memberCount: number
}

/**
 * Waiting for a member to let us in (`User.knock`): emitted for every
 * (re)publication of our signed knock until a member answers.
 *
 * @example
 * ```ts
 * import type { JoinKnockingProgress, JoinProgress } from '@demls/session'
 * const show = (p: JoinProgress) => {
 *   if (p.phase === 'knocking') console.log(`waiting for a member to let you in (knock ${(p as JoinKnockingProgress).knockId}, sent ${p.knocks}×)`)
 * }
 * ```
 */
export interface JoinKnockingProgress extends JoinProgressBase {
  phase: 'knocking'
  /** Our knock's id (hex), as members see it. */
  knockId: string
  /** Publications of the knock so far. */
  knocks: number
  /** When the knock ends unanswered (ms). */
  expiresAt: number
}

/**
 * A member we trust let us in (a signed LET_IN answer to our knock): it
 * invited us, and we announce our key package now (the join's usual
 * phases follow). Not a phase: it is not in {@link JOIN_PHASES}.
 *
 * @example
 * ```ts
 * import type { JoinLetInProgress, JoinProgress } from '@demls/session'
 * import { toHex } from '@demls/wire'
 * const show = (p: JoinProgress) => {
 *   if (p.phase === 'let-in') console.log(`${toHex((p as JoinLetInProgress).member)} let you in: joining`)
 * }
 * ```
 */
export interface JoinLetInProgress extends JoinProgressBase {
  phase: 'let-in'
  /** The member that let us in (its signature was verified). */
  member: Uint8Array
}

/**
 * Our key package was published: emitted for every (re)publication until it is acknowledged.
 *
 * @example
 * ```ts
 * import type { JoinAnnouncingProgress, User } from '@demls/session'
 * declare const bob: User
 * bob.joinProgress$.subscribe((p) => {
 *   if (p.phase === 'announcing') console.log(`key package announced ${(p as JoinAnnouncingProgress).announcements} time(s)`)
 * })
 * ```
 */
export interface JoinAnnouncingProgress extends JoinProgressBase {
  phase: 'announcing'
  /** Publications so far. */
  announcements: number
}

/**
 * A verified `ACKED` or `ADMITTED` status for our key package.
 *
 * @example
 * ```ts
 * import type { JoinProgress, JoinStatusProgress } from '@demls/session'
 * const onProgress = (p: JoinProgress) => {
 *   if (p.phase === 'acked' || p.phase === 'admitted') console.log(`${p.phase}: proposal ${(p as JoinStatusProgress).proposalId}`)
 * }
 * ```
 */
export interface JoinStatusProgress extends JoinProgressBase {
  phase: 'acked' | 'admitted'
  /** The member that signed it. */
  responder: Uint8Array
  /** The membership proposal. */
  proposalId: number
}

/**
 * A Welcome for us was accepted, or the backlog since it was replayed.
 *
 * @example
 * ```ts
 * import type { JoinProgress, JoinWelcomedProgress } from '@demls/session'
 * const onProgress = (p: JoinProgress) => {
 *   if (p.phase === 'welcomed') console.log(`Welcome processed at epoch ${(p as JoinWelcomedProgress).epoch}`)
 * }
 * ```
 */
export interface JoinWelcomedProgress extends JoinProgressBase {
  phase: 'welcomed' | 'synced'
  /** Our epoch. */
  epoch: bigint
}

/**
 * The conversation is ours: `join` resolves right after this event.
 *
 * @example
 * ```ts
 * import type { JoinProgress, JoinReadyProgress } from '@demls/session'
 * const onProgress = (p: JoinProgress) => {
 *   if (p.phase === 'ready') console.log(`joined at epoch ${(p as JoinReadyProgress).epoch} with ${p.memberCount} members`)
 * }
 * ```
 */
export interface JoinReadyProgress extends JoinProgressBase {
  phase: 'ready'
  /** Our epoch. */
  epoch: bigint
  /** Members of the group. */
  memberCount: number
}

/**
 * A Welcome on this conversation's channels was dropped and the join goes
 * on (with the same key package). Not a phase: it is not in
 * {@link JOIN_PHASES} and leaves the current phase unchanged.
 *
 * - `invalid`: MLS could not use it (`MlsDecodeError`, `InvalidWelcomeError`:
 *   garbage, or not encrypted to our key package as it claims).
 * - `foreign`: MLS could, but the group is not the one we were answered by
 *   (`ForeignWelcomeError`, see its `reason`).
 *
 * @example
 * ```ts
 * import type { JoinProgress, JoinWelcomeDroppedProgress } from '@demls/session'
 * const onProgress = (p: JoinProgress) => {
 *   if (p.phase === 'welcome-dropped') console.log(`ignored a Welcome (${(p as JoinWelcomeDroppedProgress).reason}): ${p.error.message}`)
 * }
 * ```
 */
export interface JoinWelcomeDroppedProgress extends JoinProgressBase {
  phase: 'welcome-dropped'
  reason: 'invalid' | 'foreign'
  /** The typed cause. */
  error: Error
}

/**
 * A member reported, with a verified `REJECTED` status, that the group
 * refused our join, and why (`reason`, signed by that member). Not a phase:
 * the join ends right after it with the same {@link RejectedError}.
 *
 * @example
 * ```ts
 * import type { JoinProgress, JoinRejectedProgress } from '@demls/session'
 * const onProgress = (p: JoinProgress) => {
 *   if (p.phase !== 'rejected') return
 *   const r: JoinRejectedProgress = p
 *   if (r.reason === 'not-invited') console.log('ask a member for an invitation (an invite link), then join again')
 * }
 * ```
 */
export interface JoinRejectedProgress extends JoinProgressBase {
  phase: 'rejected'
  /** The member that signed the status. */
  responder: Uint8Array
  /** The membership proposal that was refused. */
  proposalId: number
  /** Why (`unknown` when the member gave no reason this version knows). */
  reason: JoinRejectionReason
  /** The error the join fails with. */
  error: RejectedError
}

/**
 * A step of {@link User.join}, published on `User.joinProgress$` and given
 * to `JoinOptions.onProgress`. Discriminated by `phase`.
 *
 * @example
 * ```ts
 * import type { JoinProgress, User } from '@demls/session'
 * declare const bob: User
 * await bob.join('chat', {
 *   onProgress: (p: JoinProgress) => console.log(`${p.conversationId} ${p.phase} +${p.elapsedMs} ms`),
 * })
 * ```
 */
export type JoinProgress =
  | JoinProbingProgress
  | JoinBeaconProgress
  | JoinKnockingProgress
  | JoinLetInProgress
  | JoinAnnouncingProgress
  | JoinStatusProgress
  | JoinWelcomedProgress
  | JoinReadyProgress
  | JoinWelcomeDroppedProgress
  | JoinRejectedProgress
