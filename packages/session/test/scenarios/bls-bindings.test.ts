// Aggregation key bindings with real users over the memory transport
// (issue 55): a BLS group learns every member's binding through joins and
// Welcomes, keeps it across a removal and a restart, and refuses joins
// whose binding is missing, forged or copies another member's key.
import { blsConsensusPlugin, blsKeyFromMemberKey, decodeKeyBinding, encodeKeyBinding, keyBindingDigest } from '@demls/bls'
import { type ConsensusPlugin, type ConsensusSigner, EthereumSigner } from '@demls/consensus'
import { memoryStorage } from '@demls/storage'
import { describe, expect, it } from 'vitest'
import { blsPluginFor } from './bls-plugin.js'
import { type AggregationKeyList, FAST_TIMING, User } from '../../src/index.js'
import { crashable } from '../durable/stores.js'
import { type Member, type Scenario, bootstrap, conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario } from './harness.js'

const ID = 'bls-chat'

const bls = blsPluginFor

/** Member i's BLS plug-in announcing `binding` instead of its own (a malicious joiner). */
const announcing = (i: number, binding: (own: Uint8Array) => Uint8Array) => (signer: ConsensusSigner): ConsensusPlugin => {
  const p = bls(i)(signer)
  return { ...p, aggregation: { ...p.aggregation, binding: binding(p.aggregation.binding) } }
}

function list(s: Scenario, i: number): AggregationKeyList {
  return conv(s, i, ID).conversation.aggregationKeys()
}

/** The list every listed member builds, checked to be the same. */
function sameList(s: Scenario, indexes: number[]): { members: string[]; keys: string[] } {
  const lists = indexes.map((i) => {
    const l = list(s, i)
    if (!l.ok) throw new Error(`member ${i} builds no key list: ${l.reason}`)
    expect(l.keys.size).toBe(l.members.length)
    return { members: l.members.map(hex), keys: l.publicKeys.map(hex) }
  })
  for (const l of lists) expect(l).toEqual(lists[0])
  return lists[0]!
}

