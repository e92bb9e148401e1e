// A real crash, many times over (issue 17): a member in its own OS process,
// over libp2p gossipsub on 127.0.0.1 with an encrypted LevelDB store, is
// killed with SIGKILL at points of the protocol chosen by a seeded draw —
// while a vote is open, while the group freezes, right after a commit, or
// at a random moment — and started again from its store. After each restart
// the group converges (one epoch, one authenticator, one membership, no
// fork), no chat sent while the victim was up is lost to it, and what was
// said while it was down comes back from the stewards' history.
//
// Part of `pnpm test` (about two minutes): CRASH_ROUNDS (default 8) kills;
// CRASH_SEED (default 17) picks the points (a failing draw replays with it).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PeerProcess, type RecordedEvent } from '../src/peers.js'
import { converged, sleep, waitFor } from '../src/swarm.js'
import { seededRandom } from '@demls-dev/bench-kit'

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 8)
const SEED = Number(process.env.CRASH_SEED ?? 17)
const ID = 'crash'
const VICTIM = 3
const POINTS = ['mid-vote', 'mid-freeze', 'after-commit', 'random'] as const
type Point = (typeof POINTS)[number]


const dir = mkdtempSync(join(tmpdir(), 'demls-crash-'))
const stateOf = (index: number) => join(dir, `peer${index}`)
const peers: PeerProcess[] = []
/** Every process that ever ran, for the final kill. */
const all: PeerProcess[] = []
/** Chat texts each peer index received, across its restarts. */
const received = new Map<number, Set<string>>()
let onVictimEvent: ((e: RecordedEvent) => void) | undefined

function spawn(index: number): PeerProcess {
  const p = new PeerProcess(index, (peer, e) => {
    if (e.event.kind === 'message' && e.event.conversation === ID && e.event.text !== undefined) {
      const set = received.get(peer.index) ?? new Set<string>()
      received.set(peer.index, set)
      set.add(e.event.text)
    }
    if (peer.index === VICTIM) onVictimEvent?.(e)
  })
  all.push(p)
  return p
}

async function start(p: PeerProcess, bootstrap: string[]): Promise<{ restored: { conversationId: string; epoch: string }[] }> {
  const r = await p.request({ type: 'start', index: p.index, bootstrap, storage: stateOf(p.index) }, 60_000)
  p.memberId = r.memberId ?? ''
  p.addrs = r.addrs ?? []
  return { restored: r.restored ?? [] }
}

/** Resolves when the victim reports what marks `point` (or at once for `random`, after a drawn delay). */
function pointReached(point: Point, draw: () => number): Promise<string> {
  if (point === 'random') {
    const ms = Math.floor(draw() * 3_000)
    return sleep(ms).then(() => `${ms} ms into the round`)
  }
  return new Promise((resolve) => {
    onVictimEvent = (e) => {
      const k = e.event
      if (k.conversation !== ID) return
      const hit =
        (point === 'mid-vote' && (k.kind === 'vote-requested' || k.kind === 'own-proposal-submitted')) ||
        (point === 'mid-freeze' && k.kind === 'phase-change' && k.state === 'freezing') ||
        (point === 'after-commit' && k.kind === 'commit-applied')
      if (hit) {
        onVictimEvent = undefined
        resolve(`${k.kind}${k.state ? ` ${k.state}` : ''} at epoch ${k.epoch ?? '?'}`)
      }
    }
  })
}

/** On a failed wait: what every peer says of the group, and the last events of each (what a CI log needs to tell why). */
async function dumpState(group: PeerProcess[], log: string[]): Promise<void> {
  const lines = [...log]
  for (const p of group) {
    const st = await p.status(ID, 5_000).then(
      (s) => `${s.state} epoch ${s.epoch} auth ${s.authenticator.slice(0, 12)} members ${s.members.map((m) => m.slice(0, 6)).join()} stewards ${s.stewards.map((m) => m.slice(0, 6)).join()}`,
      (e: unknown) => `no status: ${String(e)}`,
    )
    lines.push(`${p.name} (${p.memberId.slice(0, 10)}): ${st}`)
    for (const e of p.events.slice(-25)) {
      const k = e.event
      lines.push(`  ${e.at} ${k.kind} ${k.state ?? ''} ${k.epoch ?? ''} ${k.proposal ?? ''} ${k.reason ?? ''} ${k.detail ?? ''}`.trimEnd())
    }
  }
  console.log(lines.join('\n'))
}

