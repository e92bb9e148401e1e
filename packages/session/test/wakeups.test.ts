import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Vote } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { votingInactivityWindow } from '../src/core/config.js'
import { WAKEUP_SOURCES, registerWakeups } from '../src/conversation/wakeups.js'
import type { WakeupSource } from '../src/state/deadlines.js'
import { ProvisionalJoin } from '../src/state/provisional-join.js'
import type { DeferredVoided } from '../src/state/voting-state.js'
import { reelectionRetryMs } from '../src/stewardship/reelection.js'
import { proposalRequestGraceMs } from '../src/sync/missing-proposals.js'
import { coreFixture } from './core-fixture.js'
import { Bed } from './sansio.js'
import { WAKEUP_LOOP_BACKOFF_MS, WAKEUP_LOOP_LIMIT, WakeupLoopError } from '../src/errors.js'

/**
 * `nextWakeupAt` is the earliest entry of one table (`core.wakeups`) that
 * every step ends by writing from {@link WAKEUP_SOURCES}. A timed source
 * left out of it is a poll that never comes (deviation 8 once came from a
 * forgotten one): these tests fail when a source is not registered.
 */

const src = new URL('../src/', import.meta.url).pathname
const deferredVoided: DeferredVoided = { proposalId: 1, request: { payload: 'removeMember', removeMember: { memberId: new Uint8Array(20) } }, name: undefined, livenessCriteriaYes: true, votedYes: true }

/**
 * Make `core` a vote aggregator owing its contact (the aggregation
 * capability switched on, our contact given), or undo it.
 */
