import { compareBytes } from '../internal/bytes.js'
import type { MembershipChange } from '../types.js'

/** Deduplicate and sort (action, member id) pairs: adds before removes, then by id bytes. */
export function normaliseChanges(changes: readonly MembershipChange[]): MembershipChange[] {
  const sorted = [...changes].sort(
    (a, b) => (a.action === b.action ? 0 : a.action === 'add' ? -1 : 1) || compareBytes(a.memberId, b.memberId),
  )
  const out: MembershipChange[] = []
  for (const c of sorted) {
    const last = out[out.length - 1]
    if (last && last.action === c.action && compareBytes(last.memberId, c.memberId) === 0) continue
    out.push({ action: c.action, memberId: c.memberId })
  }
  return out
}
