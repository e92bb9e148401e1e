import { type ClockSkewTolerance, type SessionQuotas, maxOwnerNormalSessions, recommendedSessionQuotas } from '@demls/consensus'
import type { TimingConfig, TimingConfigInit } from '@demls/wire'
import { InvalidConfigError } from '../errors.js'


/**
 * Bounds of the steward list (mirrors `@demls/steward`'s `StewardListConfig`).
 *
 * @example
 * ```ts
 * import { type StewardBounds, resolveConfig } from '@demls/session'
 * const bounds: StewardBounds = resolveConfig().stewardList
 * console.log(`${bounds.snMin}..${bounds.snMax} stewards per list`)
 * ```
 */
export interface StewardBounds {
  /** @default 1 */
  snMin: number
  /** @default 2 */
  snMax: number
  /** Accept candidates covering a subset of the approved work. @default false */
  allowSubsetCandidates: boolean
}

/**
 * Per-conversation protocol configuration, fixed at creation. Joiners take
 * the group's values from `ConversationSync`. Durations are milliseconds.
 * Defaults are the reference's (`reference-architecture.md` §12.1) except
 * {@link ConversationConfig.commitBatchWindowMs}, which is ours.
 *
 * @example
 * ```ts
 * import { type ConversationConfig, resolveConfig } from '@demls/session'
 * const config: ConversationConfig = resolveConfig({ commitInactivityMs: 30_000 })
 * console.log(config.freezeDurationMs, config.stewardList.snMax) // the defaults for the rest
 * ```
 */
