import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CONVERSATION_CONFIG,
  FAST_TIMING,
  LAN_TIMING,
  joinProposalSlots,
  applyTiming,
  mergeConfigInit,
  resolveConfig,
  toTiming,
  validateConfigInit,
  votingInactivityWindow,
  suspectWindowMs,
  deadMemberWindowMs,
} from '../src/core/config.js'
import { isLowerPriority, proposalKindOf } from '../src/core/proposal-kind.js'
import { StateMachine } from '../src/core/state-machine.js'
import { InvalidConfigError } from '../src/errors.js'

describe('StateMachine (reference state_machine.rs + phase_timer.rs cases)', () => {
  it('starts working with no anchor', () => {
    const sm = new StateMachine()
    expect(sm.state).toBe('working')
    expect(sm.anchor).toBeUndefined()
    expect(sm.mode).toBe('normal')
  })

  it('freezing only from working or reelection, and anchors the freeze start', () => {
    const sm = new StateMachine()
    expect(sm.startFreezing(100)).toBe(true)
    expect(sm.anchor).toBe(100)
    expect(sm.startFreezing(200)).toBe(false)
    sm.startSelection()
    expect(sm.anchor).toBe(100)
    expect(sm.startFreezing(300)).toBe(false)
    sm.startReelection()
    expect(sm.anchor).toBeUndefined()
    expect(sm.startFreezing(400)).toBe(true)
  })

  it('working clears the anchor; anchorIfUnset keeps the first value', () => {
    const sm = new StateMachine()
    expect(sm.anchorIfUnset(5)).toBe(5)
    expect(sm.anchorIfUnset(9)).toBe(5)
    sm.startWorking()
    expect(sm.anchor).toBeUndefined()
  })

  it('recovery mode is orthogonal to the state', () => {
    const sm = new StateMachine()
    sm.enterRecovery()
    sm.startFreezing(1)
    expect(sm.mode).toBe('recovery')
    sm.exitRecovery()
    expect(sm.mode).toBe('normal')
    expect(sm.state).toBe('freezing')
  })

  it('messaging is blocked while freezing, selecting or pending a join', () => {
    const sm = new StateMachine()
    expect(sm.blocksMessaging).toBe(false)
    sm.startFreezing(1)
    expect(sm.blocksMessaging).toBe(true)
    sm.startSelection()
    expect(sm.blocksMessaging).toBe(true)
    expect(new StateMachine('pending-join', 0).blocksMessaging).toBe(true)
  })

  it('a pending join expires after 3 × commit inactivity', () => {
    const c = resolveConfig()
    const sm = new StateMachine('pending-join', 1_000)
    expect(sm.pendingJoinExpired(1_000 + 3 * c.commitInactivityMs - 1, c)).toBe(false)
    expect(sm.pendingJoinExpired(1_000 + 3 * c.commitInactivityMs, c)).toBe(true)
  })
})

