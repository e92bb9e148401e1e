import type { JoinProgress } from '@demls/session'
import { type ConversationUpdateRequest, DemlsError, toHex } from '@demls/wire'

/** How a member id reads on screen: `you`, or `0x1234…abcd`. */
export function who(id: Uint8Array | string, self: string): string {
  const hex = typeof id === 'string' ? id.replace(/^0x/, '') : toHex(id)
  if (hex === self) return 'you'
  return `0x${hex.slice(0, 4)}…${hex.slice(-4)}`
}

/** What a proposal asks, in a few words. */
export function describe(r: ConversationUpdateRequest | undefined, self: string): string {
  if (r?.payload === 'memberInvite' && r.memberInvite) return `add ${who(r.memberInvite.memberId, self)}`
  if (r?.payload === 'removeMember' && r.removeMember) return `remove ${who(r.removeMember.memberId, self)}`
  if (r?.payload === 'stewardElection' && r.stewardElection) {
    return `elect stewards ${r.stewardElection.proposedStewards.map((m) => who(m, self)).join(', ')}`
  }
  if (r?.payload === 'emergencyCriteria') return 'emergency proposal'
  return 'proposal'
}

/** The line a join phase shows, or undefined for repeats a person does not need. */
export function joinLine(p: JoinProgress): string | undefined {
  switch (p.phase) {
    case 'probing':
      return p.probesSent <= 1 ? 'looking for members…' : undefined
    case 'beacon':
      return 'a member answered'
    case 'knocking':
      return p.knocks <= 1 ? 'knocked: waiting for a member to let you in' : undefined
    case 'let-in':
      return 'a member let you in: joining'
    case 'announcing':
      return 'key package announced, waiting for the vote'
    case 'acked':
      return 'a steward is proposing you'
    case 'admitted':
      return 'the group voted you in'
    case 'welcomed':
      return 'welcome received'
    case 'ready':
      return `you are in (${p.memberCount} members)`
    case 'welcome-dropped':
      return 'ignored an unusable welcome'
    default:
      return undefined
  }
}

/** A sentence for a failed action: what went wrong and what to do. */
export function explain(err: unknown, group: string | undefined): string {
  const code = err instanceof DemlsError ? err.code : undefined
  switch (code) {
    case 'NO_READY_PEERS':
      return `nobody in ${group} answered: is a member online? (open the page with ?peer=<address of a member>)`
    case 'JOIN_REJECTED': {
      const reason = (err as { reason?: string }).reason
      if (reason === 'not-invited') return `you were not invited to ${group}: ask a member for an invite link, or press Knock to ask to be let in`
      if (reason === 'link-spent') return `your invite link to ${group} has no uses left: ask a member for a new one, or press Knock`
      if (reason === 'link-expired') return `your invite link to ${group} expired: ask a member for a new one, or press Knock`
      if (reason === 'link-revoked') return `your invite link to ${group} was revoked: ask a member for a new one, or press Knock`
      if (reason === 'link-invalid') return `your invite link to ${group} does not verify: ask a member for a new one`
      if (reason === 'key-package-expired') return `the members of ${group} approved you, but your join expired before they committed it; press Join again`
      return `the members of ${group} voted against you joining`
    }
    case 'KNOCK_REFUSED':
      return (err as { reason?: string }).reason === 'knock-declined'
        ? `a member of ${group} declined your knock: ask a member why, or for an invite link`
        : `nobody in ${group} let you in before your knock expired: knock again later, or ask for an invite link`
    case 'INVALID_INVITE_LINK':
      return 'that is not an invite link: paste the whole demls:… line'
    case 'WELCOME_TIMEOUT':
      return `the members of ${group} answered but no welcome came in time; press Join again`
    case 'CONVERSATION_EXISTS':
      return `you are already in ${group} (or joining it)`
    case 'CONVERSATION_CLOSED':
      return `you are no longer a member of ${group}`
    case 'CONVERSATION_BLOCKED':
      return `${group} is changing epoch; try again in a moment`
    case 'INVALID_CONVERSATION_ID':
      return `"${group}" is not a valid group name (no spaces or slashes, at most 128 bytes)`
    case 'SESSION_NOT_FOUND':
    case 'SESSION_NOT_ACTIVE':
      return 'that proposal is not open any more'
    case 'ALREADY_VOTED':
      return 'you already voted on that proposal'
    default:
      if (err instanceof DemlsError) return err.shortMessage
      return err instanceof Error ? err.message : String(err)
  }
}
