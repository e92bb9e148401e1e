import type { User } from '@demls/session'
import type { GossipsubTransport } from '@demls/transport-gossipsub'
import { toHex } from '@demls/wire'
import { byId, el, fill } from './dom.js'
import type { ChatHistory } from './history.js'
import type { GroupViews } from './state.js'
import { who } from './words.js'

/** Everything the page draws from. */
export interface View {
  user: User
  transport: GossipsubTransport
  self: string
  history: ChatHistory
  groups: GroupViews
  current: string | undefined
  /** Vote on a proposal of the current group (the buttons call it). */
  vote(id: number, yes: boolean): void
  /** Switch to another of our groups. */
  select(group: string): void
  /** Let a knocker in, or decline its knock (the buttons call it). */
  answerKnock(id: string, letIn: boolean): void
}

/** The header line about the network: how many peers the page is connected to. */
export function renderNet(v: View): void {
  const n = v.transport.node?.getConnections().length ?? 0
  byId('net').textContent = n === 0 ? 'not connected to any peer' : `connected to ${n} peer${n === 1 ? '' : 's'}`
}

/** Redraw the group list and the current group (members, proposals, chat, activity). */
export function render(v: View): void {
  renderNet(v)
  const groups = v.user.conversations()
  fill(
    byId('groups'),
    groups.map((g) => {
      const b = el('button', { type: 'button', 'data-group': g, class: g === v.current ? 'current' : '' }, g)
      b.addEventListener('click', () => v.select(g))
      return b
    }),
  )
  const g = v.current
  fill(
    byId('join-progress'),
    g === undefined ? [] : v.groups.joinLines(g).map((l) => el('li', {}, l)),
  )
  const h = g === undefined ? undefined : v.user.conversation(g)
  byId('conversation').hidden = g === undefined
  if (g === undefined) return
  byId('title').textContent = h === undefined ? `${g} (not a member)` : g
  byId('epoch').textContent = h === undefined ? '' : `epoch ${h.epoch()} · ${h.state()} · ${h.members().length} members`
  byId<HTMLButtonElement>('leave').disabled = h === undefined
  byId<HTMLButtonElement>('send').disabled = h === undefined

  const scores = new Map((h?.conversation.memberScores() ?? []).map((e) => [toHex(e.memberId), e.score]))
  fill(
    byId('members'),
    (h?.memberRoles() ?? []).map((r) => {
      const hex = toHex(r.memberId)
      return el(
        'li',
        { 'data-member': hex },
        el('span', { class: 'who' }, who(hex, v.self)),
        el('span', { class: 'role' }, r.role),
        el('span', { class: 'score' }, `score ${scores.get(hex) ?? '-'}`),
      )
    }),
  )

  const proposals = v.groups.proposals(g)
  if (proposals.length === 0) fill(byId('proposals'), [el('li', { class: 'hint' }, 'none so far')])
  else fill(
    byId('proposals'),
    proposals.map((p) => {
      const li = el('li', { 'data-proposal': String(p.id) }, `#${p.id} ${p.what}: `, el('span', { class: 'status' }, p.status))
      if (p.status === 'open' && h !== undefined) {
        const yes = el('button', { type: 'button', class: 'vote-yes' }, 'Yes')
        const no = el('button', { type: 'button', class: 'vote-no' }, 'No')
        yes.addEventListener('click', () => v.vote(p.id, true))
        no.addEventListener('click', () => v.vote(p.id, false))
        li.append(' ', yes, ' ', no)
      }
      return li
    }),
  )

  const knocks = h?.knocks() ?? []
  if (knocks.length === 0) fill(byId('knocks'), [el('li', { class: 'hint' }, 'nobody')])
  else fill(
    byId('knocks'),
    knocks.map((k) => {
      const li = el('li', { 'data-knock': k.id }, `${who(toHex(k.knocker), v.self)}${k.note === '' ? '' : `: “${k.note}”`} `)
      const letIn = el('button', { type: 'button', class: 'let-in' }, 'Let in')
      const decline = el('button', { type: 'button', class: 'decline' }, 'Decline')
      letIn.addEventListener('click', () => v.answerKnock(k.id, true))
      decline.addEventListener('click', () => v.answerKnock(k.id, false))
      li.append(letIn, ' ', decline)
      return li
    }),
  )

  const messages = byId('messages')
  const atBottom = messages.scrollTop + messages.clientHeight >= messages.scrollHeight - 4
  fill(
    messages,
    v.history.lines(g).map((m) =>
      el('li', { class: m.from === v.self ? 'message mine' : 'message' }, el('span', { class: 'from' }, who(m.from, v.self)), el('span', { class: 'text' }, m.text)),
    ),
  )
  if (atBottom) messages.scrollTop = messages.scrollHeight
  fill(
    byId('activity'),
    v.groups.activity(g).map((l) => el('li', {}, l)),
  )
}

/** Show an error line at the top of the page (the last 10 are kept). */
export function showError(text: string): void {
  const list = byId('errors')
  list.append(el('li', {}, text))
  while (list.children.length > 10) list.firstElementChild?.remove()
}
