import { throwIfAborted } from '@demls/wire'
import {
  type ClientState,
  emptyPskIndex,
  type IncomingMessageCallback,
  type MLSMessage,
  type ProposalWithSender,
  processPrivateMessage,
  processPublicMessage,
} from '#ts-mls'
import {
  type DemlsError,
  IdentityBindingError,
  InvalidCommitError,
  type MlsDecodeError,
  UnexpectedMessageKindError,
  WrongEpochError,
  WrongGroupError,
} from '../errors.js'
import type { GroupDeps } from '../group/context.js'
import { identityAtLeaf } from '../group/members.js'
import { leafBindingFailure } from '../identity/leaf-binding.js'
import { bytesEqual } from '../internal/bytes.js'
import { decodeMls } from '../message/codec.js'
import { framingOf, kindOf } from '../message/inspect.js'
import type { AbortedStage, MembershipChange, RemoteCandidate, StageAbortReason, StagedCommit } from '../types.js'
import { normaliseChanges } from './changes.js'

/** A staged remote commit: the summary plus the state it leads to. */
export interface StagedState {
  result: StagedCommit
  newState: ClientState
  consumed: Uint8Array[]
}

function abort(reason: StageAbortReason, error: DemlsError): AbortedStage {
  return { status: 'aborted', reason, error }
}

/** Outcome of {@link check}: the decoded message, or why it cannot be staged. */
export type Checked = { ok: true; message: MLSMessage } | { ok: false; aborted: AbortedStage }

/** Decode `bytes` and check its kind, group and epoch against `state` (no cryptography). */
export function check(state: ClientState, bytes: Uint8Array, expected: 'proposal' | 'commit'): Checked {
  let message: MLSMessage
  try {
    message = decodeMls(bytes, expected === 'proposal' ? 'MLS proposal' : 'MLS commit')
  } catch (e) {
    return { ok: false, aborted: abort('malformed', e as MlsDecodeError) }
  }
  const framing = framingOf(message)
  const kind = kindOf(message)
  if (framing === undefined || kind !== expected) {
    return {
      ok: false,
      aborted: abort(
        expected === 'proposal' ? 'not-a-proposal' : 'not-a-commit',
        new UnexpectedMessageKindError(expected, kind),
      ),
    }
  }
  if (!bytesEqual(framing.groupId, state.groupContext.groupId)) {
    return { ok: false, aborted: abort('wrong-group', new WrongGroupError()) }
  }
  const epoch = state.groupContext.epoch
  if (framing.epoch !== epoch) {
    return {
      ok: false,
      aborted: abort(
        framing.epoch < epoch ? 'older-epoch' : 'future-epoch',
        new WrongEpochError(framing.epoch, epoch),
      ),
    }
  }
  return { ok: true, message }
}

async function process(
  state: ClientState,
  message: MLSMessage,
  deps: GroupDeps,
  callback: IncomingMessageCallback,
): Promise<{ newState: ClientState; consumed: Uint8Array[] }> {
  if (message.wireformat === 'mls_private_message') {
    const r = await processPrivateMessage(state, message.privateMessage, emptyPskIndex, deps.impl, callback)
    return { newState: r.newState, consumed: r.consumed }
  }
  if (message.wireformat === 'mls_public_message') {
    const r = await processPublicMessage(state, message.publicMessage, emptyPskIndex, deps.impl, callback)
    return { newState: r.newState, consumed: r.consumed }
  }
  throw new UnexpectedMessageKindError('handshake message', message.wireformat)
}

/**
 * Process a remote candidate on top of `state` without changing it. The
 * returned state is what merging would install.
 */
