import type { ConversationConfigInit } from '../../src/index.js'
import { type Scenario, bootstrapThreeStewards, conv, memberIdOf, stewardRoles } from './harness.js'

/** Timing of the fork scenarios: a batching window long enough to cut a steward off before anyone commits. */
export const FORK_CONFIG: ConversationConfigInit = { stewardList: { snMin: 1, snMax: 3 }, commitInactivityMs: 5_000, commitBatchWindowMs: 3_000 }

/** Members 0–3 with three stewards, member 4 the joiner to come, and the epoch they reached. */
export interface ForkBed {
  epochSteward: number
  backup: number
  steward: number
  member: number
  joiner: number
  epoch: bigint
}

/** Bootstrap members 0–3 with three stewards (a five-member scenario on {@link FORK_CONFIG}); member 4 stays out. */
export async function forkBed(s: Scenario, id: string): Promise<ForkBed> {
  await bootstrapThreeStewards(s, id)
  return { ...stewardRoles(s, id), joiner: 4, epoch: conv(s, 0, id).epoch() }
}

/** The lowest-ranked steward and the joiner on one side of a partition, the others on the other. */
export function cutOffStewardWithJoiner(s: Scenario, b: ForkBed): void {
  s.net.partition([s.members[b.steward]!.name, s.members[b.joiner]!.name], [b.epochSteward, b.backup, b.member].map((i) => s.members[i]!.name))
}

/**
 * Two commits at one epoch with different member counts: cut off with the
 * joiner, the lowest-ranked steward admits it alone (its peers' silence
 * counts as YES under open admission) while the others remove `member`.
 * The branch the group keeps (the epoch steward's) did not add the joiner.
 * Resolves once both sides reached the next epoch and the join settled.
 */
export async function forkAdmitVersusRemove(s: Scenario, id: string, b: ForkBed): Promise<void> {
  cutOffStewardWithJoiner(s, b)
  // Long enough for the steward to act as epoch steward on its side (the others are suspect), shorter
  // than the dead-member window (nobody is removed for silence).
  await s.net.advance(6_000)
  const joined = s.members[b.joiner]!.user.join(id, { timeoutMs: 600_000 })
  await conv(s, b.epochSteward, id).removeMember(memberIdOf(b.member))
  await s.until(
    () => s.members[b.joiner]!.user.conversation(id)?.epoch() === b.epoch + 1n && conv(s, b.epochSteward, id).epoch() === b.epoch + 1n,
    300_000,
  )
  await joined
}
