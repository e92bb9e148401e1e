/**
 * The scenario both scoring plug-ins run: alice, bob, carol and dave form
 * a group (it elects two stewards). The steward whose turn it is to commit
 * (the epoch steward) stalls: its network goes down both ways, so it
 * neither hears nor sends anything. Another member (the
 * viewer) proposes removing a third one (the target). The removal is
 * approved, the epoch steward does not commit it, so after the
 * commit-inactivity window a backup steward does, and every member applies
 * `CensorshipInactivity` to the stalled steward's score. Then the stall
 * ends: the steward is back and answering.
 */
import { violationLabel } from '@demls/scoring'
import type { PluginOverrides } from '@demls/session'
import { type Cast, GROUP, NAMES, type Name, joinInTurn, settled, startCast } from './cast.js'

/** What one run ended with. */
export interface StallOutcome {
  /** `id@version` of the scoring plug-in every member ran. */
  scoring: string
  /** The epoch steward that stalled. */
  silent: Name
  /** The member who proposed the removal (and whose view is reported). */
  viewer: Name
  /** The member whose removal was proposed. */
  target: Name
  /** The stalled steward's score, as the viewer sees it, once the backup commit removed the target. */
  scoreAfterStall: bigint
  /** Approved emergency proposals the viewer saw, by violation (e.g. `Score below threshold`). */
  approvedEmergencies: string[]
  /** The group 60 s (virtual) after the stall ended, as the viewer sees it. */
  membersAfter: Name[]
  /** Whether the stalled steward is then still in the group, at the viewer's epoch. */
  silentStillIn: boolean
}

function scoreOf(cast: Cast, viewer: Name, member: Name): bigint {
  const entry = cast.group(viewer).conversation.memberScores().find((e) => cast.nameOf(e.memberId) === member)
  if (!entry) throw new Error(`${viewer} does not score ${member}`)
  return entry.score
}

/** Run the scenario with `plugins` on every member (`{}` = the defaults). */
export async function stallingSteward(plugins: PluginOverrides): Promise<StallOutcome> {
  const cast = await startCast(() => plugins)
  try {
    // Admission 'open': joiners are auto-admitted (this example is about scoring, not invitations).
    await cast.users.alice.createConversation(GROUP, { admission: 'open' })
    await joinInTurn(cast, ['bob', 'carol', 'dave'])
    await cast.net.runUntil(() => settled(cast, NAMES, 4) && cast.group('alice').conversation.stewards().length >= 2, { maxMs: 120_000 })
    const silent = NAMES.find((n) => cast.group(n).conversation.isEpochSteward())
    if (!silent) throw new Error('no epoch steward')
    const [viewer, target] = NAMES.filter((n) => n !== silent) as [Name, Name]
    const emergencies: string[] = []
    const watching = cast.users[viewer].events$.subscribe((e) => {
      const evidence = e.type === 'consensus-reached' && e.approved ? e.request?.emergencyCriteria?.evidence : undefined
      if (evidence) emergencies.push(violationLabel(evidence.violationType))
    })
    // Both ways: muted only outbound, the steward would still hear the vote and
    // commit locally, and when it came back its commit could win the fork
    // choice, undoing the backup's commit and the penalty (a race of commit hashes).
    cast.net.mute(silent, { inbound: true })
    await cast.group(viewer).removeMember(cast.users[target].memberId)
    await cast.net.runUntil(() => !cast.group(viewer).members().some((m) => cast.nameOf(m) === target), { maxMs: 120_000 })
    const scoreAfterStall = scoreOf(cast, viewer, silent)
    cast.net.unmute(silent)
    await cast.net.advance(60_000)
    watching.unsubscribe()
    const scoring = cast.users[viewer].plugins.makeScoring({})
    const membersAfter = cast.group(viewer).members().map((m) => cast.nameOf(m))
    return {
      scoring: `${scoring.id}@${scoring.version}`,
      silent,
      viewer,
      target,
      scoreAfterStall,
      approvedEmergencies: emergencies,
      membersAfter,
      silentStillIn: membersAfter.includes(silent) && cast.users[silent].conversation(GROUP)?.epoch() === cast.group(viewer).epoch(),
    }
  } finally {
    await cast.stop()
  }
}
