import { type ConversationSync, decodeConversationSync, encodeConversationSync } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { InvalidSyncError } from '../src/errors.js'
import { type SyncValidationContext, validateSync } from '../src/rules/validate-sync.js'
import { toHex } from '../src/util/bytes.js'

const id = (n: number) => new Uint8Array(20).fill(n)
const members = new Set([1, 2, 3].map((n) => toHex(id(n))))
const good = (): ConversationSync =>
  decodeConversationSync(
    encodeConversationSync({
      stewardMembers: [id(2), id(1)],
      electionEpoch: 2n,
      snMin: 1,
      snMax: 2,
      timing: {
        commitInactivityDurationMs: 60_000n,
        freezeDurationMs: 30_000n,
        proposalExpirationMs: 600_000n,
        consensusTimeoutMs: 30_000n,
        recoveryInactivityDurationMs: 5_000n,
        votingInactivityDurationMs: 0n,
      },
      livenessCriteriaYes: true,
      thresholdPeerScore: 0n,
      pendingUpdateMaxEpochs: 3,
      maxReelectionAttempts: 1,
    }),
  )
const ctx = (over: Partial<SyncValidationContext> = {}): SyncValidationContext => ({
  currentEpoch: 3n,
  isMember: (h) => members.has(h),
  localDefaultScore: 100n,
  validateOrder: ({ proposed }) => toHex(proposed[0]!) === toHex(id(2)),
  ...over,
})

describe('validateSync (reference inbound.rs sync cases)', () => {
  it('accepts a consistent sync (voting inactivity may be 0)', () => {
    expect(validateSync(good(), ctx())).toEqual({ ok: true })
  })
  it('rejects a future election epoch', () => {
    expect(validateSync(good(), ctx({ currentEpoch: 1n }))).toEqual({ ok: false, reason: 'future-election-epoch' })
  })
  it('rejects when no listed steward is a member', () => {
    expect(validateSync({ ...good(), stewardMembers: [id(8), id(9)] }, ctx())).toEqual({
      ok: false,
      reason: 'no-steward-is-member',
    })
  })
  it('rejects a tampered order, including when the checker throws', () => {
    expect(validateSync({ ...good(), stewardMembers: [id(1), id(2)] }, ctx()).ok).toBe(false)
    const throwing = ctx({
      validateOrder: () => {
        throw new Error('bad size')
      },
    })
    expect(validateSync(good(), throwing)).toEqual({ ok: false, reason: 'invalid-steward-order' })
  })
  it('rejects each zero mandatory timing field', () => {
    const fields = [
      'commitInactivityDurationMs',
      'freezeDurationMs',
      'proposalExpirationMs',
      'consensusTimeoutMs',
      'recoveryInactivityDurationMs',
    ] as const
    for (const f of fields) {
      const s = good()
      s.timing = { ...s.timing!, [f]: 0n }
      expect(validateSync(s, ctx())).toEqual({ ok: false, reason: 'zero-timing-field' })
    }
    expect(validateSync({ ...good(), timing: undefined }, ctx()).ok).toBe(false)
  })
  it('rejects a threshold that is not strictly below our default score', () => {
    expect(validateSync({ ...good(), thresholdPeerScore: 100n }, ctx())).toEqual({
      ok: false,
      reason: 'threshold-not-below-default-score',
    })
    expect(validateSync({ ...good(), thresholdPeerScore: 99n }, ctx()).ok).toBe(true)
  })
  it('throws InvalidSyncError for an empty steward list or a bad sn pair', () => {
    expect(() => validateSync({ ...good(), stewardMembers: [] }, ctx())).toThrow(InvalidSyncError)
    expect(() => validateSync({ ...good(), snMin: 3, snMax: 2 }, ctx())).toThrow(InvalidSyncError)
    expect(() => validateSync({ ...good(), snMin: 0 }, ctx())).toThrow(/bounds/)
  })
})
