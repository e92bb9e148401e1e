/**
 * The browser chat page. It starts a demls `User` on the browser entry of
 * `@demls/transport-gossipsub` (WebSockets to the Node peers given as
 * `?peer=` in the URL), with its state in IndexedDB (`levelStorage` of
 * `@demls/storage`, encrypted by default: `User.create` unlocks it with a
 * key derived from the private key kept in localStorage), and draws groups, members, proposals, chat and join
 * progress with plain DOM. `?profile=<name>` picks another identity (one
 * tab per profile), `?group=<name>` fills in the group field.
 */
import { User, type UserEvent, parseInviteLink } from '@demls/session'
import { deriveStorageKey, levelStorage } from '@demls/storage'
import { gossipsubTransport } from '@demls/transport-gossipsub'
import { systemClock, toHex } from '@demls/wire'
import { CHAT_TIMING } from '../timing.js'
import { byId } from './dom.js'
import { ChatHistory } from './history.js'
import { loadOrCreateKey } from './identity.js'
import { render, renderNet, showError, type View } from './render.js'
import { GroupViews } from './state.js'
import { describe, explain, joinLine, who } from './words.js'

const params = new URLSearchParams(location.search)
const profile = params.get('profile') ?? 'default'
const PEERS_ITEM = `demls-browser-chat/${profile}/peers`

/** Hold this profile's lock for the page's lifetime: two tabs on one identity and database would fight. */
let locked: Promise<void> | undefined
function lockProfile(): Promise<void> {
  locked ??= new Promise<void>((acquired, fail) => {
    navigator.locks
      .request(`demls-browser-chat/${profile}`, { signal: AbortSignal.timeout(3_000) }, () => {
        acquired()
        return new Promise<never>(() => undefined)
      })
      .catch(() => {
        locked = undefined
        fail(new Error(`profile "${profile}" is open in another tab: close it, or open this page with &profile=<another name>`))
      })
  })
  return locked
}