describe('aggregation key bindings in a BLS group', () => {
  it('after joins, a removal and a restart every member builds the same ordered key list', async () => {
    const inner = await memoryStorage()
    const s = await scenario(4, { plugins: (i) => ({ consensus: bls(i) }), userInit: (i) => (i === 1 ? { storage: crashable(inner) } : {}) })
    await bootstrap(s, ID, 4)
    const four = sameList(s, [0, 1, 2, 3])
    expect(four.members).toEqual([0, 1, 2, 3].map((i) => hex(memberIdOf(i))).sort())
    // Each key is the one its member's own plug-in binds.
    for (const i of [0, 1, 2, 3]) {
      const own = decodeKeyBinding(blsConsensusPlugin(new EthereumSigner(keyFor(i)), { memberSecretKey: keyFor(i) }).aggregation.binding)
      expect(four.keys[four.members.indexOf(hex(memberIdOf(i)))]).toBe(hex(own.publicKey))
    }

    await conv(s, 0, ID).removeMember(memberIdOf(3))
    await s.until(() => [0, 1, 2].every((i) => conv(s, i, ID).members().length === 3) && converged(s, ID, [0, 1, 2]))
    const three = sameList(s, [0, 1, 2])
    expect(three.members).toEqual([0, 1, 2].map((i) => hex(memberIdOf(i))).sort())

    // Member 1 restarts from its store, with its plug-ins.
    await s.members[1]!.user.stop()
    const user = await User.create({
      privateKey: keyFor(1),
      transport: s.net.createTransport('m1-restarted'),
      clock: s.net.clock,
      config: FAST_TIMING,
      random: () => 0.5,
      storage: crashable(inner),
      plugins: { consensus: bls(1) },
    })
    const again: Member = { user, name: 'm1-restarted', events: [] }
    user.events$.subscribe((e) => again.events.push(e))
    s.members[1] = again
    expect(user.conversations()).toEqual([ID])
    expect(sameList(s, [0, 1, 2])).toEqual(three)
    await s.stop()
  })

  it('refuses joiners whose binding is forged, copies a member’s key and proof, is missing, or binds a key a member holds; admits a valid one', async () => {
    const copied = (i: number) => (own: Uint8Array) => {
      // Member 0's key and proof of possession under joiner i's id, properly signed by joiner i: only the proof (which names member 0) is wrong.
      const theirs = decodeKeyBinding(blsConsensusPlugin(new EthereumSigner(keyFor(0)), { memberSecretKey: keyFor(0) }).aggregation.binding)
      const mine = decodeKeyBinding(own)
      const memberSignature = new EthereumSigner(keyFor(i)).sign(keyBindingDigest(mine.memberId, theirs.publicKey))
      return encodeKeyBinding({ ...mine, publicKey: theirs.publicKey, possession: theirs.possession, memberSignature })
    }
    const forged = (own: Uint8Array) => {
      const b = Uint8Array.from(own)
      b[100] = b[100]! ^ 1
      return b
    }
    // Joiner 6 holds member 0's BLS secret key (collusion, or a reused key): its binding is valid, the key is taken.
    const sameKey = (signer: ConsensusSigner) => blsConsensusPlugin(signer as EthereumSigner, { blsSecretKey: blsKeyFromMemberKey(keyFor(0)) })
    const kinds = [bls(0), bls(1), announcing(2, forged), announcing(3, copied(3)), announcing(4, () => new Uint8Array(0)), bls(5), sameKey]
    const s = await scenario(7, { plugins: (i) => ({ consensus: kinds[i]! }) })
    await bootstrap(s, ID, 2)
    const expected = ['invalid:bad-possession', 'invalid:bad-possession', 'missing', 'key-taken']
    for (const [n, i] of [2, 3, 4, 6].entries()) {
      const abort = new AbortController()
      const seen = eventsOf(s, 0, 'dropped').length
      const join = s.members[i]!.user.join(ID, { signal: abort.signal }).catch((e: unknown) => e)
      await s.until(() => eventsOf(s, 0, 'dropped').slice(seen).some((e) => e.reason === 'invalid-bls-binding' && e.detail === `key-package announcement of ${hex(memberIdOf(i))}: ${expected[n]}`), 60_000)
      abort.abort()
      await join
      expect(conv(s, 0, ID).members()).toHaveLength(2)
    }
    expect(eventsOf(s, 0, 'dropped').filter((e) => e.reason === 'invalid-bls-binding').length).toBeGreaterThanOrEqual(4)
    // A valid joiner still gets in, and everyone builds the same list.
    const joined = s.members[5]!.user.join(ID)
    await s.until(() => s.members[5]!.user.conversation(ID) !== undefined)
    await joined
    await s.until(() => [0, 1, 5].every((i) => s.members[i]!.user.conversation(ID)?.members().length === 3) && converged(s, ID, [0, 1, 5]))
    expect(sameList(s, [0, 1, 5]).members).toEqual([0, 1, 5].map((i) => hex(memberIdOf(i))).sort())
    await s.stop()
  })

  it('members vote NO on a join a steward proposes with a forged binding: the join fails', async () => {
    const forged = (own: Uint8Array) => {
      const b = Uint8Array.from(own)
      b[100] = b[100]! ^ 1
      return b
    }
    // Member 0, the creator and steward, accepts every binding (a steward that skips the check).
    const lax = (signer: ConsensusSigner): ConsensusPlugin => {
      const p = bls(0)(signer)
      return {
        ...p,
        aggregation: {
          ...p.aggregation,
          verifyBinding: (binding, memberId) => {
            const r = p.aggregation.verifyBinding(binding, memberId)
            return r.ok ? r : { ok: true, memberId: memberId ?? new Uint8Array(20), publicKey: decodeKeyBinding(binding).publicKey }
          },
        },
      }
    }
    // Four members: the steward's YES and one NO would tie at three (a tie takes the liveness value, YES).
    const kinds = [lax, bls(1), bls(2), bls(3), announcing(4, forged)]
    const s = await scenario(5, { plugins: (i) => ({ consensus: kinds[i]! }) })
    await bootstrap(s, ID, 4)
    const abort = new AbortController()
    const join = s.members[4]!.user.join(ID, { signal: abort.signal }).catch((e: unknown) => e)
    const outcome = (i: number) =>
      eventsOf(s, i, 'consensus-reached').find((e) => e.request?.memberInvite !== undefined && hex(e.request.memberInvite.memberId) === hex(memberIdOf(4)))
    await s.until(() => [1, 2, 3].every((i) => outcome(i) !== undefined), 120_000)
    // The honest members refused the announcement themselves, then voted NO on the steward's proposal.
    for (const i of [1, 2, 3]) {
      expect(eventsOf(s, i, 'dropped').some((e) => e.reason === 'invalid-bls-binding')).toBe(true)
      expect(outcome(i)!.approved).toBe(false)
    }
    abort.abort()
    await join
    expect(conv(s, 1, ID).members()).toHaveLength(4)
    await s.stop()
  })
})
