import { throwIfAborted } from '@demls/wire'
import { type ClientState, type KeyPackage, type Proposal, createCommit, createProposal } from '#ts-mls'
import { InvalidCommitInputError } from '../errors.js'
import { type GroupDeps, clientConfigAt } from '../group/context.js'
import { leafIndexOf } from '../group/members.js'
import { assertLeafBinding } from '../identity/leaf-binding.js'
import { assertMemberId } from '../identity/member-id.js'
import { toHex } from '../internal/bytes.js'
import { decodeKeyPackageInternal } from '../key-package/codec.js'
import { checkLifetime, validateKeyPackageInternal } from '../key-package/validate.js'
import { encodeMls } from '../message/codec.js'
import type { CommitCandidate, CommitInput, MembershipChange } from '../types.js'
import { normaliseChanges } from './changes.js'

/** Our built candidate plus the state it leads to (held as the pending commit). */
export interface BuiltCandidate {
  candidate: CommitCandidate
  newState: ClientState
  consumed: Uint8Array[]
}

/**
 * Build a commit candidate on top of `state` without changing it: one MLS
 * proposal message per input (authored by us), then a commit covering
 * exactly those proposals by reference, with the ratchet tree in the Welcome.
 */
export async function buildCandidate(
  state: ClientState,
  inputs: readonly CommitInput[],
  deps: GroupDeps,
  nowMs: number,
  signal?: AbortSignal,
): Promise<BuiltCandidate> {
  const proposals: Proposal[] = []
  const joiners: Uint8Array[] = []
  const changes: MembershipChange[] = []
  const seen = new Set<string>()
  const seenKeys = new Set<string>()
  for (const input of inputs) {
    throwIfAborted(signal)
    if (input.action === 'add') {
      // Cheap checks here (shape, credential, lifetime); ts-mls verifies the
      // signatures while building the commit, and on failure we re-validate
      // each key package to name the bad one (see below).
      const { keyPackage, info } = decodeKeyPackageInternal(input.keyPackage)
      checkLifetime(info, nowMs)
      // A key package claiming someone else's member id never reaches a commit of ours.
      if (deps.requireIdentityBinding) assertLeafBinding(keyPackage.leafNode)
      const id = toHex(info.memberId)
      if (leafIndexOf(state, info.memberId) !== undefined) {
        throw new InvalidCommitInputError(`0x${id} is already a member`)
      }
      if (seen.has(id)) throw new InvalidCommitInputError(`0x${id} appears twice in the batch`)
      const sigKey = toHex(info.signaturePublicKey)
      if (seenKeys.has(sigKey)) throw new InvalidCommitInputError('two key packages share a signature key')
      seen.add(id)
      seenKeys.add(sigKey)
      proposals.push({ proposalType: 'add', add: { keyPackage: keyPackage as KeyPackage } })
      joiners.push(info.memberId)
      changes.push({ action: 'add', memberId: info.memberId })
    } else if (input.action === 'remove') {
      assertMemberId(input.memberId, 'remove target')
      const id = toHex(input.memberId)
      const leaf = leafIndexOf(state, input.memberId)
      if (leaf === undefined) throw new InvalidCommitInputError(`0x${id} is not a member`)
      if (leaf === state.privatePath.leafIndex) throw new InvalidCommitInputError('cannot commit our own removal')
      if (seen.has(id)) throw new InvalidCommitInputError(`0x${id} appears twice in the batch`)
      seen.add(id)
      proposals.push({ proposalType: 'remove', remove: { removed: leaf } })
      changes.push({ action: 'remove', memberId: input.memberId })
    } else {
      throw new InvalidCommitInputError(`unknown action ${String((input as { action: unknown }).action)}`)
    }
  }

  // Every ts-mls check below (the added key packages' lifetimes) runs at `nowMs`.
  let current: ClientState = { ...state, clientConfig: clientConfigAt(deps.clientConfig, nowMs) }
  const consumed: Uint8Array[] = []
  const proposalMessages: Uint8Array[] = []
  for (const proposal of proposals) {
    throwIfAborted(signal)
    const r = await createProposal(current, deps.publicHandshakes, proposal, deps.impl)
    current = r.newState
    consumed.push(...r.consumed)
    proposalMessages.push(encodeMls(r.message))
  }
  throwIfAborted(signal)
  let commit: Awaited<ReturnType<typeof createCommit>>
  try {
    commit = await createCommit(
      { state: current, cipherSuite: deps.impl },
      { wireAsPublicMessage: deps.publicHandshakes, ratchetTreeExtension: true },
    )
  } catch (cause) {
    for (const input of inputs) {
      if (input.action === 'add') await validateKeyPackageInternal(input.keyPackage, deps.impl, nowMs)
    }
    throw new InvalidCommitInputError(`the commit could not be built: ${String(cause)}`, { cause })
  }
  consumed.push(...commit.consumed)
  const welcome =
    commit.welcome === undefined
      ? undefined
      : encodeMls({ version: 'mls10', wireformat: 'mls_welcome', welcome: commit.welcome })
  return {
    candidate: {
      proposals: proposalMessages,
      commit: encodeMls(commit.commit),
      welcome,
      joiners,
      changes: normaliseChanges(changes),
      epoch: state.groupContext.epoch,
    },
    newState: { ...commit.newState, clientConfig: deps.clientConfig },
    consumed,
  }
}