export interface ConversationConfig {
  /** RFC inactivity timer #1: the epoch steward is inactive after this. @default 60_000 */
  commitInactivityMs: number
  /** Freeze window (Freezing → Selection). @default 30_000 */
  freezeDurationMs: number
  /**
   * Beyond the reference: end the freeze as soon as we hold the candidate
   * that ranks first whatever else arrives (the epoch steward's, carrying
   * our whole commit prefix) and it stages and validates, instead of
   * waiting for every eligible steward's candidate or the freeze window.
   * Every member still selects the same commit; a backup steward's
   * candidate that arrives after the selection is not rewarded
   * (`HonestCommitAttempt`). If that candidate fails, the freeze goes on
   * as without the option. Off in the defaults and `FAST_TIMING` (the
   * reference's rule), on in `LAN_TIMING`.
   * @default false
   */
  freezeEndsOnBestCandidate: boolean
  /** RFC inactivity timer #2, used in recovery and after a rejected election. @default 5_000 */
  recoveryInactivityMs: number
  /** RFC inactivity timer #3; 0 derives commit + recovery inactivity. @default 0 */
  votingInactivityMs: number
  /** Consensus proposal lifetime (whole seconds on the wire, ≥ 1 s). @default 600_000 */
  proposalExpirationMs: number
  /** Every member times out an open proposal after this. @default 30_000 */
  consensusTimeoutMs: number
  /** A buffered update older than this many epochs is dropped. @default 3 */
  pendingUpdateMaxEpochs: number
  /** Election retries after the first attempt before a Deadlock ECP. @default 1 */
  maxReelectionAttempts: number
  /** Auto-vote delay for ordinary proposals. @default 10_000 */
  votingDelayMs: number
  /** Auto-vote delay for steward elections. @default 5_000 */
  electionVotingDelayMs: number
  /** Silent voters count as YES; also the auto-vote value. @default true */
  livenessCriteriaYes: boolean
  /**
   * Beyond the reference: in larger groups only the quorum a proposal
   * needs plus a margin vote as soon as their voting delay ends
   * (`primaryVoterCount` in `@demls/session/rules`, picked anew for each proposal); the other
   * members (reserves) whose automatic choice is the proposal's liveness
   * value wait one more voting delay (ending before the consensus timeout)
   * and vote only if the proposal is still open by then. Under the default
   * consensus rule a silent voter weighs as the liveness value once the
   * quorum gate is passed, so no outcome changes; about a third fewer
   * votes are sent, each of which every member decrypts and verifies. A
   * choice that differs from the liveness value is always sent at once.
   * Off for a consensus plug-in with a rule of its own. Local: not synced.
   * The cost is latency under load: a proposal waits for the slowest
   * of the quorum among fewer voters. Off by default: in a 30-process
   * wave over gossipsub on 2 cores (peers seconds behind on their CPU)
   * it made half of the join votes resolve 1 s later and the wave form in
   * 47 s instead of 30 to 34; it is for large groups, where each member
   * decrypts a vote it would not need from every reserve.
   * @default false
   */
  reserveVoters: boolean
  /**
   * Beyond the reference, and not readable by it: our automatic votes that
   * fall due together (within half a voting delay of each other: the votes
   * on a batch of joins the epoch steward opened at once) go out as one
   * encrypted message (`AppMessage.demls_votes`, at most 32 votes, each
   * with its binding) instead of one message each; so do their echoes. A
   * lone vote is sent as the reference sends it. Every member decrypts one
   * message instead of one per vote, and the network carries one.
   * Receiving is always on; this only decides how we send. A Rust reference peer reads none of the bundled
   * votes, so turn it on only in groups of demls peers. Off in
   * {@link LAN_TIMING} too: over gossipsub on 2 cores it did not shorten a
   * 30-process burst (`docs/fault-runs.md`). Local: not synced.
   * @default false
   */
  voteBundles: boolean
  /** Consensus sessions kept per conversation. @default 10 */
  maxConsensusSessions: number
  /**
   * Beyond the reference: a member's share of the active consensus
   * sessions for ordinary proposals. Over it, its next proposal is taken
   * only while this many sessions stay free for the other members (so a
   * steward can open a batch of joins in a quiet group), else refused
   * (`quota` drop) until one resolves. Steward elections and emergencies
   * count apart (two per member) and may also use the three sessions kept
   * for them. Local; 0 derives a quarter of `maxConsensusSessions`, at
   * least 1 (see {@link consensusQuotas}).
   * @default 0
   */
  maxSessionsPerMember: number
  /**
   * Beyond the reference: a received proposal dated more than this ahead
   * of local time, or older than the proposal lifetime plus this, is
   * dropped (`clock-skew`). Local; 0 derives the consensus timeout (a
   * proposal dated further ahead could not gather votes, which must not
   * predate it, before every member times it out). Whole seconds on the
   * wire: rounded up, at least 1 s. See {@link proposalClockTolerance}.
   * @default 0
   */
  proposalClockSkewMs: number
  /** MLS proposals per commit. @default 50 */
  commitBatchMax: number
  /**
   * Beyond the reference: once work is approved the epoch steward commits
   * after this short batching window instead of waiting for the whole
   * inactivity window (which stays the deadline for declaring it inactive).
   * @default 1_000
   */
  commitBatchWindowMs: number
  /**
   * Beyond the reference: every member re-broadcasts its epoch attestation
   * this often, so members that were cut off, muted or partitioned learn
   * that the group moved on (or moved to another branch) and catch up. In
   * groups of more than {@link ATTESTERS_PER_INTERVAL} members each member
   * attests proportionally less often ({@link attestationPeriodMs}).
   * @default 10_000
   */
  attestationIntervalMs: number
  /**
   * Beyond the reference (fork safety): how many members re-broadcast
   * (echo) each commit candidate they receive, so a member that lost the
   * author's copy gets another one. The echoers are the members whose ids
   * are closest to the commit hash (`isCandidateEchoer`), a different few
   * for every candidate; the others stay silent, so a candidate costs
   * `1 + candidateEchoers` broadcasts instead of one per member. 0 turns
   * echoes off; a value at or above the group size echoes from everyone
   * (as before this option). Local: members may differ.
   * @default 3
   */
  candidateEchoers: number
  /**
   * Beyond the reference (joiner handshake): answer at most one join probe
   * per prober (its self-declared member id) per this interval.
   * @default 2_000
   */
  probeAnswerIntervalMs: number
  /**
   * Beyond the reference: how long a member that is not the epoch steward
   * waits per rank before answering a join probe (another steward waits one
   * step per position on the list, a plain member more); it stays silent if
   * it heard another member's beacon for the probe meanwhile. Probes that
   * come within half a step of a beacon we sent share our next beacon (one
   * beacon answers up to 32 probes).
   * @default 500
   */
  probeAnswerDelayMs: number
  /**
   * Beyond the reference: at most this many join beacons per second in
   * total, whoever asks (bounds amplification by forged prober ids); a
   * beacon answering several probes counts once.
   * @default 20
   */
  probeAnswersPerSecond: number
  /**
   * Local: chat messages sent while an epoch change is in flight (Freezing
   * or Selection) wait in a queue and are sent, in order, once the group is
   * working again. At most this many wait; one more is refused with
   * `SendQueueFullError`. Never synced.
   * @default 256
   */
  sendQueueMax: number
  /** Local: at most this many body bytes wait in the send queue (see {@link ConversationConfig.sendQueueMax}). @default 1_048_576 */
  sendQueueMaxBytes: number
  /**
   * Beyond the reference: key-package announcements kept in arrival order
   * while the consensus-session cap keeps them from being proposed (see
   * {@link joinQueueBoundMs}). Announcements past this count are dropped
   * (`queue-full`); the joiner's re-announcement tries again.
   * @default 256
   */
  joinQueueMax: number
  /** Beyond the reference: byte budget of the queued key packages (together). @default 1_048_576 */
  joinQueueMaxBytes: number
  /**
   * Beyond the reference: a member from which we have received no
   * authenticated traffic (an MLS-authenticated message: a vote, a
   * proposal, a chat message) or signed attestation for this long is
   * proposed for removal by the acting epoch steward, and every voter
   * votes YES on such a removal only if it, too, has not heard from the
   * member for this long. Local: not synced; 0 derives three times the
   * suspect window ({@link suspectWindowMs}), at least that window.
   * @default 0
   */
  deadMemberAfterMs: number
  /**
   * Beyond the reference: who may be admitted (see {@link AdmissionPolicy}).
   * Fixed at creation and synced to joiners (a group whose sync does not
   * carry it, such as a reference peer's, is `'open'`).
   * @default 'invite'
   */
  admission: AdmissionPolicy
  /** Steward list bounds. @default { snMin: 1, snMax: 2, allowSubsetCandidates: false } */
  stewardList: StewardBounds
  /**
   * Test-only: restore reference behaviours that demls deliberately fixes,
   * so a test can show what each fix changes. Local, never synced. Absent
   * in production.
   *
   * @internal
   */
  referenceGaps?: ReferenceGaps
}