export async function stageCandidate(
  state: ClientState,
  candidate: RemoteCandidate,
  deps: GroupDeps,
  signal?: AbortSignal,
): Promise<StagedState | AbortedStage> {
  let current: ClientState = { ...state, unappliedProposals: {} }
  const consumed: Uint8Array[] = []
  const proposalSenders: Uint8Array[] = []
  let senderMismatch = false
  const proposals = candidate.proposals ?? []
  for (let i = 0; i < proposals.length; i++) {
    throwIfAborted(signal)
    const checked = check(state, proposals[i] as Uint8Array, 'proposal')
    if (!checked.ok) return checked.aborted
    let sender: number | undefined
    try {
      const r = await process(current, checked.message, deps, (incoming) => {
        if (incoming.kind === 'proposal') sender = incoming.proposal.senderLeafIndex
        return 'accept'
      })
      current = r.newState
      consumed.push(...r.consumed)
    } catch (cause) {
      return abort('mls-failure', new InvalidCommitError(`bundled proposal ${i} rejected: ${String(cause)}`, { cause }))
    }
    const id = sender === undefined ? undefined : identityAtLeaf(state, sender)
    if (id === undefined) {
      return abort('mls-failure', new InvalidCommitError(`bundled proposal ${i} has no member sender`))
    }
    proposalSenders.push(id)
  }

  throwIfAborted(signal)
  const checked = check(state, candidate.commit, 'commit')
  if (!checked.ok) return checked.aborted
  let committerLeaf: number | undefined
  let applied: ProposalWithSender[] = []
  let newState: ClientState
  try {
    const r = await process(current, checked.message, deps, (incoming) => {
      if (incoming.kind === 'commit') {
        committerLeaf = incoming.senderLeafIndex
        applied = incoming.proposals
      }
      return 'accept'
    })
    newState = r.newState
    consumed.push(...r.consumed)
  } catch (cause) {
    return abort('mls-failure', new InvalidCommitError(String(cause), { cause }))
  }
  const committer = committerLeaf === undefined ? undefined : identityAtLeaf(state, committerLeaf)
  if (committer === undefined) {
    return abort('mls-failure', new InvalidCommitError('commit sender is not a member'))
  }
  for (const s of proposalSenders) if (!bytesEqual(s, committer)) senderMismatch = true

  const changes: MembershipChange[] = []
  let otherProposals = 0
  for (const p of applied) {
    if (p.senderLeafIndex !== committerLeaf) senderMismatch = true
    const proposal = p.proposal
    if (proposal.proposalType === 'add') {
      const cred = proposal.add.keyPackage.leafNode.credential
      if (cred.credentialType === 'basic') changes.push({ action: 'add', memberId: cred.identity })
      else otherProposals++
    } else if (proposal.proposalType === 'remove') {
      const id = identityAtLeaf(state, proposal.remove.removed)
      if (id !== undefined) changes.push({ action: 'remove', memberId: id })
      else otherProposals++
    } else {
      otherProposals++
    }
  }
  if (deps.requireIdentityBinding) {
    const unbound = unboundChangedLeaf(state, newState)
    if (unbound !== undefined) {
      return abort(
        'mls-failure',
        new InvalidCommitError(`the commit brings a leaf not bound to its member id: ${unbound.message}`, { cause: unbound }),
      )
    }
  }
  const selfRemoved = newState.groupActiveState.kind === 'removedFromGroup'
  return {
    result: {
      status: 'staged',
      committer,
      selfRemoved,
      changes: normaliseChanges(changes),
      proposalSenders,
      bundleSenderMismatch: senderMismatch,
      otherProposals,
      epoch: state.groupContext.epoch + 1n,
    },
    newState: { ...newState, clientConfig: deps.clientConfig },
    consumed,
  }
}

/**
 * The first leaf of `after` that is new or changed (credential, signature
 * key or extensions) relative to `before` and is not bound to its member id:
 * added members, and any leaf an update path or Update proposal replaces.
 */
function unboundChangedLeaf(before: ClientState, after: ClientState): IdentityBindingError | undefined {
  const tree = after.ratchetTree
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree[i]
    if (node?.nodeType !== 'leaf') continue
    const old = before.ratchetTree[i]
    const leaf = node.leaf
    if (old?.nodeType === 'leaf' && sameBinding(old.leaf, leaf)) continue
    const failure = leafBindingFailure(leaf)
    if (failure !== undefined) {
      const id = leaf.credential.credentialType === 'basic' ? leaf.credential.identity : new Uint8Array(0)
      return new IdentityBindingError(failure, id)
    }
  }
  return undefined
}

type TreeLeaf = Extract<ClientState['ratchetTree'][number], { nodeType: 'leaf' }>['leaf']

function sameBinding(a: TreeLeaf, b: TreeLeaf): boolean {
  if (!bytesEqual(a.signaturePublicKey, b.signaturePublicKey)) return false
  const ca = a.credential
  const cb = b.credential
  if (ca.credentialType !== 'basic' || cb.credentialType !== 'basic' || !bytesEqual(ca.identity, cb.identity)) return false
  if (a.extensions.length !== b.extensions.length) return false
  return a.extensions.every(
    (e, i) => e.extensionType === b.extensions[i]?.extensionType && bytesEqual(e.extensionData, b.extensions[i]!.extensionData),
  )
}