async function start(peers: string[]): Promise<void> {
  await lockProfile()
  const { privateKey, created } = loadOrCreateKey(localStorage, profile)
  // The protocol state: encrypted at rest by default, User.create unlocks it with a key derived from privateKey.
  const storage = await levelStorage({ location: `demls-browser-chat/${profile}/state` })
  // The page's own chat history is not handed to User.create, so it gets the same derived key explicitly.
  const history = await ChatHistory.open(
    await levelStorage({ location: `demls-browser-chat/${profile}/history`, encryptionKey: await deriveStorageKey(privateKey) }),
  )
  const transport = gossipsubTransport({ bootstrap: peers, dialInsecure: true })
  const user = await User.create({ privateKey, transport, clock: systemClock, storage, config: CHAT_TIMING })
  const self = toHex(user.memberId)
  localStorage.setItem(PEERS_ITEM, JSON.stringify(peers))

  const groups = new GroupViews()
  const v: View = {
    user,
    transport,
    self,
    history,
    groups,
    current: user.conversations()[0],
    vote(id, yes) {
      const g = v.current
      const h = g === undefined ? undefined : user.conversation(g)
      if (g === undefined || h === undefined) return
      groups.setProposal(g, id, undefined, `you voted ${yes ? 'yes' : 'no'}`)
      render(v)
      h.vote(id, yes).catch((err) => fail(err, g))
    },
    select(g) {
      v.current = g
      render(v)
    },
    answerKnock(id, letIn) {
      const g = v.current
      const h = g === undefined ? undefined : user.conversation(g)
      if (g === undefined || h === undefined) return
      ;(letIn ? h.letIn(id) : h.decline(id)).then(
        (knocker) => {
          groups.addActivity(g, letIn ? `you let ${who(toHex(knocker), self)} in: the group admits them as they join` : `you declined ${who(toHex(knocker), self)}`)
          render(v)
        },
        (err) => fail(err, g),
      )
    },
  }
  const fail = (err: unknown, group: string | undefined) => {
    showError(explain(err, group))
    render(v)
  }

  byId('me').textContent = `${created ? 'new identity' : 'you are'} 0x${self}${profile === 'default' ? '' : ` (profile ${profile})`}`
  const other = byId<HTMLAnchorElement>('other-tab')
  const next = new URL(location.href)
  next.searchParams.set('profile', `tab-${Math.random().toString(36).slice(2, 7)}`)
  other.href = next.toString()
  other.hidden = false
  byId('connect-panel').hidden = true
  byId('group-panel').hidden = false
  for (const g of user.conversations()) groups.addActivity(g, `back in ${g} at epoch ${user.conversation(g)?.epoch()}`)
  for (const e of user.unreadableConversations()) showError(`a saved group could not be read: ${e.shortMessage}`)

  user.events$.subscribe((e) => {
    onEvent(v, e)
    render(v)
  })
  user.joinProgress$.subscribe((p) => {
    const line = joinLine(p)
    if (line === undefined) return
    groups.addJoinLine(p.conversationId, line)
    if (v.current === p.conversationId) render(v)
  })
  setInterval(() => renderNet(v), 1_000)

  const groupInput = byId<HTMLInputElement>('group-input')
  byId('create').addEventListener('click', () => {
    const g = groupInput.value.trim()
    if (g === '') return showError('type a group name first')
    user.createConversation(g).then(
      () => {
        v.current = g
        groups.addActivity(g, `you created ${g}; you are its only member and steward`)
        render(v)
      },
      (err) => fail(err, g),
    )
  })
  byId('group-form').addEventListener('submit', (ev) => {
    ev.preventDefault()
    const g = groupInput.value.trim()
    if (g === '') return showError('type a group name first')
    const button = byId<HTMLButtonElement>('join')
    button.disabled = true
    v.current = g
    groups.resetJoin(g)
    groups.addJoinLine(g, `joining ${g}…`)
    render(v)
    user
      .join(g, { timeoutMs: 60_000 })
      .catch((err) => fail(err, g))
      .finally(() => {
        button.disabled = false
        render(v)
      })
  })
  byId('knock').addEventListener('click', () => {
    const g = groupInput.value.trim()
    if (g === '') return showError('type a group name first')
    v.current = g
    groups.resetJoin(g)
    groups.addJoinLine(g, `knocking on ${g}…`)
    render(v)
    user.knock(g, { timeoutMs: 60_000 }).catch((err) => fail(err, g)).finally(() => render(v))
  })
  byId('link-form').addEventListener('submit', (ev) => {
    ev.preventDefault()
    const link = byId<HTMLInputElement>('link-input').value.trim()
    let g: string
    try {
      g = parseInviteLink(link).conversationId
    } catch (err) {
      return fail(err, undefined)
    }
    v.current = g
    groups.resetJoin(g)
    groups.addJoinLine(g, `joining ${g} with an invite link…`)
    render(v)
    user
      .joinByLink(link, { timeoutMs: 60_000, connect: async (addresses) => void (await Promise.allSettled(addresses.map((a) => transport.dial(a)))) })
      .catch((err) => fail(err, g))
      .finally(() => render(v))
  })
  byId('create-link').addEventListener('click', () => {
    const g = v.current
    const h = g === undefined ? undefined : user.conversation(g)
    if (g === undefined || h === undefined) return
    // Our addresses, if this browser has any a peer can dial (it usually has none: the group is reached through the peers we know).
    const addresses = transport.multiaddrs().map(String).filter((a) => a.length <= 128).slice(0, 4)
    h.createInviteLink({ uses: 1, expiresInMs: 24 * 3_600_000, addresses }).then(
      (created) => {
        byId<HTMLInputElement>('link-output').value = created.link
        groups.addActivity(g, `invite link created (1 use, until ${new Date(created.expiresAt).toLocaleString()}): whoever has it can join`)
        render(v)
      },
      (err) => fail(err, g),
    )
  })
  byId('send-form').addEventListener('submit', (ev) => {
    ev.preventDefault()
    const input = byId<HTMLInputElement>('message-input')
    const text = input.value.trim()
    const g = v.current
    const h = g === undefined ? undefined : user.conversation(g)
    if (text === '' || g === undefined) return
    if (h === undefined) return showError(`you are not a member of ${g}`)
    input.value = ''
    h.sendMessage(new TextEncoder().encode(text)).then(
      () => history.add(g, { from: self, text, at: Date.now() }).then(() => render(v)),
      (err) => {
        input.value = text
        fail(err, g)
      },
    )
  })
  byId('leave').addEventListener('click', () => {
    const g = v.current
    const h = g === undefined ? undefined : user.conversation(g)
    if (g === undefined || h === undefined) return
    h.leave().then(
      (proposed) => {
        groups.addActivity(g, proposed ? `leaving ${g}: the group votes and a steward commits your removal` : `your removal from ${g} is already under way`)
        render(v)
      },
      (err) => fail(err, g),
    )
  })
  render(v)
}