/**
 * A conversation's admission policy (beyond the reference):
 * - `'invite'` (the default): a joiner is admitted only if a member vouched
 *   for it, with a signed invitation (`ConversationHandle.invite`) or an
 *   explicit YES on its proposal. A member's automatic vote on a join is
 *   YES only when it holds a valid invitation for the joiner, is its
 *   inviter, or has seen a member's YES on the proposal; otherwise NO.
 *   Join proposals count silent voters as NO, and one that counts them as
 *   YES is dropped: silence never admits anybody. The same holds for
 *   removals: a plain removal counts silent voters as NO and a member's
 *   automatic vote on another's removal is YES only when its own
 *   observation supports it (the target silent for the suspect window, or
 *   at the removal threshold in its own scores); a member leaving is
 *   always accepted.
 * - `'open'`: the reference's behaviour, every announced joiner and every
 *   removal is auto-voted with the liveness flag (silent means yes).
 *   Anyone who can publish a key package gets in, and any member's
 *   removal request passes unless the others vote NO in time; an opt-in
 *   for open groups and tests.
 *
 * @example
 * ```ts
 * import type { AdmissionPolicy, User } from '@demls/session'
 * declare const alice: User
 * const admission: AdmissionPolicy = 'open'
 * await alice.createConversation('lobby', { admission })
 * ```
 */
export type AdmissionPolicy = 'invite' | 'open'

/**
 * Reference (Rust 4.x) gaps that can be switched back on for tests, one
 * per deviation in `docs/deviations.md`. All default to off.
 *
 * @internal
 */
export interface ReferenceGaps {
  /** Deviation 1 off: forced freezes mint no candidate, and only stewards mint in recovery mode. */
  forcedFreezeMintsNothing?: boolean
  /** Deviation 3 off: only a proposal's owner times it out. */
  onlyOwnerTimesOut?: boolean
  /** Deviation 8 off: `nextWakeupAt` ignores the backup-takeover deadline. */
  wakeupIgnoresTakeover?: boolean
  /**
   * Approval certificates off (as before issue 15, and as the reference):
   * votes carry no binding, replayed and fork-switched commits and
   * steward-list notices are applied without a certificate.
   */
  uncertifiedChanges?: boolean
}

/** The reference defaults (plus our batching window). */
export const DEFAULT_CONVERSATION_CONFIG: Readonly<ConversationConfig> = Object.freeze({
  commitInactivityMs: 60_000,
  freezeDurationMs: 30_000,
  freezeEndsOnBestCandidate: false,
  recoveryInactivityMs: 5_000,
  votingInactivityMs: 0,
  proposalExpirationMs: 600_000,
  consensusTimeoutMs: 30_000,
  pendingUpdateMaxEpochs: 3,
  maxReelectionAttempts: 1,
  votingDelayMs: 10_000,
  electionVotingDelayMs: 5_000,
  livenessCriteriaYes: true,
  reserveVoters: false,
  voteBundles: false,
  maxConsensusSessions: 10,
  maxSessionsPerMember: 0,
  proposalClockSkewMs: 0,
  commitBatchMax: 50,
  commitBatchWindowMs: 1_000,
  attestationIntervalMs: 10_000,
  candidateEchoers: 3,
  probeAnswerIntervalMs: 2_000,
  probeAnswerDelayMs: 500,
  probeAnswersPerSecond: 20,
  sendQueueMax: 256,
  sendQueueMaxBytes: 1_048_576,
  joinQueueMax: 256,
  joinQueueMaxBytes: 1_048_576,
  deadMemberAfterMs: 0,
  admission: 'invite',
  stewardList: Object.freeze({ snMin: 1, snMax: 2, allowSubsetCandidates: false }),
})

/**
 * A fast timing profile for simulations, tests and demos (seconds instead
 * of minutes): commit inactivity 2 s, freeze 1 s, recovery 0.5 s, auto-votes
 * after 0.3 s, consensus timeout 1.5 s, batching window 0.1 s, attestations
 * every 2 s, join-probe answers staggered by 0.1 s. Not for production
 * networks, whose delivery times are longer.
 */
export const FAST_TIMING: Readonly<ConversationConfigInit> = Object.freeze({
  commitInactivityMs: 2_000,
  freezeDurationMs: 1_000,
  recoveryInactivityMs: 500,
  votingDelayMs: 300,
  electionVotingDelayMs: 300,
  consensusTimeoutMs: 1_500,
  proposalExpirationMs: 60_000,
  commitBatchWindowMs: 100,
  attestationIntervalMs: 2_000,
  probeAnswerDelayMs: 100,
})

