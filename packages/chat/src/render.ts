import type { JoinProgress, UserEvent } from '@demls/session'
import type { ConversationUpdateRequest } from '@demls/wire'
import { toHex } from '@demls/wire'

/** How a member id reads on screen: `you`, or `0x1234…abcd`. */
export function who(id: Uint8Array | string, self: Uint8Array): string {
  const hex = typeof id === 'string' ? id.replace(/^0x/, '') : toHex(id)
  if (hex === toHex(self)) return 'you'
  return `0x${hex.slice(0, 4)}…${hex.slice(-4)}`
}

/** One line for a proposal's request. */
export function describe(r: ConversationUpdateRequest | undefined, self: Uint8Array): string {
  if (r?.payload === 'memberInvite' && r.memberInvite) return `add ${who(r.memberInvite.memberId, self)}`
  if (r?.payload === 'removeMember' && r.removeMember) return `remove ${who(r.removeMember.memberId, self)}`
  if (r?.payload === 'stewardElection' && r.stewardElection) {
    return `elect stewards [${r.stewardElection.proposedStewards.map((m) => who(m, self)).join(', ')}]`
  }
  if (r?.payload === 'emergencyCriteria') return 'emergency proposal'
  return 'proposal'
}

/**
 * The line an event prints, or undefined for what a person does not need
 * to see (dropped gossip duplicates, freeze progress, phase changes).
 */
export function renderEvent(e: UserEvent, self: Uint8Array): string | undefined {
  const room = `[${e.conversationId}]`
  switch (e.type) {
    case 'message':
      return `${room} ${who(e.sender, self)}: ${new TextDecoder().decode(e.body)}`
    case 'vote-requested':
      return `${room} vote requested on #${e.proposalId}: ${describe(e.request, self)} (answer with /vote ${e.proposalId} yes|no, or the group decides)`
    case 'own-proposal-submitted':
      return `${room} you proposed #${e.proposalId}: ${describe(e.request, self)}`
    case 'consensus-reached':
      return `${room} #${e.proposalId} ${describe(e.request, self)}: ${e.approved ? 'approved' : 'rejected'}`
    case 'commit-applied':
      return e.empty ? undefined : `${room} epoch ${e.epoch} committed by ${who(e.committer, self)}`
    case 'invite':
      return `${room} ${who(e.inviter, self)} invited ${who(e.invitee, self)}`
    case 'member-joined':
      return `${room} ${who(e.memberId, self)} joined`
    case 'member-left':
      return `${room} ${who(e.memberId, self)} left`
    case 'leaving':
      return `${room} you are no longer a member`
    case 'mode-change':
      return `${room} the group is now in ${e.mode} mode`
    case 'fork-healed':
    case 'rejoined':
      return `${room} rejoined the group's branch at epoch ${e.epoch}`
    case 'stranded':
      return `${room} your join landed on a commit the group abandoned: asking to be admitted again`
    case 'backfill':
      // Only news: a reply whose messages had reached us already (live, or from another member) recovered none.
      return e.messages > 0 ? `${room} recovered ${e.messages} message(s) sent while you were away` : undefined
    case 'knock':
      return `${room} ${who(e.knocker, self)} is knocking${e.note === '' ? '' : `: ${JSON.stringify(e.note)}`} (answer with /let ${who(e.knocker, self)} or /decline ${who(e.knocker, self)})`
    case 'knock-answered':
      return `${room} ${who(e.member, self)} ${e.answer === 'let-in' ? 'let in' : 'declined'} ${who(e.knocker, self)}`
    case 'error':
      return `${room} error (${e.operation}): ${'shortMessage' in e.error ? (e.error as { shortMessage: string }).shortMessage : e.error.message}`
    default:
      return undefined
  }
}

/** One line per join phase, as a person follows a join. */
export function renderJoin(p: JoinProgress): string | undefined {
  const at = `[${p.conversationId}] join:`
  switch (p.phase) {
    case 'probing':
      return p.probesSent <= 1 ? `${at} looking for members…` : undefined
    case 'beacon':
      return `${at} a member answered`
    case 'knocking':
      return p.knocks <= 1 ? `${at} knocked; waiting for a member to let you in` : undefined
    case 'let-in':
      return `${at} a member let you in (0x${toHex(p.member).slice(0, 4)}…); joining`
    case 'announcing':
      return `${at} key package announced, waiting for the vote`
    case 'acked':
      return `${at} a steward is proposing you`
    case 'admitted':
      return `${at} the group voted you in`
    case 'welcomed':
      return `${at} welcome received`
    case 'ready':
      return `${at} you are in (${p.memberCount} members)`
    case 'welcome-dropped':
      return `${at} ignored an unusable welcome`
    default:
      return undefined
  }
}
