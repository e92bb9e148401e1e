// The MLS-only baselines of the session benches (`run.ts`, `large-group.ts`):
// the commits, stagings, merges and Welcomes a membership change costs with
// @demls/mls alone, one creator committing.
import type { CommitInput, MlsClient, MlsService } from '@demls/mls'

/** `groups[0]` commits `inputs`; every group in `stagers` stages and merges it; then the committer merges. */
export async function mlsCommit(groups: readonly MlsService[], inputs: CommitInput[], stagers: readonly MlsService[] = groups.slice(1)) {
  const built = await groups[0]!.createCommitCandidate(inputs)
  for (const g of stagers) {
    const staged = await g.stageRemoteCommit({ proposals: built.proposals, commit: built.commit })
    if (staged.status !== 'staged') throw new Error(`stage failed: ${staged.reason}`)
    await g.mergeStagedCommit()
  }
  await groups[0]!.mergeOwnCommit()
  return built
}

/** One add commit of `joiners` by `groups[0]`, merged by every member; the joiners join from its Welcome and are appended to `groups`. */
export async function mlsAdmit(groups: MlsService[], joiners: readonly MlsClient[]): Promise<void> {
  const kps = await Promise.all(joiners.map((c) => c.generateKeyPackage()))
  const built = await mlsCommit(groups, kps.map((keyPackage) => ({ action: 'add' as const, keyPackage })))
  for (const c of joiners) {
    const g = await c.joinFromWelcome(built.welcome!)
    if (!g) throw new Error('welcome not for us')
    groups.push(g)
  }
}
