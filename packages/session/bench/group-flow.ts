// The protocol side of the session benches (`run.ts`, `profile.ts`,
// `large-group.ts`): admit joiners or remove a member by vote on the memory
// network and wait until the group agrees again.
import type { MemoryNetwork } from '@demls/transport-memory'
import type { User } from '../src/index.js'

/** Whether `users[0..size)` are all Working in `id` at `users[0]`'s epoch. */
export function agreed(users: readonly User[], id: string, size: number): boolean {
  const epoch = users[0]!.conversation(id)!.epoch()
  for (let i = 0; i < size; i++) {
    const c = users[i]!.conversation(id)
    if (c?.epoch() !== epoch || c.state() !== 'working') return false
  }
  return true
}

/** `users[from..to)` join `id` at once; resolves once they joined and `users[0..to)` agree. */
export async function admitBatch(net: MemoryNetwork, users: readonly User[], id: string, from: number, to: number): Promise<void> {
  const joining = users.slice(from, to)
  const joins = joining.map((u) => u.join(id))
  await net.runUntil(() => joining.every((u) => u.conversation(id) !== undefined), { maxMs: 3_600_000 })
  await Promise.all(joins)
  await net.runUntil(() => agreed(users, id, to), { maxMs: 3_600_000 })
}

/**
 * `users[1]` proposes removing `users[size - 1]` (under 'open' admission every
 * other member's automatic vote is YES); resolves once the epoch steward
 * committed it and `users[0..size - 1)` agree at `size - 1` members.
 */
export async function removeLastByVote(net: MemoryNetwork, users: readonly User[], id: string, size: number): Promise<void> {
  const first = users[0]!.conversation(id)!
  const epoch = first.epoch()
  await users[1]!.conversation(id)!.removeMember(users[size - 1]!.memberId)
  await net.runUntil(() => first.epoch() > epoch && agreed(users, id, size - 1), { maxMs: 3_600_000 })
  if (first.members().length !== size - 1) throw new Error(`expected ${size - 1} members, got ${first.members().length}`)
}
