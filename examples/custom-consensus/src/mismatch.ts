/**
 * What happens to a member whose consensus plug-in differs from the
 * group's: alice and bob run the veto rule; dave runs the default rule and
 * tries to join. The group's signed join beacon names its plug-ins, so dave
 * refuses before announcing his key package (`PluginMismatchError`) and the
 * group never votes on him.
 */
import { PluginMismatchError } from '@demls/session'
import { formGroup, startMembers, stopAll } from './group.js'
import { vetoConsensus } from './veto.js'

/** How dave's join ended. */
export interface MismatchOutcome {
  /** The error name and code dave's `join` rejected with. */
  error: string
  /** The group's plug-ins and dave's, as the error lists them (`role=id@version`). */
  group: string[]
  local: string[]
  /** The join phases dave reached. */
  phases: string[]
  /** The group's size afterwards. */
  groupSize: number
}

/** Run it. */
export async function joinWithOtherRule(): Promise<MismatchOutcome> {
  const { net, members } = await startMembers(['alice', 'bob', 'dave'], (name) => (name === 'dave' ? {} : { consensus: vetoConsensus }))
  const [alice, bob, dave] = members as [(typeof members)[0], (typeof members)[0], (typeof members)[0]]
  try {
    await formGroup(net, [alice, bob], 'club')
    const phases: string[] = []
    let error: unknown
    let done = false
    dave.user
      .join('club', { onProgress: (p) => phases.push(p.phase) })
      .catch((e: unknown) => {
        error = e
      })
      .finally(() => {
        done = true
      })
    await net.runUntil(() => done, { maxMs: 120_000 })
    await net.advance(10_000)
    if (!(error instanceof PluginMismatchError)) throw new Error(`expected PluginMismatchError, got ${String(error)}`)
    return {
      error: `${error.name} (${error.code})`,
      group: error.group,
      local: error.local,
      phases: [...new Set(phases)],
      groupSize: alice.user.conversation('club')?.members().length ?? 0,
    }
  } finally {
    await stopAll(members)
  }
}
