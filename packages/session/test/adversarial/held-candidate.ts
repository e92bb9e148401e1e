import { type CommitCandidate, decodeAppMessage } from '@demls/wire'
import type { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'

/** The commit candidate a plaintext app packet carries, if it does. */
export function candidateIn(payload: Uint8Array): CommitCandidate | undefined {
  if (payload[0] === 0) return undefined
  try {
    return decodeAppMessage(payload).commitCandidate
  } catch {
    return undefined
  }
}

/**
 * Whoever next sends a candidate of its own (as committer) is S: that
 * candidate is held back from everyone, and from then on nothing S sends
 * arrives (it merges its commit alone). Returns the list the held
 * candidate lands in (`{ from: S, c }`), filled once S sends it.
 */
export function holdFirstOwnCandidate(bed: Bed): { from: number; c: CommitCandidate }[] {
  const held: { from: number; c: CommitCandidate }[] = []
  bed.intercept = (from, _to, p) => {
    if (held[0]?.from === from) return undefined
    const c = p.subtopic === 'app' ? candidateIn(p.payload) : undefined
    if (c === undefined || Buffer.from(c.stewardMemberId).toString('hex') !== Buffer.from(memberIdOf(from)).toString('hex')) return p
    held.push({ from, c })
    return undefined
  }
  return held
}
