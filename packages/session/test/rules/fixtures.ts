import type { StagedCommit } from '@demls/mls'

/** A 20-byte member id filled with `n`. */
export const id = (n: number): Uint8Array => new Uint8Array(20).fill(n)

/** A staged remote commit by member `committer` that passes every check unless `extra` says otherwise. */
export const staged = (committer: number, extra: Partial<StagedCommit> = {}): StagedCommit => ({
  status: 'staged',
  committer: id(committer),
  selfRemoved: false,
  changes: [],
  proposalSenders: [],
  bundleSenderMismatch: false,
  otherProposals: 0,
  epoch: 2n,
  ...extra,
})
