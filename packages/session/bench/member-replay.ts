// One member's own process, replayed (`bench:large`): what a member of an
// n-member group pays for one membership change when its process holds
// only its own state, as in a deployment, instead of the whole group's
// heap of the one-process run.
//
// During a removal of the large-group run we take the saved state of a
// few members at the start (`Conversation.enableSaving`, the state a
// restart resumes from) and record every packet delivered to them, with
// its virtual time. A child process (`member-replay-child.ts`) then
// resumes each member from that state with `Conversation.restore` and
// drives the sans-I/O core itself: the same packets at the same times,
// the same timers (`nextWakeupAt` / `poll`); what it sends goes nowhere.
// It must end at the epoch, epoch authenticator and member count the
// member reached in the run, or the replay is refused. Its CPU is the
// member's cost for the change: MLS, signatures, consensus and session
// logic, no transport and no simulated network.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { MemoryNetwork } from '@demls/transport-memory'
import { type InboundPacket, type SubtopicName, toHex } from '@demls/wire'
import type { User } from '../src/index.js'

/** What a replay needs: one member's saved state and the packets it received during the change. */
export interface ReplayRecord {
  conversationId: string
  /** The member's `voterKey` index (its private key). */
  keyIndex: number
  /** The group's consensus plug-in: the reference one, or BLS aggregation (`@demls/bls`). */
  consensus?: 'reference' | 'aggregated'
  /** The member's role at the start of the change. */
  role: string
  /** Virtual time the change started and ended (ms). */
  startAt: number
  endAt: number
  /** Saved state at the start, base64. */
  state: string
  /** Packets delivered to the member: virtual time, subtopic, payload (base64). */
  packets: { t: number; subtopic: SubtopicName; payload: string }[]
  /** Where the member ended in the run. */
  expected: { epoch: string; authenticator: string; members: number; published: number }
}

/** What the child measured for one member. */
export interface ReplayResult {
  role: string
  packets: number
  /** CPU of the cold first replay (JIT warm-up included), ms. */
  coldCpuMs: number
  /** CPU of the reported warm replay (the median of the last half), ms. */
  cpuMs: number
  /** Main-thread collector pauses during that replay, ms. */
  gcMs: number
  /** CPU of its `Conversation.restore` (MLS state import included), ms. */
  restoreCpuMs: number
  /** Packets the member sent in that replay (a restart also asks for history and attests at once). */
  sent: number
  publishedInRun: number
  /** Heap used after the last replay (MB). */
  heapMb: number
}

/** Recording of the members `indices` of `users` from now until `finish`. */
export interface ReplayRecorder {
  finish(): ReplayRecord[]
}

/**
 * Start recording members `indices` (indices into `users`, whose keys are
 * `voterKey(keyBase + index)`). Call at a quiescent point, before the change
 * starts; each recorded member saves its state after every step from now on
 * (`enableSaving`), which the run's other members do not pay.
 */
export function recordMembers(
  net: MemoryNetwork,
  users: readonly User[],
  id: string,
  indices: readonly number[],
  keyBase: number,
  consensus: 'reference' | 'aggregated' = 'reference',
): ReplayRecorder {
  const startAt = net.clock.now()
  const taps = indices.map((i) => {
    const user = users[i] as User
    const handle = user.conversation(id)
    if (handle === undefined) throw new Error(`member ${i} is not in ${id}`)
    const conv = handle.conversation
    conv.enableSaving()
    const state = conv.takeSave()
    if (state === undefined) throw new Error(`member ${i}: no saved state`)
    const packets: ReplayRecord['packets'] = []
    const onMessage = (e: CustomEvent<InboundPacket>) => {
      const env = e.detail.envelope
      if (env.conversationId === id) packets.push({ t: net.clock.now(), subtopic: env.subtopic, payload: Buffer.from(env.payload).toString('base64') })
    }
    user.transport.addEventListener('message', onMessage)
    const published0 = user.transport.publishStats?.().published ?? 0
    const role = handle.role() ?? 'none'
    return { i, user, handle, state, packets, onMessage, published0, role }
  })
  return {
    finish() {
      const endAt = net.clock.now()
      return taps.map((tap) => {
        tap.user.transport.removeEventListener('message', tap.onMessage)
        return {
          conversationId: id,
          keyIndex: keyBase + tap.i,
          consensus,
          role: tap.role,
          startAt,
          endAt,
          state: Buffer.from(tap.state).toString('base64'),
          packets: tap.packets,
          expected: {
            epoch: tap.handle.epoch().toString(),
            authenticator: toHex(tap.handle.epochAuthenticator()),
            members: tap.handle.members().length,
            published: (tap.user.transport.publishStats?.().published ?? 0) - tap.published0,
          },
        }
      })
    },
  }
}

/**
 * Pick the members to replay at the start of a removal: the epoch steward
 * (it commits) and a plain member, neither the proposer nor the member
 * removed (their part starts with an API call, not a packet).
 */
export function replayedMembers(users: readonly User[], id: string, size: number): number[] {
  const byId = new Map(users.slice(0, size).map((u, i) => [toHex(u.memberId), i]))
  const roles = (users[0] as User).conversation(id)?.memberRoles() ?? []
  const eligible = (i: number | undefined): i is number => i !== undefined && i !== 1 && i < size - 1
  const steward = roles.filter((r) => r.role === 'epoch-steward').map((r) => byId.get(toHex(r.memberId)))[0]
  const member = roles.filter((r) => r.role === 'member').map((r) => byId.get(toHex(r.memberId))).find((i) => eligible(i) && i >= 2)
  return [steward, member].filter(eligible)
}

/** Replay `records` in a fresh Node process, one member after another; throws when a replay ends elsewhere than the run. */
export function replayInChild(records: readonly ReplayRecord[]): ReplayResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'demls-replay-'))
  try {
    const file = join(dir, 'records.json')
    writeFileSync(file, JSON.stringify(records))
    // LARGE_REPLAY_KEEP=dir keeps a copy of the records, to replay or profile the child alone.
    if (process.env.LARGE_REPLAY_KEEP) writeFileSync(join(process.env.LARGE_REPLAY_KEEP, `replay-${records[0]?.conversationId}-${records[0]?.startAt}.json`), JSON.stringify(records))
    const child = fileURLToPath(new URL('./member-replay-child.ts', import.meta.url))
    // process.execArgv carries tsx's loader; the run's heap sizes (`--max-…`) stay with the run: the child has V8's defaults.
    const loader = process.execArgv.filter((a) => !a.startsWith('--max-'))
    const r = spawnSync(process.execPath, [...loader, child, file], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 16 * 1024 * 1024,
    })
    if (r.status !== 0) throw new Error(`member replay failed (${r.status}): ${r.stderr}`)
    return JSON.parse(r.stdout.trim().split('\n').pop() as string) as ReplayResult[]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
