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
  /** Where others can reach us (put into the invite links we create). */
  addresses(): string[]
  /** Connect to an address an invite link carries. */
  dial(address: string, options: { signal?: AbortSignal }): Promise<unknown>
}

/** How long a join or a knock waits (ms). */
const JOIN_TIMEOUT_MS = 60_000
/** How long a knock waits for a member to let us in (ms). */
const KNOCK_WAIT_MS = 10 * 60_000

export const HELP = `commands:
  /create <group>           create a group (you are its only member and steward)
  /join <group>             join a group (a member must invite you first); shows each step
  /join <link>              join with an invite link (demls:…): nothing else to type
  /knock <group> [note]     ask the members of a group to let you in (no invitation needed)
  /link [uses] [hours]      create an invite link to the current group (default: 1 use, 24 hours)
  /invite <member id>       vouch for someone joining the current group (their full 0x… id)
  /knocks                   who is knocking on the current group
  /let <who>                let a knocker in (its id as shown, or the knock id)
  /decline <who>            decline a knock
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
export function explain(err: unknown, groupGiven: string | undefined): string {
  const code = err instanceof DemlsError ? err.code : undefined
  // A join or a knock names its group (a link join's group is in the link, not on the line typed).
  const named = (err as { conversationId?: unknown } | undefined)?.conversationId
  const group = typeof named === 'string' ? named : groupGiven
  switch (code) {
    case 'NO_READY_PEERS':
      return `nobody in ${group} answered: is a member online? (start with --peer <address of a member>)`
    case 'JOIN_REJECTED': {
      const reason = (err as { reason?: string }).reason
      if (reason === 'not-invited') {
        return `you were not invited to ${group}: ask a member for an invite link (/link) and /join <link>, or /knock ${group} to ask to be let in`
      }
      if (reason === 'key-package-expired') return `the members of ${group} approved you, but your join expired before they committed it; /join ${group} again`
      if (reason === 'link-spent') return `your invite link to ${group} has no uses left: ask a member for a new one (/link), or /knock ${group}`
      if (reason === 'link-expired') return `your invite link to ${group} expired: ask a member for a new one (/link), or /knock ${group}`
      if (reason === 'link-revoked') return `your invite link to ${group} was revoked (or its creator left): ask a member for a new one, or /knock ${group}`
      if (reason === 'link-invalid') return `your invite link to ${group} does not verify (altered or copied wrong): ask a member for a new one`
      return `the members of ${group} voted against you joining (ask a member for an invite link, or /knock ${group})`
    }
    case 'KNOCK_REFUSED': {
      const reason = (err as { reason?: string }).reason
      if (reason === 'knock-declined') return `a member of ${group} declined your knock: ask a member why, or for an invite link`
      return `nobody in ${group} let you in before your knock expired: /knock ${group} again later, or ask a member for an invite link`
    }
    case 'UNKNOWN_KNOCK':
      return `nobody with that id is knocking on ${group} (see /knocks)`
    case 'INVALID_INVITE_LINK':
      return `that is not an invite link (it starts with demls: and is one line): ${(err as DemlsError).shortMessage}`
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
      const target = need(args[0], 'group name or invite link')
      if (target.startsWith('demls:')) {
        await joinByLink(s, target)
        return
      }
      s.print(`joining ${target}…`)
      await s.user.join(target, { timeoutMs: JOIN_TIMEOUT_MS })
      s.current = target
      return
    }
    case '/knock': {
      const group = need(args[0], 'group name')
      const note = args.slice(1).join(' ')
      s.print(`knocking on ${group}…`)
      await s.user.knock(group, { note, expiresInMs: KNOCK_WAIT_MS, timeoutMs: JOIN_TIMEOUT_MS })
      s.current = group
      return
    }
    case '/link': {
      const h = handleOf(s)
      const uses = args[0] === undefined ? 1 : Number(args[0])
      const hours = args[1] === undefined ? 24 : Number(args[1])
      if (!Number.isInteger(uses) || uses < 1 || !(hours > 0)) throw new Error('usage: /link [uses] [hours] (whole uses from 1, hours above 0)')
      const addresses = s.addresses().filter((a) => new TextEncoder().encode(a).length <= 128).slice(0, 4)
      const created = await h.createInviteLink({ uses, expiresInMs: Math.round(hours * 3_600_000), addresses })
      s.print(`invite link to ${s.current} (${uses} use(s), until ${new Date(created.expiresAt).toISOString()}): whoever has it can join with /join <link> or demls-chat --join <link>`)
      s.print(created.link)
      return
    }
    case '/knocks': {
      const h = handleOf(s)
      const open = h.knocks()
      s.print(open.length === 0 ? `nobody is knocking on ${s.current}` : open.map((k) => `  ${who(k.knocker, self)} ${JSON.stringify(k.note)} (knock ${k.id.slice(0, 8)}): /let ${who(k.knocker, self)} or /decline ${who(k.knocker, self)}`).join('\n'))
      return
    }
    case '/let':
    case '/decline': {
      const h = handleOf(s)
      const knock = knockArg(h, args[0])
      if (cmd === '/let') {
        await h.letIn(knock.id)
        s.print(`let ${who(knock.knocker, self)} in: invited; the group admits them as they join`)
      } else {
        await h.decline(knock.id)
        s.print(`declined ${who(knock.knocker, self)}`)
      }
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

/** Join with an invite link: connect to the addresses it carries, then join (its proof travels with the announcement). */
async function joinByLink(s: Session, link: string): Promise<void> {
  const { parseInviteLink } = await import('@demls/session')
  const parsed = parseInviteLink(link)
  s.print(`joining ${parsed.conversationId} with an invite link…`)
  await s.user.joinByLink(link, {
    timeoutMs: JOIN_TIMEOUT_MS,
    connect: async (addresses, options) => {
      for (const a of addresses) await s.dial(a, options).catch(() => undefined)
    },
  })
  s.current = parsed.conversationId
}

/** An open knock from a knocker id (full or the shown prefix `0x1234…abcd`) or a knock id prefix. */
function knockArg(h: ConversationHandle, arg: string | undefined) {
  if (arg === undefined) throw new Error('who? give the knocker as shown (see /knocks)')
  const clean = arg.toLowerCase().replace(/^0x/, '')
  const [head, tail] = clean.split('…')
  const matches = h.knocks().filter((k) => {
    const id = toHex(k.knocker)
    if (tail !== undefined) return id.startsWith(head!) && id.endsWith(tail)
    return id.startsWith(clean) || k.id.startsWith(clean)
  })
  if (matches.length === 1) return matches[0]!
  throw new Error(matches.length === 0 ? `nobody knocking matches ${arg} (see /knocks)` : `${arg} is ambiguous: give more digits`)
}

function need(v: string | undefined, what: string): string {
  if (v === undefined) throw new Error(`missing ${what}`)
  return v
}
