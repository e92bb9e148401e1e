import { StewardListService } from '@demls/steward'
import { encodeAppMessage, toHex } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import type { ConversationEvent } from '../../src/index.js'
import { capturingPlugins } from '../scenarios/capture-groups.js'
import { bootstrap, conv, memberIdOf, scenario } from '../scenarios/harness.js'

// Issue 15: "a member pushes a steward list nobody elected, and members
// install it". A StewardListNotice used to be installed when it was newer
// and regenerated from the settled members; but a list regenerates for
// every retry round, so any member could push the list of a round nobody
// voted for. Now the notice must carry the election's certificate.

const ID = 'sl'
const CONFIG = { stewardList: { snMin: 1, snMax: 2 } }

describe('adversarial: steward lists', () => {
  it('a member pushing the list of a retry round nobody elected (it regenerates) is refused', async () => {
    const { groups, plugins } = await capturingPlugins(5)
    const s = await scenario(5, { config: CONFIG, plugins })
    await bootstrap(s, ID)
    // A commit after the joins, so that every remaining member is settled when the election runs.
    await conv(s, 0, ID).removeMember(memberIdOf(4))
    await s.until(() => [0, 1, 2, 3].every((i) => conv(s, i, ID).members().length === 4))
    const [attacker, victim] = [1, 2]
    // The election the group ran last, as the victim saw it.
    // An election every member takes part in, so every member remembers its epoch (ours, or one already open).
    const mark = s.members[victim]!.events.length
    await conv(s, 0, ID).regenerateStewardList()
    const elected = () =>
      s.members[victim]!.events.slice(mark).find((e) => e.type === 'consensus-reached' && e.approved && e.request?.payload === 'stewardElection')
    await s.until(() => elected() !== undefined)
    const reached = elected()!
    const last = (reached.type === 'consensus-reached' ? reached.request : undefined)!.stewardElection!
    await s.until(() => conv(s, victim, ID).conversation.stewards().length === last.proposedStewards.length)
    const before = conv(s, victim, ID).conversation.stewards().map(toHex)
    // The list the same election would have installed in the next retry round: it passes the regeneration
    // check. (The pool is the subset of members that regenerates the elected list in its own round.)
    const svc = new StewardListService({ config: CONFIG.stewardList, conversationId: ID })
    const same = (a: readonly Uint8Array[], b: readonly Uint8Array[]) => a.length === b.length && a.every((m, i) => toHex(m) === toHex(b[i]!))
    const everyone = [0, 1, 2, 3].map(memberIdOf)
    const pools = Array.from({ length: 15 }, (_, k) => everyone.filter((_, i) => ((k + 1) >> i) & 1)).sort((a, b) => b.length - a.length)
    const pool = pools.find((p) => same(svc.electableList(last.electionEpoch, p, last.retryRound).members, last.proposedStewards))!
    const round = [1, 2, 3].map((k) => last.retryRound + k).find((r) => !same(svc.electableList(last.electionEpoch, pool, r).members, last.proposedStewards))!
    const forged = svc.electableList(last.electionEpoch, pool, round).members
    const notice = { electionEpoch: last.electionEpoch, retryRound: round, members: [...forged] }
    const payload = await groups.get(attacker)!.encrypt(encodeAppMessage({ demlsControl: { stewardList: notice } }))
    const c = conv(s, victim, ID).conversation
    c.drainEvents()
    await c.receive({ subtopic: 'app', payload }, s.net.clock.now())
    const events: ConversationEvent[] = c.drainEvents()
    const refused = events.filter((e) => e.type === 'dropped' && (e.detail ?? '').startsWith('steward list refused'))
    expect(refused.map((e) => (e.type === 'dropped' ? e.detail : ''))).toEqual(['steward list refused: no verifiable election'])
    expect(events.some((e) => e.type === 'steward-list-inferred')).toBe(false)
    expect(conv(s, victim, ID).conversation.stewards().map(toHex)).toEqual(before)
    await s.stop()
  }, 60_000)
})
