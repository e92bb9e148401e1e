import { throwIfAborted, toHex } from '@demls/wire'
import type { ClientState, PrivateMessage } from '#ts-mls'
import type { SecretTree } from '#ts-mls/secretTree.js'
import { type AuthenticatedContent, makeProposalRef } from '#ts-mls/authenticatedContent.js'
import { unprotectPrivateMessage } from '#ts-mls/messageProtection.js'
import { unprotectPublicMessage } from '#ts-mls/messageProtectionPublic.js'
import { InvalidCommitError, MlsAuthenticationError } from '../errors.js'
import type { GroupDeps } from '../group/context.js'
import { identityAtLeaf } from '../group/members.js'
import type { AbortedStage, AuthenticatedCommit } from '../types.js'
import { check } from './stage.js'

function notMember(): AbortedStage {
  return { status: 'aborted', reason: 'mls-failure', error: new InvalidCommitError('commit sender is not a member') }
}

/**
 * Authenticate a plaintext commit's sender without processing the commit:
 * it must be an MLS commit of this group and epoch sent by a member leaf:
 * a PublicMessage with a valid membership tag (only members of the epoch
 * hold its key), or a PrivateMessage that decrypts under the epoch's
 * handshake keys (on a copy of the secret tree), and in both cases a valid
 * signature by that leaf's key. Cheap next to staging (no path secrets);
 * the commit itself is judged when staged.
 */
export async function authenticateCommit(
  state: ClientState,
  bytes: Uint8Array,
  deps: GroupDeps,
  signal?: AbortSignal,
  proposals?: readonly Uint8Array[],
): Promise<AuthenticatedCommit | AbortedStage> {
  const r = await authenticateSender(state, bytes, deps, signal)
  if (r.status !== 'authenticated') return r
  if (proposals === undefined) return { status: 'authenticated', committer: r.committer }
  return (await proposalsMatch(state, r.content, proposals, deps))
    ? { status: 'authenticated', committer: r.committer }
    : {
        status: 'aborted',
        reason: 'mls-failure',
        error: new InvalidCommitError('the proposals sent with the commit are not the ones it references'),
      }
}

/**
 * Whether `proposals` (MLS proposal messages of this epoch) are exactly
 * the proposals the commit `content` references: their ProposalRefs, as a
 * set, equal the commit's references (a reference names the proposal's
 * whole authenticated content, so a match leaves nothing to swap).
 * Private proposals are decrypted on a copy of the secret tree.
 */
async function proposalsMatch(state: ClientState, content: AuthenticatedContent, proposals: readonly Uint8Array[], deps: GroupDeps): Promise<boolean> {
  if (content.content.contentType !== 'commit') return false
  const wanted = new Set<string>()
  for (const p of content.content.commit.proposals) if (p.proposalOrRefType === 'reference') wanted.add(toHex(p.reference))
  if (wanted.size !== proposals.length) return false
  let tree = state.secretTree
  const have = new Set<string>()
  for (const bytes of proposals) {
    const checked = check(state, bytes, 'proposal')
    if (!checked.ok) return false
    const m = checked.message
    let authenticated: AuthenticatedContent
    if (m.wireformat === 'mls_private_message') {
      try {
        const r = await openHandshake(state, m.privateMessage, tree, deps)
        tree = r.tree
        authenticated = r.content
      } catch {
        return false
      }
    } else if (m.wireformat === 'mls_public_message') {
      authenticated = { wireformat: 'mls_public_message', content: m.publicMessage.content, auth: m.publicMessage.auth }
    } else {
      return false
    }
    have.add(toHex(await makeProposalRef(authenticated, deps.impl.hash)))
  }
  return have.size === wanted.size && [...have].every((h) => wanted.has(h))
}

/**
 * Decrypt a private handshake message of our epoch with secret tree `tree`
 * (a copy: the caller keeps or drops the advanced tree it returns; the
 * group's own state is untouched).
 */
function openHandshake(state: ClientState, pm: PrivateMessage, tree: SecretTree, deps: GroupDeps): ReturnType<typeof unprotectPrivateMessage> {
  return unprotectPrivateMessage(state.keySchedule.senderDataSecret, pm, tree, state.ratchetTree, state.groupContext, state.clientConfig.keyRetentionConfig, deps.impl)
}

/** {@link authenticateCommit} without the proposals: the sender and the commit's authenticated content. */
async function authenticateSender(
  state: ClientState,
  bytes: Uint8Array,
  deps: GroupDeps,
  signal?: AbortSignal,
): Promise<(AuthenticatedCommit & { content: AuthenticatedContent }) | AbortedStage> {
  throwIfAborted(signal)
  const checked = check(state, bytes, 'commit')
  if (!checked.ok) return checked.aborted
  const message = checked.message
  if (message.wireformat === 'mls_private_message') {
    // Decrypted on a copy: the advanced secret tree is dropped, as when staging.
    try {
      const r = await openHandshake(state, message.privateMessage, state.secretTree, deps)
      const sender = r.content.content.sender
      const committer = sender.senderType === 'member' ? identityAtLeaf(state, sender.leafIndex) : undefined
      if (committer === undefined) return notMember()
      return { status: 'authenticated', committer, content: r.content }
    } catch (cause) {
      return { status: 'aborted', reason: 'mls-failure', error: new MlsAuthenticationError(String(cause), { cause }) }
    }
  }
  if (message.wireformat !== 'mls_public_message') return notMember()
  const pm = message.publicMessage
  const sender = pm.content.sender
  if (pm.senderType !== 'member' || sender.senderType !== 'member') return notMember()
  const committer = identityAtLeaf(state, sender.leafIndex)
  if (committer === undefined) return notMember()
  try {
    await unprotectPublicMessage(state.keySchedule.membershipKey, state.groupContext, state.ratchetTree, pm, deps.impl)
  } catch (cause) {
    return { status: 'aborted', reason: 'mls-failure', error: new MlsAuthenticationError(String(cause), { cause }) }
  }
  return { status: 'authenticated', committer, content: { wireformat: 'mls_public_message', content: pm.content, auth: pm.auth } }
}