/**
 * {@link FAST_TIMING} for real networks of many peer processes on small
 * machines (a loopback test network, a LAN, a demo on a laptop): the same
 * speed when nothing fails (votes resolve as soon as they are all in,
 * commits follow approvals at once), but failure windows long enough for
 * a peer that is seconds behind on its CPU: consensus timeout 5 s, commit
 * inactivity 6 s, attestations every 4 s (in groups of up to 10 members: a
 * member is suspect after 9 s of silence and proposed for removal after
 * 27 s; larger groups stretch all three, see {@link attestationPeriodMs}). Under FAST_TIMING a
 * busy peer's late votes count as missing and its late attestations as
 * silence, and the group spends its time on removals and elections.
 * A freeze also ends as soon as the epoch steward's candidate carrying the
 * whole commit prefix is held and valid ({@link ConversationConfig.freezeEndsOnBestCandidate}),
 * instead of waiting for a backup steward whose CPU is behind.
 * Up to 32 consensus sessions instead of the reference's 10, so the epoch
 * steward opens up to 21 queued joins at once ({@link joinProposalSlots})
 * instead of 5: a burst of joiners goes into two or three commits, not six
 * or seven, with an election every second one. Every member of a group
 * should run the same cap: a member with a smaller one refuses a batch
 * larger than its own quotas allow (`quota` drops), and those joins wait
 * for the next batch.
 *
 * @example
 * ```ts
 * const user = await User.create({ privateKey, transport, clock: systemClock, config: LAN_TIMING })
 * ```
 */
export const LAN_TIMING: Readonly<ConversationConfigInit> = Object.freeze({
  ...FAST_TIMING,
  commitInactivityMs: 6_000,
  consensusTimeoutMs: 5_000,
  attestationIntervalMs: 4_000,
  freezeEndsOnBestCandidate: true,
  maxConsensusSessions: 32,
})

/**
 * Input of {@link resolveConfig}: any subset of the configuration.
 *
 * @example
 * ```ts
 * import { type ConversationConfigInit, LAN_TIMING, User } from '@demls/session'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const config: ConversationConfigInit = { ...LAN_TIMING, stewardList: { snMax: 5 } }
 * const net = new MemoryNetwork()
 * const alice = await User.create({ privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: net.createTransport('alice'), clock: net.clock, config })
 * ```
 */
export type ConversationConfigInit = Partial<Omit<ConversationConfig, 'stewardList'>> & {
  stewardList?: Partial<StewardBounds>
}

/** Kind and range of each configuration field (the rules of {@link validateConfigInit}). */
type FieldRule =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] }

/** ms durations and counts are integers: durations travel as u64 on the wire (`toTiming`). */
const FIELD_RULES: Readonly<Record<Exclude<keyof ConversationConfig, 'stewardList' | 'referenceGaps'>, FieldRule>> = {
  commitInactivityMs: { kind: 'int', min: 1 },
  freezeDurationMs: { kind: 'int', min: 1 },
  recoveryInactivityMs: { kind: 'int', min: 1 },
  votingInactivityMs: { kind: 'int', min: 0 },
  proposalExpirationMs: { kind: 'int', min: 1_000 },
  consensusTimeoutMs: { kind: 'int', min: 1 },
  pendingUpdateMaxEpochs: { kind: 'int', min: 0 },
  maxReelectionAttempts: { kind: 'int', min: 0 },
  votingDelayMs: { kind: 'int', min: 1 },
  electionVotingDelayMs: { kind: 'int', min: 1 },
  livenessCriteriaYes: { kind: 'bool' },
  reserveVoters: { kind: 'bool' },
  voteBundles: { kind: 'bool' },
  freezeEndsOnBestCandidate: { kind: 'bool' },
  maxConsensusSessions: { kind: 'int', min: 1 },
  maxSessionsPerMember: { kind: 'int', min: 0 },
  proposalClockSkewMs: { kind: 'int', min: 0 },
  commitBatchMax: { kind: 'int', min: 1 },
  commitBatchWindowMs: { kind: 'int', min: 0 },
  attestationIntervalMs: { kind: 'int', min: 1 },
  candidateEchoers: { kind: 'int', min: 0 },
  probeAnswerIntervalMs: { kind: 'int', min: 1 },
  probeAnswerDelayMs: { kind: 'int', min: 0 },
  probeAnswersPerSecond: { kind: 'int', min: 1 },
  sendQueueMax: { kind: 'int', min: 1 },
  sendQueueMaxBytes: { kind: 'int', min: 1 },
  joinQueueMax: { kind: 'int', min: 1 },
  joinQueueMaxBytes: { kind: 'int', min: 1 },
  deadMemberAfterMs: { kind: 'int', min: 0 },
  admission: { kind: 'enum', values: ['invite', 'open'] },
}

const STEWARD_RULES: Readonly<Record<keyof StewardBounds, FieldRule>> = {
  snMin: { kind: 'int', min: 1, max: 0xffff_ffff },
  snMax: { kind: 'int', min: 1, max: 0xffff_ffff },
  allowSubsetCandidates: { kind: 'bool' },
}

const GAP_KEYS: readonly (keyof ReferenceGaps)[] = ['forcedFreezeMintsNothing', 'onlyOwnerTimesOut', 'wakeupIgnoresTakeover', 'uncertifiedChanges']

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1))
      diag = up
    }
  }
  return row[b.length]!
}

