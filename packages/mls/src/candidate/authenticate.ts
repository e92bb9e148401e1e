import { throwIfAborted } from '@demls/wire'
import type { ClientState } from 'ts-mls'
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js'
import { unprotectPublicMessage } from 'ts-mls/messageProtectionPublic.js'
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
): Promise<AuthenticatedCommit | AbortedStage> {
  throwIfAborted(signal)
  const checked = check(state, bytes, 'commit')
  if (!checked.ok) return checked.aborted
  const message = checked.message
  if (message.wireformat === 'mls_private_message') {
    // Decrypted on a copy: the advanced secret tree is dropped, as when staging.
    try {
      const r = await unprotectPrivateMessage(
        state.keySchedule.senderDataSecret,
        message.privateMessage,
        state.secretTree,
        state.ratchetTree,
        state.groupContext,
        state.clientConfig.keyRetentionConfig,
        deps.impl,
      )
      const sender = r.content.content.sender
      const committer = sender.senderType === 'member' ? identityAtLeaf(state, sender.leafIndex) : undefined
      if (committer === undefined) return notMember()
      return { status: 'authenticated', committer }
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
  return { status: 'authenticated', committer }
}