function owesContact(core: Awaited<ReturnType<typeof coreFixture>>['core'], on: boolean): void {
  const consensus = core.plugins.consensus as { aggregation?: unknown }
  if (on) {
    // An aggregator is a steward of the installed list.
    if (!core.steward.isSteward(core.memberId)) core.steward.installList(core.epoch(), [core.memberId], 1)
    consensus.aggregation = {}
    core.aggregate.ownContact = Uint8Array.of(1, 2, 3)
  } else {
    delete consensus.aggregation
    core.aggregate.ownContact = undefined
  }
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

describe('conversation/wakeups: one deadline table', () => {
  it('every source sets its entry: with all of them scheduled, each one is in the table at its own deadline, and next() is the earliest', async () => {
    const { core } = await coreFixture({ members: 2 })
    const t = core.now
    // One state per source, each with a distinct deadline.
    core.voting.autoVotes.set(1, t + 1_000, { choice: true })
    core.voting.voteEchoes.set(2, t + 2_000, {} as Vote)
    core.voting.timeouts.set(3, t + 3_000)
    core.sm.startFreezing(t + 4_000 - core.config.freezeDurationMs) // phase: anchor + freeze duration
    core.history.request = { sinceMs: 0, firstAt: t, lastAt: t + 5_000, attempts: 1, answered: false }
    core.stewardship.takeoverAnchor = t + 6_000
    core.catchUp.knownEpoch = core.epoch() + 1n
    core.catchUp.knownEpochAt = t
    core.catchUp.lastRequestAt = t + 7_000
    core.stewardship.awaitElection(core.epoch(), t + 8_000)
    core.catchUp.lastAttestAt = t + 9_000
    core.joinResponder.pending.set('n', { prober: new Uint8Array(1), nonce: new Uint8Array(1), fireAt: t + 10_000 })
    const p = new ProvisionalJoin(new Uint8Array(1), core.epoch(), 11_000)
    p.target = new Uint8Array(1)
    p.lastAnnounceAt = t
    core.provisional = p
    core.stewardship.reelectionAt = t + 12_000 - reelectionRetryMs(core.config)
    core.aggregate.backupProofs.set(5, t + 13_000, new Uint8Array(1))
    core.catchUp.missingProposals.set(6, t + 14_000 - proposalRequestGraceMs(core.config))
    core.voting.deferredReproposals.set('remove:ab', t + 15_000, { voided: deferredVoided, steward: 'ab' })

    registerWakeups(core, core.now)
    const expected: Omit<Record<WakeupSource, number>, 'aggregator-contact'> = {
      'auto-votes': t + 1_000,
      'vote-echoes': t + 2_000,
      timeouts: t + 3_000,
      phase: t + 4_000,
      history: WAKEUP_SOURCES.history(core, core.now)!,
      takeover: t + 6_000 + votingInactivityWindow(core.config),
      'catch-up': WAKEUP_SOURCES['catch-up'](core, core.now)!,
      'awaited-election': t + 8_000,
      attestation: t + 9_000 + core.config.attestationIntervalMs,
      'join-probes': t + 10_000,
      rewelcome: t + 11_000,
      reelection: t + 12_000,
      'backup-proofs': t + 13_000,
      'proposal-requests': t + 14_000,
      'deferred-reproposals': t + 15_000,
    }
    // Not while freezing (no message leaves then; the phase source is scheduled here): checked alone below.
    for (const source of (Object.keys(WAKEUP_SOURCES) as WakeupSource[]).filter((s) => s !== 'aggregator-contact')) {
      expect(core.wakeups.get(source)?.at, source).toBe(expected[source])
      expect(WAKEUP_SOURCES[source](core, core.now), source).toBe(expected[source])
    }
    expect(core.wakeups.size).toBe(Object.keys(expected).length)
    expect(core.wakeups.next()).toBe(Math.min(...Object.values(expected)))
  })

  it('each source alone decides the wake-up: scheduled by itself, its deadline is next(); cleared again, nothing is due', async () => {
    const { core } = await coreFixture({ members: 1 })
    const t = core.now
    const schedule: Record<WakeupSource, [() => void, () => void]> = {
      'auto-votes': [() => core.voting.autoVotes.set(1, t + 1, { choice: true }), () => core.voting.autoVotes.clearAll()],
      'vote-echoes': [() => core.voting.voteEchoes.set(1, t + 2, {} as Vote), () => core.voting.voteEchoes.clearAll()],
      'backup-proofs': [
        () => core.aggregate.backupProofs.set(1, t + 2, new Uint8Array(1)),
        () => core.aggregate.backupProofs.clearAll(),
      ],
      'aggregator-contact': [() => owesContact(core, true), () => owesContact(core, false)],
      timeouts: [() => core.voting.timeouts.set(1, t + 3), () => core.voting.timeouts.clearAll()],
      phase: [() => core.sm.startFreezing(t), () => core.sm.startWorking()],
      history: [
        () => {
          core.history.request = { sinceMs: 0, firstAt: t, lastAt: t, attempts: 1, answered: false }
        },
        () => {
          core.history.request = undefined
        },
      ],
      takeover: [
        () => {
          core.stewardship.takeoverAnchor = t
        },
        () => {
          core.stewardship.takeoverAnchor = undefined
        },
      ],
      'catch-up': [
        () => {
          core.catchUp.knownEpoch = core.epoch() + 1n
        },
        () => {
          core.catchUp.knownEpoch = core.epoch()
        },
      ],
      'proposal-requests': [() => core.catchUp.missingProposals.set(1, t + 9), () => core.catchUp.missingProposals.clear()],
      'deferred-reproposals': [
        () => core.voting.deferredReproposals.set('remove:ab', t + 10, { voided: deferredVoided, steward: 'ab' }),
        () => core.voting.deferredReproposals.clearAll(),
      ],
      'awaited-election': [
        () => {
          core.stewardship.awaitElection(core.epoch(), t + 8)
        },
        () => {
          core.stewardship.stopWaiting()
        },
      ],
      reelection: [
        () => {
          core.stewardship.reelectionAt = t
        },
        () => {
          core.stewardship.reelectionAt = undefined
        },
      ],
      // Alone in the group nobody hears an attestation: the source is checked by the test above.
      attestation: [() => undefined, () => undefined],
      'join-probes': [
        () => core.joinResponder.pending.set('n', { prober: new Uint8Array(1), nonce: new Uint8Array(1), fireAt: t + 10 }),
        () => core.joinResponder.pending.clear(),
      ],
      rewelcome: [
        () => {
          core.provisional = new ProvisionalJoin(new Uint8Array(1), core.epoch(), 11)
          core.provisional.target = new Uint8Array(1)
        },
        () => {
          core.provisional = undefined
        },
      ],
    }
    registerWakeups(core, core.now)
    expect(core.wakeups.next()).toBeUndefined()
    for (const source of Object.keys(WAKEUP_SOURCES) as WakeupSource[]) {
      if (source === 'attestation') continue
      schedule[source][0]()
      registerWakeups(core, core.now)
      expect([...(Object.keys(WAKEUP_SOURCES) as WakeupSource[]).filter((s) => core.wakeups.has(s))], source).toEqual([source])
      expect(core.wakeups.next(), source).toBe(WAKEUP_SOURCES[source](core, core.now))
      schedule[source][1]()
      registerWakeups(core, core.now)
      expect(core.wakeups.next(), source).toBeUndefined()
    }
  })

  it('once we left, nothing wakes us', async () => {
    const { core } = await coreFixture({ members: 1 })
    core.voting.timeouts.set(1, core.now + 1)
    registerWakeups(core, core.now)
    expect(core.wakeups.next()).toBe(core.now + 1)
    core.left = true
    registerWakeups(core, core.now)
    expect(core.wakeups.size).toBe(0)
  })

  it('no timed source outside the table: every exported `…Deadline` function of src/ and every DeadlineTable of the core is registered', () => {
    // The body of the WAKEUP_SOURCES map (an import alone registers nothing).
    const registry = /export const WAKEUP_SOURCES\b[^\n]*= \{\n([\s\S]*?)\n\}/.exec(readFileSync(join(src, 'conversation', 'wakeups.ts'), 'utf8'))?.[1] ?? ''
    const missing: string[] = []
    for (const file of sources(src)) {
      // The conversation's own timers (the User's, in user/, are clock timers of their own).
      if (file.includes(`${join('src', 'user')}/`)) continue
      for (const m of readFileSync(file, 'utf8').matchAll(/export (?:async )?function (\w+Deadline)\(/g)) {
        if (!new RegExp(`\\b${m[1]}\\b`).test(registry)) missing.push(`${file}: ${m[1]}`)
      }
    }
    // The core's deadline tables: its own, and those of the state slices it holds (core.voting.timeouts, …).
    let tables = 0
    for (const file of [join(src, 'core', 'core.ts'), ...sources(join(src, 'state'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/readonly (\w+) = new DeadlineTable</g)) {
        tables++
        if (m[1] !== 'wakeups' && !new RegExp(`core(\\.\\w+)?\\.${m[1]}\\.next\\(\\)`).test(registry)) missing.push(`${file}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
    expect(tables).toBeGreaterThanOrEqual(4)
    // The scan sees the sources it guards.
    expect(sources(src).filter((f) => /export function \w+Deadline\(/.test(readFileSync(f, 'utf8'))).length).toBeGreaterThanOrEqual(6)
  })
})

describe('conversation/wakeups: a source due at once that its step does not serve', () => {
  // Every source the table lists, made due at once for good (as `backup-proofs` once was while frozen, churn seed 9 on the
  // aggregated plug-in): the conversation reports the loop once with that source and wakes at most every 50 ms, whichever it is.
  it.each(Object.keys(WAKEUP_SOURCES) as WakeupSource[])('%s: reported once as WAKEUP_LOOP after 64 polls at one instant, then woken 50 ms later, not at once', async (source) => {
    const bed = await Bed.create(`loop-${source}`, 1, { admission: 'open' })
    const alice = bed.conv(0)
    const table = WAKEUP_SOURCES as Record<WakeupSource, (core: unknown, now: number) => number | undefined>
    const real = table[source]
    table[source] = (_core, now) => now
    try {
      const t = bed.now
      await alice.poll(t)
      let polls = 1
      while (alice.nextWakeupAt()! <= t && polls < 1_000) {
        await alice.poll(t)
        polls++
      }
      expect(polls).toBe(WAKEUP_LOOP_LIMIT)
      expect(alice.nextWakeupAt()).toBe(t + WAKEUP_LOOP_BACKOFF_MS)
      const loops = bed.eventsOf(0, 'error').map((e) => e.error)
      expect(loops).toHaveLength(1)
      expect(loops[0]).toBeInstanceOf(WakeupLoopError)
      expect((loops[0] as WakeupLoopError).sources).toContain(source)
      expect((loops[0] as WakeupLoopError).code).toBe('WAKEUP_LOOP')
      // Time moved: the count starts again (a source due at once is served by the next poll in a healthy flow).
      await alice.poll(t + WAKEUP_LOOP_BACKOFF_MS)
      expect(alice.nextWakeupAt()).toBe(t + WAKEUP_LOOP_BACKOFF_MS)
    } finally {
      table[source] = real
    }
  })
})