function unknownKey(key: string, known: readonly string[], prefix: string): InvalidConfigError {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const k of known) {
    const d = distance(key, k)
    if (d < bestDistance) {
      best = k
      bestDistance = d
    }
  }
  const hint = best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 4)) ? ` (did you mean ${prefix}${best}?)` : ''
  return new InvalidConfigError(`unknown config key ${prefix}${key}${hint}`, { field: `${prefix}${key}` })
}

function shown(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v)
}

function checkField(field: string, v: unknown, rule: FieldRule): void {
  if (rule.kind === 'enum') {
    if (typeof v !== 'string' || !rule.values.includes(v)) {
      throw new InvalidConfigError(`${field} must be one of ${rule.values.map((x) => `'${x}'`).join(', ')} (got ${shown(v)})`, { field })
    }
    return
  }
  if (rule.kind === 'bool') {
    if (typeof v !== 'boolean') throw new InvalidConfigError(`${field} must be a boolean (got ${shown(v)})`, { field })
    return
  }
  if (typeof v !== 'number') {
    throw new InvalidConfigError(`${field} must be a number (got ${typeof v} ${shown(v)})`, { field })
  }
  if (!Number.isFinite(v)) throw new InvalidConfigError(`${field} must be finite (got ${v})`, { field })
  if (!Number.isSafeInteger(v)) throw new InvalidConfigError(`${field} must be an integer (got ${v})`, { field })
  if (v < rule.min) throw new InvalidConfigError(`${field} must be ${rule.min === 1 ? '> 0' : `≥ ${rule.min}`} (got ${v})`, { field })
  if (rule.max !== undefined && v > rule.max) throw new InvalidConfigError(`${field} must be ≤ ${rule.max} (got ${v})`, { field })
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * Check a (partial) configuration without filling defaults: every key is
 * known (a misspelling names the closest key), every value has its type
 * (numbers, not strings), numbers are finite integers in range
 * (durations `> 0`, or `≥ 0` where 0 means "off" or "derived";
 * `proposalExpirationMs ≥ 1000`; `1 ≤ snMin ≤ snMax`). `undefined` values
 * count as absent.
 *
 * @throws {InvalidConfigError} naming the offending `field`
 *
 * @example
 * ```ts
 * import { InvalidConfigError, validateConfigInit } from '@demls/session'
 * try {
 *   validateConfigInit(JSON.parse('{"commitInactivityMs": -5}'))
 * } catch (err) {
 *   if (err instanceof InvalidConfigError) console.log(err.field) // 'commitInactivityMs'
 * }
 * ```
 */
export function validateConfigInit(init: unknown): asserts init is ConversationConfigInit | undefined {
  if (init === undefined) return
  if (!isPlainObject(init)) throw new InvalidConfigError(`config must be an object (got ${init === null ? 'null' : typeof init})`)
  for (const [key, v] of Object.entries(init)) {
    if (v === undefined) continue
    if (key === 'stewardList') {
      if (!isPlainObject(v)) throw new InvalidConfigError(`stewardList must be an object (got ${shown(v)})`, { field: key })
      for (const [sub, sv] of Object.entries(v)) {
        if (sv === undefined) continue
        const rule = Object.hasOwn(STEWARD_RULES, sub) ? STEWARD_RULES[sub as keyof StewardBounds] : undefined
        if (rule === undefined) throw unknownKey(sub, Object.keys(STEWARD_RULES), 'stewardList.')
        checkField(`stewardList.${sub}`, sv, rule)
      }
    } else if (key === 'referenceGaps') {
      if (!isPlainObject(v)) throw new InvalidConfigError(`referenceGaps must be an object (got ${shown(v)})`, { field: key })
      for (const [sub, sv] of Object.entries(v)) {
        if (!(GAP_KEYS as readonly string[]).includes(sub)) throw unknownKey(sub, GAP_KEYS, 'referenceGaps.')
        if (sv !== undefined) checkField(`referenceGaps.${sub}`, sv, { kind: 'bool' })
      }
    } else {
      const rule = Object.hasOwn(FIELD_RULES, key) ? FIELD_RULES[key as keyof typeof FIELD_RULES] : undefined
      if (rule === undefined) throw unknownKey(key, [...Object.keys(FIELD_RULES), 'stewardList'], '')
      checkField(key, v, rule)
    }
  }
  const sl = (init as ConversationConfigInit).stewardList
  if (sl?.snMin !== undefined && sl.snMax !== undefined && sl.snMin > sl.snMax) {
    throw new InvalidConfigError(`steward bounds must satisfy 1 ≤ snMin ≤ snMax (got ${sl.snMin}, ${sl.snMax})`, {
      field: 'stewardList.snMin',
    })
  }
}

/** `init` without its `undefined` values (so they do not overwrite defaults). */
function defined<T extends object>(init: T | undefined): Partial<T> {
  const out: Partial<T> = {}
  if (init === undefined) return out
  for (const [k, v] of Object.entries(init)) if (v !== undefined) (out as Record<string, unknown>)[k] = v
  return out
}

/**
 * Layer configurations: later ones win, field by field (`stewardList` too);
 * `undefined` values are ignored. Does not validate.
 *
 * @example
 * ```ts
 * import { FAST_TIMING, mergeConfigInit } from '@demls/session'
 * const init = mergeConfigInit(FAST_TIMING, { stewardList: { snMin: 2 } }, undefined) // later layers win
 * ```
 */
export function mergeConfigInit(...layers: (ConversationConfigInit | undefined)[]): ConversationConfigInit {
  let out: ConversationConfigInit = {}
  for (const layer of layers) {
    if (layer === undefined) continue
    const { stewardList, ...rest } = defined(layer)
    out = { ...out, ...rest }
    if (stewardList !== undefined) out.stewardList = { ...out.stewardList, ...defined(stewardList) }
  }
  return out
}

/**
 * Fill defaults and validate (see {@link validateConfigInit}).
 *
 * @throws {InvalidConfigError} on an unknown key, a value of the wrong type,
 * a non-integer or out-of-range number (e.g. a non-positive duration, a
 * proposal expiration under one second), or bad steward bounds; its
 * `field` names the key
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@demls/session'
 * const config = resolveConfig({ commitInactivityMs: 20_000, stewardList: { snMax: 4 } }) // validated, defaults filled in
 * ```
 */
export function resolveConfig(init: ConversationConfigInit = {}): ConversationConfig {
  validateConfigInit(init)
  const { stewardList, ...rest } = defined(init)
  const c: ConversationConfig = {
    ...DEFAULT_CONVERSATION_CONFIG,
    ...rest,
    stewardList: { ...DEFAULT_CONVERSATION_CONFIG.stewardList, ...defined(stewardList) },
  }
  if (c.deadMemberAfterMs > 0 && c.deadMemberAfterMs < suspectWindowMs(c)) {
    throw new InvalidConfigError(
      `deadMemberAfterMs must be 0 or ≥ 2 × attestationIntervalMs + freezeDurationMs = ${suspectWindowMs(c)} (got ${c.deadMemberAfterMs})`,
      { field: 'deadMemberAfterMs' },
    )
  }
  const { snMin, snMax } = c.stewardList
  if (snMin > snMax) {
    throw new InvalidConfigError(`steward bounds must satisfy 1 ≤ snMin ≤ snMax (got ${snMin}, ${snMax})`, {
      field: snMin !== DEFAULT_CONVERSATION_CONFIG.stewardList.snMin ? 'stewardList.snMin' : 'stewardList.snMax',
    })
  }
  return c
}

/**
 * The consensus-session quotas (beyond the reference; `@demls/consensus`
 * `checkSessionQuota`): each member's share of ordinary sessions is
 * `maxSessionsPerMember` (0 derives a quarter of the cap, at least 1), and
 * it may hold more only while that many stay free for the others; two
 * elections or emergencies per member; three sessions (fewer under a cap
 * of 4) only elections and emergencies may take.
 *
 * @example
 * ```ts
 * import { consensusQuotas, resolveConfig } from '@demls/session'
 * const { maxSessionsPerOwner, reservedPrioritySessions } = consensusQuotas(resolveConfig())
 * ```
 */
export function consensusQuotas(c: ConversationConfig): SessionQuotas {
  const q = recommendedSessionQuotas(c.maxConsensusSessions)
  return c.maxSessionsPerMember > 0 ? { ...q, maxSessionsPerOwner: c.maxSessionsPerMember } : q
}

/**
 * Beyond the reference: a consensus vote larger than this (its byte
 * fields plus 64) is dropped as `invalid-vote`; an honest one is about 250
 * bytes. Bounds what a voter can add to a session it votes on.
 */
export const MAX_VOTE_BYTES = 1_024

/**
 * Beyond the reference: the most votes one bundle (`AppMessage.demls_votes`,
 * {@link ConversationConfig.voteBundles}) may carry; a received bundle with
 * more is dropped whole (`undecodable`). Our own bundles are split at it.
 */
export const MAX_BUNDLED_VOTES = 32

/**
 * The most ordinary proposals one member can have open at once under
 * {@link consensusQuotas} (5 by default): a proposer that opens several at
 * a time (e.g. a batch of joins) should open no more.
 *
 * @example
 * ```ts
 * import { memberProposalSlots, resolveConfig } from '@demls/session'
 * memberProposalSlots(resolveConfig({ maxConsensusSessions: 12 })) // open proposals one member may hold
 * ```
 */
export function memberProposalSlots(c: ConversationConfig): number {
  return maxOwnerNormalSessions(c.maxConsensusSessions, consensusQuotas(c))
}

/**
 * How far a received proposal's timestamp may be from local time: ahead by
 * the skew tolerance (`proposalClockSkewMs`, or the consensus timeout when
 * 0), behind by the proposal lifetime plus that tolerance; whole seconds,
 * rounded up.
 *
 * @example
 * ```ts
 * import { proposalClockTolerance, resolveConfig } from '@demls/session'
 * const { futureSeconds, pastSeconds } = proposalClockTolerance(resolveConfig({ proposalClockSkewMs: 30_000 }))
 * ```
 */
export function proposalClockTolerance(c: ConversationConfig): ClockSkewTolerance {
  const skew = Math.max(1, Math.ceil((c.proposalClockSkewMs > 0 ? c.proposalClockSkewMs : c.consensusTimeoutMs) / 1000))
  return { futureSeconds: skew, pastSeconds: Math.ceil(c.proposalExpirationMs / 1000) + skew }
}

/**
 * Beyond the reference: how many members' periodic attestations a group
 * carries per `attestationIntervalMs`, on average. Every attestation goes
 * to every member, so with each member attesting once per interval a group
 * of n costs n² deliveries per interval (at 30 members and LAN timing,
 * most of a core of an idle 2-core machine). Above this many members each
 * one attests less often ({@link attestationPeriodMs}), and the windows
 * that judge silence ({@link suspectWindowMs}, {@link deadMemberWindowMs})
 * stretch with it.
 */
export const ATTESTERS_PER_INTERVAL = 10

/**
 * How often each member of a group of `memberCount` sends its periodic
 * attestation: `attestationIntervalMs`, stretched by `memberCount /`
 * {@link ATTESTERS_PER_INTERVAL} above that many members, so that the
 * group as a whole sends about that many per interval. Members that
 * disagree on the count for a moment (one commit apart) differ by one
 * member's share.
 *
 * @example
 * ```ts
 * import { attestationPeriodMs, resolveConfig } from '@demls/session'
 * const c = resolveConfig({ attestationIntervalMs: 4_000 })
 * attestationPeriodMs(c, 8) // 4_000
 * attestationPeriodMs(c, 30) // 12_000
 * ```
 */
export function attestationPeriodMs(c: Pick<ConversationConfig, 'attestationIntervalMs'>, memberCount = 1): number {
  return Math.round(c.attestationIntervalMs * Math.max(1, memberCount / ATTESTERS_PER_INTERVAL))
}

/**
 * Beyond the reference: a member not heard from for this long is not
 * trusted to act as epoch steward (the next steward on the list acts at
 * once instead of waiting out the inactivity window). Two attestation
 * periods at the group's size ({@link attestationPeriodMs}) plus a freeze
 * window, during which nobody sends encrypted messages.
 *
 * @example
 * ```ts
 * import { resolveConfig, suspectWindowMs } from '@demls/session'
 * suspectWindowMs(resolveConfig()) // silence after which a steward is suspected
 * suspectWindowMs(resolveConfig(), 40) // the same in a group of 40: four times the attestation period
 * ```
 */
export function suspectWindowMs(c: ConversationConfig, memberCount = 1): number {
  return 2 * attestationPeriodMs(c, memberCount) + c.freezeDurationMs
}

/**
 * The dead-member window: three suspect windows when `deadMemberAfterMs`
 * is 0, else the configured value, but never less than one suspect window
 * at the group's size (a member attesting on time is never judged dead).
 *
 * @example
 * ```ts
 * import { deadMemberWindowMs, resolveConfig } from '@demls/session'
 * deadMemberWindowMs(resolveConfig({ deadMemberAfterMs: 60_000 })) // how long silence makes a member dead
 * deadMemberWindowMs(resolveConfig(), 30) // the derived window in a group of 30
 * ```
 */
export function deadMemberWindowMs(c: ConversationConfig, memberCount = 1): number {
  const suspect = suspectWindowMs(c, memberCount)
  return c.deadMemberAfterMs > 0 ? Math.max(c.deadMemberAfterMs, suspect) : 3 * suspect
}

/**
 * Beyond the reference: how long after a member's last authenticated
 * message its removal is committed at most, while the other members are
 * live, in a group of `memberCount`: the dead-member window, one
 * attestation period (our polling granularity), the vote (voting delay and consensus timeout), the commit
 * (the voting-inactivity window), the freeze round, and a steward election
 * that may be due (its voting delay and timeout plus a commit-inactivity
 * window).
 *
 * @example
 * ```ts
 * import { deadMemberRemovalBoundMs, resolveConfig } from '@demls/session'
 * const ms = deadMemberRemovalBoundMs(resolveConfig())
 * console.log(`a silent member is voted out within ${ms / 1000} s`)
 * ```
 */
export function deadMemberRemovalBoundMs(c: ConversationConfig, memberCount = 1): number {
  return (
    deadMemberWindowMs(c, memberCount) +
    attestationPeriodMs(c, memberCount) +
    c.votingDelayMs +
    c.consensusTimeoutMs +
    votingInactivityWindow(c) +
    c.freezeDurationMs +
    (c.electionVotingDelayMs + c.consensusTimeoutMs + c.commitInactivityMs)
  )
}

/**
 * RFC timer #3: the configured value, or commit + recovery inactivity when 0.
 *
 * @example
 * ```ts
 * import { resolveConfig, votingInactivityWindow } from '@demls/session'
 * votingInactivityWindow(resolveConfig()) // ms without a vote before a voter counts as inactive
 * ```
 */
export function votingInactivityWindow(c: ConversationConfig): number {
  return c.votingInactivityMs > 0 ? c.votingInactivityMs : c.commitInactivityMs + c.recoveryInactivityMs
}

/**
 * Consensus sessions the epoch steward leaves free when it proposes queued
 * joins, so that a steward election and an emergency proposal can always
 * be opened (and received) meanwhile.
 */
export const RESERVED_CONSENSUS_SESSIONS = 2

/**
 * Membership proposals open at once for queued joins: the session cap less
 * the reserve, and no more than one member may hold under the per-member
 * quotas ({@link memberProposalSlots}, 5 by default); at least one.
 *
 * @example
 * ```ts
 * import { joinProposalSlots, resolveConfig } from '@demls/session'
 * joinProposalSlots(resolveConfig()) // joins voted on at the same time
 * ```
 */
export function joinProposalSlots(c: ConversationConfig): number {
  return Math.max(1, Math.min(c.maxConsensusSessions - RESERVED_CONSENSUS_SESSIONS, memberProposalSlots(c)))
}

/**
 * Beyond the reference: how long a joiner that is `position`-th (1-based)
 * in the join queue waits at most, from the moment its announcement
 * reaches the group, until it is admitted or rejected, when members are
 * live. Joins are proposed in arrival order, {@link joinProposalSlots} at
 * a time, and the next batch is opened once the previous one is committed.
 * One batch takes at most: the vote (voting delay, then the consensus
 * timeout, after which every member resolves it), the commit (the voting
 * inactivity window, after which a backup steward or any member commits),
 * the freeze round, and a steward election that may be due
 * (its voting delay and timeout plus one commit-inactivity window). Add
 * the joiner's announcement schedule (an announcement lost on the way is
 * repeated after `JoinOptions.retry.initialMs`, 3 s by default).
 *
 * @example
 * ```ts
 * import { joinQueueBoundMs, resolveConfig } from '@demls/session'
 * const wait = joinQueueBoundMs(resolveConfig(), 3) // worst case for the 4th joiner in the queue
 * ```
 */
export function joinQueueBoundMs(c: ConversationConfig, position: number): number {
  const batch =
    c.votingDelayMs +
    c.consensusTimeoutMs +
    votingInactivityWindow(c) +
    c.freezeDurationMs +
    (c.electionVotingDelayMs + c.consensusTimeoutMs + c.commitInactivityMs)
  return Math.ceil(Math.max(1, position) / joinProposalSlots(c)) * batch + 3_000
}

/**
 * The six timing fields as sent in `ConversationSync.timing` (ms).
 *
 * @example
 * ```ts
 * import { resolveConfig, toTiming } from '@demls/session'
 * import { encodeTimingConfig } from '@demls/wire'
 * const bytes = encodeTimingConfig(toTiming(resolveConfig())) // what a creator publishes for its group
 * ```
 */
export function toTiming(c: ConversationConfig): TimingConfigInit {
  return {
    commitInactivityDurationMs: BigInt(c.commitInactivityMs),
    freezeDurationMs: BigInt(c.freezeDurationMs),
    proposalExpirationMs: BigInt(c.proposalExpirationMs),
    consensusTimeoutMs: BigInt(c.consensusTimeoutMs),
    recoveryInactivityDurationMs: BigInt(c.recoveryInactivityMs),
    votingInactivityDurationMs: BigInt(c.votingInactivityMs),
  }
}

/**
 * Apply a synced `TimingConfig`: only non-zero fields overwrite (the
 * reference's `apply_timing`). Returns a new config.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONVERSATION_CONFIG, applyTiming, toTiming } from '@demls/session'
 * import type { TimingConfig } from '@demls/wire'
 * declare const agreed: TimingConfig // the timing the group's creator published
 * const config = applyTiming(DEFAULT_CONVERSATION_CONFIG, agreed) // same deadlines as every member
 * ```
 */
export function applyTiming(c: ConversationConfig, t: TimingConfig): ConversationConfig {
  const pick = (v: bigint, current: number) => (v > 0n ? Number(v) : current)
  return {
    ...c,
    commitInactivityMs: pick(t.commitInactivityDurationMs, c.commitInactivityMs),
    freezeDurationMs: pick(t.freezeDurationMs, c.freezeDurationMs),
    proposalExpirationMs: pick(t.proposalExpirationMs, c.proposalExpirationMs),
    consensusTimeoutMs: pick(t.consensusTimeoutMs, c.consensusTimeoutMs),
    recoveryInactivityMs: pick(t.recoveryInactivityDurationMs, c.recoveryInactivityMs),
    votingInactivityMs: pick(t.votingInactivityDurationMs, c.votingInactivityMs),
  }
}

/**
 * How much longer a freeze waits for a live epoch steward's candidate
 * (`freeze/commit-flow.ts freezeEnd`), and how long the owner of voided
 * work waits for the epoch steward to open it
 * (`voting/crossed-proposals.ts reproposeVoided`): one freeze window, or
 * half a commit-inactivity window when that is longer (`LAN_TIMING`: 3 s;
 * `FAST_TIMING`: 1 s; the defaults: 30 s).
 *
 * @example
 * ```ts
 * import { LAN_TIMING, resolveConfig } from '@demls/session'
 * import { liveStewardGraceMs } from '../core/config.js'
 * liveStewardGraceMs(resolveConfig(LAN_TIMING)) // 3_000
 * ```
 */
export function liveStewardGraceMs(config: Pick<ConversationConfig, 'freezeDurationMs' | 'commitInactivityMs'>): number {
  return Math.max(config.freezeDurationMs, Math.floor(config.commitInactivityMs / 2))
}