/** Turn one protocol event into what the page keeps (chat, proposals, activity lines, errors). */
function onEvent(v: View, e: UserEvent): void {
  const g = e.conversationId
  const { groups, self } = v
  switch (e.type) {
    case 'message':
      void v.history.add(g, { from: toHex(e.sender), text: new TextDecoder().decode(e.body), at: Date.now(), id: toHex(e.id) }).then(() => render(v))
      return
    case 'vote-requested':
      groups.setProposal(g, e.proposalId, describe(e.request, self), 'open')
      groups.addActivity(g, `vote requested on #${e.proposalId}: ${describe(e.request, self)} (Yes or No; without an answer you vote yes after 10 s)`)
      return
    case 'own-proposal-submitted':
      groups.setProposal(g, e.proposalId, describe(e.request, self), 'your proposal')
      return
    case 'consensus-reached': {
      const outcome = e.approved ? 'approved' : e.failed ? 'rejected (undecided at the timeout)' : 'rejected'
      if (groups.proposal(g, e.proposalId) !== undefined || e.request !== undefined) {
        groups.setProposal(g, e.proposalId, describe(e.request, self), e.approved ? 'approved' : 'rejected')
      }
      groups.addActivity(g, `#${e.proposalId} ${describe(e.request, self)}: ${outcome}`)
      return
    }
    case 'commit-applied':
      if (!e.empty) groups.addActivity(g, `epoch ${e.epoch} committed by ${who(e.committer, self)}`)
      return
    case 'member-joined':
      groups.addActivity(g, `${who(e.memberId, self)} joined`)
      return
    case 'member-left':
      groups.addActivity(g, `${who(e.memberId, self)} left`)
      return
    case 'leaving':
      groups.addActivity(g, `you are no longer a member of ${g}`)
      return
    case 'conversation-removed':
      if (v.current === g) v.current = v.user.conversations()[0] ?? g
      return
    case 'backfill':
      // A reply whose messages had reached us already (live) recovered nothing new: not worth a line.
      if (e.messages > 0) groups.addActivity(g, `recovered ${e.messages} message(s) sent while you were away`)
      return
    case 'knock':
      groups.addActivity(g, `${who(toHex(e.knocker), self)} is knocking${e.note === '' ? '' : `: “${e.note}”`} (Let in or Decline)`)
      return
    case 'knock-answered':
      groups.addActivity(g, `${who(toHex(e.member), self)} ${e.answer === 'let-in' ? 'let in' : 'declined'} ${who(toHex(e.knocker), self)}`)
      return
    case 'mode-change':
      groups.addActivity(g, `the group is now in ${e.mode} mode`)
      return
    case 'fork-healed':
    case 'rejoined':
      groups.addActivity(g, `rejoined the group's branch at epoch ${e.epoch}`)
      return
    case 'stranded':
      groups.addActivity(g, 'the commit that admitted you was abandoned: asking to be admitted again')
      return
    case 'error':
      showError(`${g}: ${e.operation} failed: ${explain(e.error, g)}`)
      return
    default:
      return
  }
}

/** Start at once when the URL (or this profile's last visit) names a peer; else ask for one. */
function boot(): void {
  const saved = JSON.parse(localStorage.getItem(PEERS_ITEM) ?? '[]') as string[]
  const peers = params.getAll('peer').filter((p) => p.trim() !== '')
  byId<HTMLInputElement>('group-input').value = params.get('group') ?? ''
  const go = (list: string[]) => {
    byId('me').textContent = 'starting…'
    start(list).catch((err) => {
      byId('me').textContent = 'not started'
      byId('connect-panel').hidden = false
      showError(`cannot start: ${explain(err, undefined)}`)
    })
  }
  byId('connect-form').addEventListener('submit', (ev) => {
    ev.preventDefault()
    const addr = byId<HTMLInputElement>('peer-input').value.trim()
    if (!addr.includes('/ws')) return showError('give a WebSockets address of a Node peer (…/tcp/<port>/ws/p2p/…)')
    byId('connect-panel').hidden = true
    go([addr])
  })
  const list = peers.length > 0 ? peers : saved
  if (list.length > 0) go(list)
  else {
    byId('me').textContent = 'not started'
    byId('connect-panel').hidden = false
  }
}

boot()
