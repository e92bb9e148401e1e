import type { ConversationHandle, User } from '@demls/session'
import { DemlsError, fromHex, toHex } from '@demls/wire'
import { who } from './render.js'

/** What a command needs: the user, where to print, and the current group. */
export interface Session {
  user: User
  print(line: string): void
  current: string | undefined
  /** Stop everything and exit. */
  quit(): Promise<void>
}

export const HELP = `commands:
  /create <group>           create a group (you are its only member and steward)
  /join <group>             join a group (a member must invite you first); shows each step
  /invite <member id>       vouch for someone joining the current group (their full 0x… id)
  /use <group>              talk in another of your groups
  /groups                   the groups you are in
  /members                  members of the current group, with roles and scores
  /remove <member id>       propose removing a member (0x… or the shown prefix)
  /vote <proposal> yes|no   vote on a proposal you were asked about
  /leave                    leave the current group
  /id                       your member id and addresses
  /quit                     exit (your groups and history stay on disk)
  /help                     this text
anything else is sent as a message to the current group`

/** A person-readable sentence for an error of the library. */
export function explain(err: unknown, group: string | undefined): string {
  const code = err instanceof DemlsError ? err.code : undefined
  switch (code) {
    case 'NO_READY_PEERS':
      return `nobody in ${group} answered: is a member online? (start with --peer <address of a member>)`
    case 'JOIN_REJECTED': {
      const reason = (err as { reason?: string }).reason
      if (reason === 'not-invited') return `you were not invited to ${group}: ask a member to /invite you (they need your /id), then /join ${group} again`
      if (reason === 'key-package-expired') return `the members of ${group} approved you, but your join expired before they committed it; /join ${group} again`
      return `the members of ${group} voted against you joining (ask a member to /invite you first)`
    }
    case 'ALREADY_MEMBER':
      return `they are already a member of ${group}`
    case 'WELCOME_TIMEOUT':
      return `the members of ${group} answered but no welcome came in time; try /join ${group} again`
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

function handleOf(s: Session): ConversationHandle {
  if (s.current === undefined) throw new Error('no current group: /create <group>, /join <group> or /use <group>')
  const h = s.user.conversation(s.current)
  if (h === undefined) throw new Error(`you are not a member of ${s.current}`)
  return h
}

/** A member of the current group from a full id or a shown prefix (`0x1234…` / `1234`). */
function memberArg(h: ConversationHandle, arg: string | undefined): Uint8Array {
  if (arg === undefined) throw new Error('which member? give its id (see /members)')
  const clean = arg.replace(/^0x/, '').replace(/….*$/, '').toLowerCase()
  if (/^[0-9a-f]{40}$/.test(clean)) return fromHex(clean)
  const matches = h.members().filter((m) => toHex(m).startsWith(clean))
  if (matches.length === 1) return matches[0]!
  throw new Error(matches.length === 0 ? `no member starts with ${arg}` : `${arg} is ambiguous: give more digits`)
}

/** Run one line typed by the person. */
export async function run(s: Session, line: string): Promise<void> {
  const text = line.trim()
  if (text.length === 0) return
  if (!text.startsWith('/')) {
    await handleOf(s).sendMessage(new TextEncoder().encode(text))
    return
  }
  const [cmd, ...args] = text.split(/\s+/)
  const self = s.user.memberId
  switch (cmd) {
    case '/help':
      s.print(HELP)
      return
    case '/id':
      s.print(`you are 0x${toHex(self)}`)
      return
    case '/create': {
      const group = need(args[0], 'group name')
      await s.user.createConversation(group)
      s.current = group
      s.print(`created ${group}; you are its only member and steward`)
      return
    }
    case '/join': {
      const group = need(args[0], 'group name')
      s.print(`joining ${group}…`)
      await s.user.join(group, { timeoutMs: 60_000 })
      s.current = group
      return
    }
    case '/use': {
      const group = need(args[0], 'group name')
      if (s.user.conversation(group) === undefined) throw new Error(`you are not a member of ${group}`)
      s.current = group
      s.print(`now talking in ${group}`)
      return
    }
    case '/groups': {
      const groups = s.user.conversations()
      s.print(groups.length === 0 ? 'you are in no group' : groups.map((g) => `${g === s.current ? '*' : ' '} ${g}`).join('\n'))
      return
    }
    case '/members': {
      const h = handleOf(s)
      const scores = new Map(h.conversation.memberScores().map((e) => [toHex(e.memberId), e.score]))
      const rows = h.memberRoles().map((r) => `  ${who(r.memberId, self).padEnd(14)} ${r.role.padEnd(14)} score ${scores.get(toHex(r.memberId)) ?? '-'}  0x${toHex(r.memberId)}`)
      s.print(`${s.current}: ${rows.length} member(s), epoch ${h.epoch()}\n${rows.join('\n')}`)
      return
    }
    case '/invite': {
      const h = handleOf(s)
      const clean = need(args[0], 'member id').replace(/^0x/, '').toLowerCase()
      if (!/^[0-9a-f]{40}$/.test(clean)) throw new Error('give the full member id to invite (0x followed by 40 hex digits)')
      await h.invite(fromHex(clean))
      s.print(`invited 0x${clean} to ${s.current}: they can /join ${s.current} now (the invitation lasts 24 hours)`)
      return
    }
    case '/remove': {
      const h = handleOf(s)
      const target = memberArg(h, args[0])
      const id = await h.removeMember(target)
      s.print(id === undefined ? `a removal of ${who(target, self)} is already under way` : `proposed removing ${who(target, self)} (#${id})`)
      return
    }
    case '/vote': {
      const h = handleOf(s)
      const id = Number(need(args[0], 'proposal number'))
      const choice = args[1]?.toLowerCase()
      if (!Number.isInteger(id) || (choice !== 'yes' && choice !== 'no')) throw new Error('usage: /vote <proposal> yes|no')
      await h.vote(id, choice === 'yes')
      s.print(`voted ${choice} on #${id}`)
      return
    }
    case '/leave': {
      const h = handleOf(s)
      await h.leave()
      s.print(`leaving ${s.current}: a steward commits your removal`)
      return
    }
    case '/quit':
      await s.quit()
      return
    default:
      throw new Error(`unknown command ${cmd} (/help lists them)`)
  }
}

function need(v: string | undefined, what: string): string {
  if (v === undefined) throw new Error(`missing ${what}`)
  return v
}
