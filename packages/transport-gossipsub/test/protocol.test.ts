import { User, type UserEvent, FAST_TIMING } from '@demls/session'
import { systemClock, topicFor } from '@demls/wire'
import { afterEach, describe, expect, it } from 'vitest'
import { Nodes, waitUntil } from './helpers.js'

/** Hardhat/Anvil public development keys #0–#4 (as the reference tests use). */
const KEYS = [
  'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
  '5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
  '7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6',
  '47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
].map((h) => Uint8Array.from(h.match(/../g)!.map((b) => Number.parseInt(b, 16))))

const FAST = FAST_TIMING

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

interface Peer {
  user: User
  events: UserEvent[]
}

function converged(peers: Peer[], id: string, size: number): boolean {
  const cs = peers.map((p) => p.user.conversation(id))
  if (cs.some((c) => c === undefined || c.state() !== 'working')) return false
  const first = cs[0]!
  const members = first.members().map(hex).sort().join()
  const auth = hex(first.epochAuthenticator())
  return (
    first.members().length === size &&
    cs.every((c) => c!.epoch() === first.epoch() && c!.members().map(hex).sort().join() === members && hex(c!.epochAuthenticator()) === auth)
  )
}

describe('de-MLS over gossipsub (5 peers on loopback, real time)', () => {
  const nodes = new Nodes()
  const users: User[] = []
  afterEach(async () => {
    for (const u of users) await u.stop().catch(() => undefined)
    users.length = 0
    await nodes.stopAll()
  })

  it('forms a group through the full protocol and every member receives every chat', async () => {
    const transports = await nodes.create(5)
    const peers: Peer[] = []
    for (let i = 0; i < 5; i++) {
      const user = await User.create({ privateKey: KEYS[i]!, transport: transports[i]!, clock: systemClock, config: FAST })
      users.push(user)
      const p: Peer = { user, events: [] }
      user.events$.subscribe((e) => p.events.push(e))
      peers.push(p)
    }
    const id = 'gossip-chat'
    const t0 = Date.now()
    await peers[0]!.user.createConversation(id, { admission: 'open' })
    // Joiners announce once the creator's welcome subscription is known to them.
    const welcome = topicFor(id, 'welcome')
    await waitUntil(() => transports.slice(1).every((t) => t.readiness(welcome).ready), 10_000, 'welcome topic visible')
    const joins = peers.slice(1).map((p) => p.user.join(id))
    await Promise.all(joins)
    await waitUntil(() => converged(peers, id, 5), 40_000, 'convergence')
    const formedMs = Date.now() - t0
    const epochs = new Set(peers.map((p) => p.user.conversation(id)!.epoch()))
    expect(epochs.size).toBe(1)
    expect(peers.every((p) => p.events.every((e) => e.type !== 'error'))).toBe(true)
    // The joins went through the protocol: proposals voted on, consensus, one commit, Welcomes.
    const creator = peers[0]!.events.map((e) => e.type)
    expect(creator).toContain('consensus-reached')
    expect(creator).toContain('commit-applied')
    expect(peers[0]!.events.filter((e) => e.type === 'member-joined')).toHaveLength(4)

    for (let i = 0; i < 5; i++) await peers[i]!.user.conversation(id)!.sendMessage(new TextEncoder().encode(`hello from ${i}`))
    const got = (i: number) =>
      peers[i]!.events.filter((e): e is Extract<UserEvent, { type: 'message' }> => e.type === 'message').map((e) => new TextDecoder().decode(e.body))
    await waitUntil(() => peers.every((_, i) => got(i).length >= 4), 15_000, 'chat delivery')
    for (let i = 0; i < 5; i++) {
      expect(got(i).sort()).toEqual([0, 1, 2, 3, 4].filter((j) => j !== i).map((j) => `hello from ${j}`))
      const senders = peers[i]!.events.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? hex(e.sender) : ''))
      expect(senders).not.toContain(hex(peers[i]!.user.memberId))
    }
    console.log(`5-member group formed in ${formedMs} ms (epoch ${[...epochs][0]})`)
  }, 75_000)
})
