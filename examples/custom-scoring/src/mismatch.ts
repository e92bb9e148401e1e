/**
 * What happens to a member whose scoring plug-in differs from the group's:
 * alice, bob and carol run the strict table; dave runs the default one and
 * tries to join. The group's signed join beacon lists its plug-ins, the
 * scoring one included, so dave refuses before announcing his key package
 * and the group never votes on him.
 */
import { PluginMismatchError } from '@demls/session'
import { GROUP, joinInTurn, startCast } from './cast.js'
import { strictStewardScoring } from './strict.js'

/** How dave's join ended. */
export interface MismatchOutcome {
  /** The error name and code dave's `join` rejected with. */
  error: string
  /** The scoring entry of the group's plug-in list and of dave's (`scoring=id@version`). */
  groupScoring: string | undefined
  localScoring: string | undefined
  /** The join phases dave reached. */
  phases: string[]
  /** The group's size afterwards. */
  groupSize: number
}

/** Run it. */
export async function joinWithOtherScoring(): Promise<MismatchOutcome> {
  const cast = await startCast((name) => (name === 'dave' ? {} : { makeScoring: strictStewardScoring }))
  try {
    await cast.users.alice.createConversation(GROUP, { admission: 'open' })
    await joinInTurn(cast, ['bob', 'carol'])
    const phases: string[] = []
    const outcome = cast.users.dave.join(GROUP, { onProgress: (p) => phases.push(p.phase) }).then(
      () => undefined,
      (e: unknown) => e,
    )
    let error: unknown
    let done = false
    void outcome.then((e) => {
      error = e
      done = true
    })
    await cast.net.runUntil(() => done, { maxMs: 120_000 })
    await cast.net.advance(10_000)
    if (!(error instanceof PluginMismatchError)) throw new Error(`expected PluginMismatchError, got ${String(error)}`)
    const scoringOf = (list: string[]) => list.find((p) => p.startsWith('scoring='))
    return {
      error: `${error.name} (${error.code})`,
      groupScoring: scoringOf(error.group),
      localScoring: scoringOf(error.local),
      phases: [...new Set(phases)],
      groupSize: cast.group('alice').members().length,
    }
  } finally {
    await cast.stop()
  }
}
