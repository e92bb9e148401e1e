// What the seeded runs (churn-run.ts, wave-run.ts) check and report about
// their members: forks, convergence, the last drop reasons, one line per
// member of a failed run. One copy for both.
import type { Conversation, UserEvent } from '../../src/index.js'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

/** Member `i`'s conversation, or undefined when it is not in it. */
export type ConversationOf = (i: number) => Conversation | undefined

/** Members of `among` at one epoch with different authenticators, one line per such epoch. */
export function forksAmong(conv: ConversationOf, among: readonly number[]): string[] {
  const byEpoch = new Map<bigint, Map<string, string[]>>()
  for (const i of among) {
    const c = conv(i)
    if (!c) continue
    const auths = byEpoch.get(c.epoch()) ?? new Map<string, string[]>()
    const a = hex(c.epochAuthenticator()).slice(0, 12)
    auths.set(a, [...(auths.get(a) ?? []), `p${i}`])
    byEpoch.set(c.epoch(), auths)
  }
  return [...byEpoch].filter(([, a]) => a.size > 1).map(([epoch, a]) => `epoch ${epoch}: ${[...a].map(([x, who]) => `${who.join('+')}@${x}`).join(' vs ')}`)
}

/** Every member of `among` Working at one epoch, with `members` members, and no fork among them. */
export function settledAmong(conv: ConversationOf, among: readonly number[], members: number): boolean {
  const cs = among.map(conv)
  return cs.every((c) => c?.state() === 'working' && c.epoch() === cs[0]!.epoch() && c.members().length === members) && forksAmong(conv, among).length === 0
}

/** Keep the last six distinct drop reasons of a member (`drops`), from its events. */
export function noteDrop(drops: string[], e: UserEvent): void {
  if (e.type !== 'dropped') return
  const line = `${e.reason}: ${(e.detail ?? '').slice(0, 100)}`
  if (drops.at(-1) !== line) drops.push(line)
  if (drops.length > 6) drops.shift()
}

/** One line for member `i` of a failed run: its state and its last drops. */
export function memberLine(conv: ConversationOf, i: number, label: string, drops: readonly string[]): string {
  const c = conv(i)
  const state = c
    ? `epoch ${c.epoch()} ${c.state()}/${c.mode()} auth ${hex(c.epochAuthenticator()).slice(0, 8)} members ${c.members().length} stewards ${c
        .stewards()
        .map((s) => hex(s).slice(0, 4))
        .join(',')}`
    : 'not in the conversation'
  return `p${i}${label}: ${state}; drops: ${drops.join(' | ')}`
}