afterAll(async () => {
  for (const p of all) p.kill()
  await Promise.all(all.map((p) => p.exited()))
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

describe(`real crashes: a member killed with SIGKILL ${ROUNDS} times at drawn points of the protocol, over gossipsub`, () => {
  it('after every restart from its store the group converges with no fork, and it lost no chat sent while it was up', async () => {
    const draw = seededRandom(SEED)
    for (let i = 0; i < 4; i++) {
      const p = spawn(i)
      peers.push(p)
      await start(p, peers.slice(0, i).flatMap((q) => q.addrs))
    }
    await peers[0]!.request({ type: 'create', conversationId: ID, admission: 'open' })
    for (const p of peers.slice(1)) await p.request({ type: 'join', conversationId: ID, timeoutMs: 60_000 }, 70_000)
    await waitFor('4 converged members', 60_000, () => converged(ID, peers, 4, 20_000), 500)

    /** Chats sent by the others while the victim process was running (it must receive every one). */
    const owed: string[] = []
    let joiner: PeerProcess | undefined
    let nextIndex = 5
    const log: string[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const point = POINTS[Math.floor(draw() * POINTS.length)]!
      const others = () => [...peers.filter((p) => p.index !== VICTIM), ...(joiner ? [joiner] : [])]
      const reached = pointReached(point, draw)
      // The round's membership change: a new member joins, or the last one is removed; chat flows throughout.
      // Decided here, before the change can settle: a join that lands early must not turn this round into a removal round.
      const leaving = joiner
      const removing = leaving !== undefined
      let change: Promise<unknown>
      if (!removing) {
        const j = spawn(nextIndex++)
        await start(j, peers.map((p) => p.addrs[0]!).filter((a) => a !== undefined))
        change = j.request({ type: 'join', conversationId: ID, timeoutMs: 90_000 }, 100_000).then(() => {
          joiner = j
        })
      } else {
        change = peers[0]!.request({ type: 'remove', conversationId: ID, member: leaving.memberId }, 30_000)
      }
      const upChat = `r${round} while up`
      await Promise.all(others().slice(0, 3).map((p, k) => p.request({ type: 'send', conversationId: ID, text: `${upChat} ${k}` }, 30_000)))
      owed.push(...others().slice(0, 3).map((_, k) => `${upChat} ${k}`))
      const where = await Promise.race([reached, sleep(20_000).then(() => 'no marker within 20 s')])
      onVictimEvent = undefined
      // Chats sent up to here, which the victim has not reported yet, are the ones a crash may take with it.
      const victim = peers[VICTIM]!
      victim.kill()
      await victim.exited()
      const downChat = `r${round} while down`
      await Promise.all(others().slice(0, 2).map((p, k) => p.request({ type: 'send', conversationId: ID, text: `${downChat} ${k}` }, 30_000)))
      await change.catch((err) => log.push(`round ${round}: the membership change failed: ${String(err)}`))
      await sleep(Math.floor(draw() * 1_500))
      const restarted = spawn(VICTIM)
      peers[VICTIM] = restarted
      const { restored } = await start(
        restarted,
        others().flatMap((q) => q.addrs.slice(0, 1)),
      )
      expect(restored.map((r) => r.conversationId)).toContain(ID)
      const restartedAt = Date.now()
      const st = await waitFor(`round ${round}: converged members after the restart`, 90_000, async () => {
        const members = (await peers[0]!.status(ID)).members
        if (removing && joiner !== undefined && !members.includes(joiner.memberId)) {
          // The removal landed: the removed member's process leaves the test.
          joiner.kill()
          joiner = undefined
        }
        if (removing && joiner !== undefined) return undefined
        return converged(ID, [...peers, ...(joiner ? [joiner] : [])], members.length, 20_000)
      }, 1_000).catch(async (err: unknown) => {
        await dumpState([...peers, ...(joiner ? [joiner] : [])], log)
        throw err
      })
      const convergedIn = ((Date.now() - restartedAt) / 1000).toFixed(1)
      // Chat still flows both ways.
      const back = `r${round} back`
      await restarted.request({ type: 'send', conversationId: ID, text: back }, 30_000)
      await waitFor(`round ${round}: the restarted member's chat reaching the others`, 30_000, () =>
        others().every((p) => received.get(p.index)?.has(back) === true) ? true : undefined,
      )
      // Every chat sent while it was up reached it (before the kill, or after the restart from history).
      const downTexts = [0, 1].map((k) => `${downChat} ${k}`)
      await waitFor(`round ${round}: every chat sent while the victim was up, and those sent while it was down`, 45_000, () =>
        [...owed, ...downTexts].every((t) => received.get(VICTIM)?.has(t) === true) ? true : undefined,
      ).catch(() => undefined)
      const lost = owed.filter((t) => received.get(VICTIM)?.has(t) !== true)
      const downGot = downTexts.filter((t) => received.get(VICTIM)?.has(t)).length
      // A kill right after a merge can leave it on the losing commit of a fork: it switches from its saved branch point.
      const healed = restarted.events.some((e) => e.event.kind === 'fork-healed') ? ' (switched from the losing commit of a fork)' : ''
      log.push(
        `round ${round}: killed ${point} (${where}); resumed, converged ${convergedIn} s after the restart${healed} at epoch ${st[0]!.epoch} with ${st[0]!.members.length} members; ` +
          `chats sent while down recovered ${downGot}/2; lost while up: ${lost.length}`,
      )
      console.log(log.at(-1))
      if (lost.length > 0) {
        const seen = restarted.events.map((e) => `${e.event.kind} ${e.event.state ?? ''} ${e.event.reason ?? ''} ${e.event.detail ?? ''} ${e.event.epoch ?? ''} ${e.event.text ?? ''}`)
        console.log(`lost ${lost.join(', ')}; the restarted member reported:\n${seen.join('\n')}`)
      }
      expect(lost).toEqual([])
      // What was said while it was down comes back from the stewards' history (chat backfill).
      expect(downGot).toBe(downTexts.length)
    }
  }, 60_000 + ROUNDS * 240_000)
})