describe('ConversationConfig (reference config.rs cases)', () => {
  it('defaults are the reference values', () => {
    const c = resolveConfig()
    expect(c.commitInactivityMs).toBe(60_000)
    expect(c.freezeDurationMs).toBe(30_000)
    expect(c.recoveryInactivityMs).toBe(5_000)
    expect(c.proposalExpirationMs).toBe(600_000)
    expect(c.consensusTimeoutMs).toBe(30_000)
    expect(c.votingDelayMs).toBe(10_000)
    expect(c.electionVotingDelayMs).toBe(5_000)
    expect(c.pendingUpdateMaxEpochs).toBe(3)
    expect(c.maxReelectionAttempts).toBe(1)
    expect(c.maxConsensusSessions).toBe(10)
    expect(c.commitBatchMax).toBe(50)
    expect(c.livenessCriteriaYes).toBe(true)
    expect(c.stewardList).toEqual({ snMin: 1, snMax: 2, allowSubsetCandidates: false })
    expect(c.votingDelayMs < c.consensusTimeoutMs && c.consensusTimeoutMs < c.commitInactivityMs).toBe(true)
  })

  it('joiner-handshake defaults (beyond the reference)', () => {
    const c = resolveConfig()
    expect([c.probeAnswerIntervalMs, c.probeAnswerDelayMs, c.probeAnswersPerSecond]).toEqual([2_000, 500, 20])
    expect(resolveConfig(FAST_TIMING).probeAnswerDelayMs).toBe(100)
    expect(resolveConfig({ probeAnswerDelayMs: 0 }).probeAnswerDelayMs).toBe(0)
  })

  it('LAN_TIMING keeps FAST_TIMING on the happy path and lengthens only the failure windows', () => {
    const fast = resolveConfig(FAST_TIMING)
    const lan = resolveConfig(LAN_TIMING)
    for (const k of ['votingDelayMs', 'electionVotingDelayMs', 'freezeDurationMs', 'commitBatchWindowMs', 'probeAnswerDelayMs'] as const) {
      expect(lan[k]).toBe(fast[k])
    }
    expect([lan.consensusTimeoutMs, lan.commitInactivityMs, lan.attestationIntervalMs]).toEqual([5_000, 6_000, 4_000])
    expect(suspectWindowMs(lan)).toBe(9_000)
    expect(deadMemberWindowMs(lan)).toBe(27_000)
    // A burst of joiners in batches of 21 instead of 5 (join-wave.test.ts, "a burst of joins goes into few commits").
    expect([lan.maxConsensusSessions, joinProposalSlots(lan)]).toEqual([32, 21])
    expect([fast.maxConsensusSessions, joinProposalSlots(fast)]).toEqual([10, 5])
  })

  it('voting inactivity derives commit + recovery when 0', () => {
    expect(votingInactivityWindow(resolveConfig())).toBe(65_000)
    expect(votingInactivityWindow(resolveConfig({ votingInactivityMs: 7 }))).toBe(7)
  })

  it('timing round-trips and only non-zero synced fields overwrite', () => {
    const c = resolveConfig({ commitInactivityMs: 2_000 })
    const t = toTiming(c)
    expect(t.commitInactivityDurationMs).toBe(2_000n)
    const applied = applyTiming(DEFAULT_CONVERSATION_CONFIG, {
      commitInactivityDurationMs: 2_000n,
      freezeDurationMs: 0n,
      proposalExpirationMs: 0n,
      consensusTimeoutMs: 0n,
      recoveryInactivityDurationMs: 0n,
      votingInactivityDurationMs: 0n,
    })
    expect(applied.commitInactivityMs).toBe(2_000)
    expect(applied.freezeDurationMs).toBe(30_000)
  })

  it('rejects bad values with InvalidConfigError', () => {
    expect(() => resolveConfig({ commitInactivityMs: 0 })).toThrow(InvalidConfigError)
    expect(() => resolveConfig({ proposalExpirationMs: 500 })).toThrow(InvalidConfigError)
    expect(() => resolveConfig({ stewardList: { snMin: 3, snMax: 2 } })).toThrow(InvalidConfigError)
    expect(() => resolveConfig({ stewardList: { snMin: 0 } })).toThrow(/snMin/)
    expect(() => resolveConfig({ probeAnswerIntervalMs: 0 })).toThrow(/probeAnswerIntervalMs/)
    expect(() => resolveConfig({ probeAnswersPerSecond: 0 })).toThrow(/probeAnswersPerSecond/)
    expect(() => resolveConfig({ probeAnswerDelayMs: -1 })).toThrow(/probeAnswerDelayMs/)
  })

  it('names the field, refuses unknown keys and wrong types, ignores undefined values', () => {
    const field = (init: unknown) => {
      try {
        validateConfigInit(init)
      } catch (err) {
        return (err as InvalidConfigError).field
      }
      return 'valid'
    }
    expect(field({ stewardList: { snMin: 0 } })).toBe('stewardList.snMin')
    expect(field({ consensusTimeoutMs: '1500' })).toBe('consensusTimeoutMs')
    expect(field({ referenceGaps: { onlyOwnerTimesOut: true } })).toBe('valid')
    expect(field({ referenceGaps: { onlyOwnerTimesOut: 1 } })).toBe('referenceGaps.onlyOwnerTimesOut')
    expect(field({ referenceGaps: { onlyOwnerTimeout: true } })).toBe('referenceGaps.onlyOwnerTimeout')
    expect(field('fast')).toBeUndefined()
    expect(() => validateConfigInit({ freezeDurationMS: 1 })).toThrow('unknown config key freezeDurationMS (did you mean freezeDurationMs?)')
    expect(() => resolveConfig(resolveConfig(FAST_TIMING))).not.toThrow()
    expect(resolveConfig({ commitInactivityMs: undefined }).commitInactivityMs).toBe(60_000)
    expect(resolveConfig({ stewardList: { snMax: undefined } }).stewardList.snMax).toBe(2)
  })

  it('join queue and dead-member fields go through the validator', () => {
    const field = (init: unknown) => {
      try {
        resolveConfig(init as never)
      } catch (err) {
        return (err as InvalidConfigError).field
      }
      return 'valid'
    }
    expect(DEFAULT_CONVERSATION_CONFIG.joinQueueMax).toBe(256)
    expect(DEFAULT_CONVERSATION_CONFIG.joinQueueMaxBytes).toBe(1_048_576)
    expect(DEFAULT_CONVERSATION_CONFIG.deadMemberAfterMs).toBe(0)
    expect(field({ joinQueueMax: 4, joinQueueMaxBytes: 65_536, deadMemberAfterMs: 0 })).toBe('valid')
    expect(field({ joinQueueMax: 0 })).toBe('joinQueueMax')
    expect(field({ joinQueueMax: 1.5 })).toBe('joinQueueMax')
    expect(field({ joinQueueMaxBytes: '1024' })).toBe('joinQueueMaxBytes')
    expect(field({ deadMemberAfterMs: -1 })).toBe('deadMemberAfterMs')
    expect(field({ deadMemberAfterMs: Number.POSITIVE_INFINITY })).toBe('deadMemberAfterMs')
    // Non-zero but shorter than the suspect window (2 × 10 s + 30 s by default).
    expect(field({ deadMemberAfterMs: 49_999 })).toBe('deadMemberAfterMs')
    expect(field({ deadMemberAfterMs: 50_000 })).toBe('valid')
    expect(() => validateConfigInit({ joinQueueMaxByte: 1 })).toThrow('unknown config key joinQueueMaxByte (did you mean joinQueueMaxBytes?)')
    expect(() => validateConfigInit({ deadMemberAfter: 1 })).toThrow('(did you mean deadMemberAfterMs?)')
  })

  it('mergeConfigInit layers field by field, stewardList too, skipping undefined', () => {
    expect(
      mergeConfigInit({ commitInactivityMs: 1_000, stewardList: { snMin: 2, snMax: 3 } }, { commitInactivityMs: undefined, stewardList: { snMax: 4 } }),
    ).toEqual({ commitInactivityMs: 1_000, stewardList: { snMin: 2, snMax: 4 } })
    expect(mergeConfigInit(undefined, { votingDelayMs: 5 })).toEqual({ votingDelayMs: 5 })
  })
})

describe('proposal kinds (reference proposal_kind.rs cases)', () => {
  it('classifies and orders priorities', () => {
    expect(proposalKindOf(undefined)).toBe('commit')
    expect(proposalKindOf({ payload: 'removeMember', removeMember: { memberId: new Uint8Array(20) } })).toBe('commit')
    expect(
      proposalKindOf({
        payload: 'stewardElection',
        stewardElection: { proposedStewards: [], electionEpoch: 0n, retryRound: 0 },
      }),
    ).toBe('election')
    expect(proposalKindOf({ payload: 'emergencyCriteria', emergencyCriteria: {} })).toBe('emergency')
    expect(isLowerPriority('commit', 'election')).toBe(true)
    expect(isLowerPriority('election', 'emergency')).toBe(true)
    expect(isLowerPriority('emergency', 'commit')).toBe(false)
  })
})
