/**
 * One de-MLS peer in its own OS process. This file is the part of the demo
 * that uses the API; everything it does is a few calls on a `User`:
 *
 * - `gossipsubTransport({ bootstrap })` from `@demls/transport-gossipsub`:
 *   a libp2p node on 127.0.0.1 with a random port, dialling the peers the
 *   orchestrator names. `multiaddrs()` is what other peers dial.
 * - `User.create({ privateKey, transport, clock: systemClock, config })`:
 *   the driver of every conversation of this identity, with real time.
 * - `user.createConversation(id)` / `user.join(id)`: found a group, or
 *   announce a key package and wait until the group voted us in and a
 *   steward's commit sent us a Welcome.
 * - `user.conversation(id)`: the handle with `sendMessage`,
 *   `removeMember`, `vote`, `leave`, `members()`, `epoch()`, `epochAuthenticator()`,
 *   `state()` and `events$` / `messages$` / `phase$`.
 * - `user.events$`: every event of every conversation (votes, consensus,
 *   commits, joins, leaves, chat, drops, errors), forwarded to the parent.
 * - `user.stop()`: stop its timers and its transport (how a peer "goes
 *   silent" in step 5).
 * - `levelStorage({ location })` from `@demls/storage`, given to
 *   `User.create` as `storage`: every conversation's state is saved in a
 *   LevelDB directory, encrypted by default with a key `User.create`
 *   derives from the private key, so a peer killed with SIGKILL (step 4b)
 *   starts again where it was.
 *
 * Run by `main.ts` through `child_process.fork`; it talks only over IPC.
 */
import { blsConsensusPlugin } from '@demls/bls'
import type { ConsensusSigner, EthereumSigner } from '@demls/consensus'
import type { ConversationUpdateRequest } from '@demls/wire'
import { LAN_TIMING, type UserEvent, User } from '@demls/session'
import { levelStorage } from '@demls/storage'
import { gossipsubTransport } from '@demls/transport-gossipsub'
import { DemlsError, systemClock, topicFor } from '@demls/wire'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { FAST, demoSnMax, hex, keyFor, unhex } from './keys.js'
import type { Command, EventSummary, Report, Status } from './protocol.js'

/** The one-line message of an error (`shortMessage` of a `DemlsError`). */
function oneLine(err: unknown): string {
  if (err instanceof DemlsError) return err.shortMessage
  return err instanceof Error ? err.message : String(err)
}

let user: User | undefined

/**
 * Events waiting for the next flush. A busy peer reports thousands of
 * events (every dropped packet is one); one IPC message per event cost it
 * about 2 % of its CPU in the 30-process waves, and woke the parent as
 * often. They go in batches instead: every 100 ms, at 256 events, and
 * before any reply, so a reply never overtakes an event that came first.
 */
let queued: { at: number; event: EventSummary }[] = []
let flushTimer: ReturnType<typeof setTimeout> | undefined

function flushEvents(): void {
  if (flushTimer !== undefined) clearTimeout(flushTimer)
  flushTimer = undefined
  if (queued.length === 0) return
  const events = queued
  queued = []
  if (process.connected) process.send?.({ type: 'events', events } satisfies Report)
}

function report(event: EventSummary): void {
  queued.push({ at: Date.now(), event })
  if (queued.length >= 256) flushEvents()
  else flushTimer ??= setTimeout(flushEvents, 100)
}

function send(reply: Report): void {
  flushEvents()
  if (process.connected) process.send?.(reply)
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

function describeRequest(r: ConversationUpdateRequest | undefined): Pick<EventSummary, 'proposal' | 'member' | 'stewards'> {
  if (r?.payload === 'memberInvite' && r.memberInvite) return { proposal: 'add', member: hex(r.memberInvite.memberId) }
  if (r?.payload === 'removeMember' && r.removeMember) return { proposal: 'remove', member: hex(r.removeMember.memberId) }
  if (r?.payload === 'stewardElection' && r.stewardElection)
    return { proposal: 'steward-election', stewards: r.stewardElection.proposedStewards.map(hex) }
  if (r?.payload === 'emergencyCriteria') return { proposal: 'emergency' }
  return {}
}

/** Flatten a `UserEvent` for the parent (bigints and bytes do not survive JSON). */
function summarize(e: UserEvent): EventSummary | undefined {
  switch (e.type) {
    case 'message':
      return { kind: e.type, by: hex(e.sender), text: new TextDecoder().decode(e.body), epoch: String(e.epoch) }
    case 'phase-change':
      return { kind: e.type, state: e.state, mode: e.mode }
    case 'vote-requested':
    case 'own-proposal-submitted':
      return { kind: e.type, proposalId: e.proposalId, ...describeRequest(e.request) }
    case 'consensus-reached':
      return { kind: e.type, proposalId: e.proposalId, approved: e.approved, failed: e.failed, ...describeRequest(e.request) }
    case 'proposal-voided':
      return { kind: e.type, proposalId: e.proposalId, ...(e.reproposedAs !== undefined ? { reproposedAs: e.reproposedAs } : {}), ...describeRequest(e.request) }
    case 'invite':
      return { kind: e.type, by: hex(e.inviter), member: hex(e.invitee) }
    case 'commit-applied':
      return {
        kind: e.type,
        epoch: String(e.epoch),
        by: hex(e.committer),
        batch: e.batch.map((r) => {
          const d = describeRequest(r)
          return `${d.proposal ?? '?'} ${d.member ?? ''}`.trim()
        }),
      }
    case 'member-joined':
    case 'member-left':
      return { kind: e.type, member: hex(e.memberId), epoch: String(e.epoch) }
    case 'leaving':
      return { kind: e.type, epoch: String(e.epoch) }
    case 'fork-healed':
    case 'rejoined':
      return { kind: e.type, epoch: String(e.epoch) }
    case 'stranded':
      return { kind: e.type, epoch: String(e.epoch), detail: `${e.attesters} members attest another state` }
    case 'dropped':
      return { kind: e.type, reason: e.reason, ...(e.detail !== undefined ? { detail: e.detail } : {}) }
    case 'error':
      return { kind: e.type, reason: e.operation, error: oneLine(e.error) }
    case 'welcome-ready':
      return { kind: e.type, ...(e.mintedLocally ? { reason: 'minted' } : {}) }
    case 'membership-notice':
      return { kind: e.type, member: hex(e.member) }
    case 'freeze-progress':
      return undefined // too chatty for a timeline
    case 'backfill':
      return { kind: e.type, detail: `${e.packets} packets, ${e.messages} messages` }
    default:
      return { kind: e.type }
  }
}

function status(conversationId: string): Status {
  const c = user?.conversation(conversationId)
  if (c === undefined)
    return {
      joined: false,
      state: 'none',
      mode: 'none',
      epoch: '-',
      members: [],
      stewards: [],
      isEpochSteward: false,
      authenticator: '',
      rss: process.memoryUsage().rss,
      cpuMs: cpuMs(),
      loopDelayMs: loopDelayMs(),
    }
  return {
    joined: true,
    state: c.state(),
    mode: c.conversation.mode(),
    epoch: String(c.epoch()),
    members: c.members().map(hex),
    stewards: c.conversation.stewards().map(hex),
    isEpochSteward: c.conversation.isEpochSteward(),
    authenticator: hex(c.epochAuthenticator()),
    rss: process.memoryUsage().rss,
    cpuMs: cpuMs(),
    loopDelayMs: loopDelayMs(),
    sent: c.conversation.sentByKind(),
    ...(c.conversation.aggregatesVotes() ? { aggregate: c.conversation.aggregateStats(), votesReceived: { ...(votesReceived.get(conversationId) ?? { packets: 0, bytes: 0 }) } } : {}),
  }
}

/** Packets of each conversation's `votes` subtopic our transport delivered, and their bytes. */
const votesReceived = new Map<string, { packets: number; bytes: number }>()

/** DEMO_RELAY_VOTES=true|false|auto: `UserInit.relayVotes` (the library's default, true, when unset). */
function relayVotes(): boolean | 'auto' {
  const v = process.env.DEMO_RELAY_VOTES
  return v === 'false' ? false : v === 'auto' ? 'auto' : true
}

/** How late this process's event loop runs timers (the soak's notes); DEMO_LOOP_DELAY=0 turns the sampling off. */
const loopDelay = monitorEventLoopDelay({ resolution: 100 })
if (process.env.DEMO_LOOP_DELAY !== '0') loopDelay.enable()

function loopDelayMs(): Status['loopDelayMs'] {
  const ms = (ns: number) => Math.round(ns / 1e6)
  return { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) }
}

function cpuMs(): number {
  const u = process.cpuUsage()
  return Math.round((u.user + u.system) / 1000)
}

function handle(conversationId: string) {
  const c = user?.conversation(conversationId)
  if (c === undefined) throw new Error(`not a member of ${conversationId}`)
  return c
}

async function run(cmd: Command): Promise<Omit<Extract<Report, { type: 'reply' }>, 'type' | 'seq' | 'ok'>> {
  switch (cmd.type) {
    case 'start': {
      const transport = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: cmd.bootstrap })
      const privateKey = keyFor(cmd.index)
      const snMax = demoSnMax()
      // Encrypted at rest by default: User.create unlocks it with a key derived from privateKey.
      const storage = cmd.storage === undefined ? undefined : await levelStorage({ location: cmd.storage })
      user = await User.create({
        privateKey,
        transport,
        clock: systemClock,
        config: { ...(cmd.timing === 'lan' ? LAN_TIMING : FAST), ...(process.env.DEMO_MAX_SESSIONS ? { maxConsensusSessions: Number(process.env.DEMO_MAX_SESSIONS) } : {}), ...(snMax !== undefined ? { stewardList: { snMax } } : {}) },
        ...(storage !== undefined ? { storage } : {}),
        relayVotes: relayVotes(),
        // DEMO_CONSENSUS=aggregated: the BLS plug-in (issue 55), votes on adds and removals to the aggregators.
        ...(process.env.DEMO_CONSENSUS === 'aggregated'
          ? { plugins: { consensus: (signer: ConsensusSigner) => blsConsensusPlugin(signer as EthereumSigner, { memberSecretKey: privateKey }) } }
          : {}),
      })
      transport.addEventListener('message', (e) => {
        const { conversationId, subtopic, payload } = e.detail.envelope
        if (subtopic !== 'votes') return
        const v = votesReceived.get(conversationId) ?? { packets: 0, bytes: 0 }
        v.packets++
        v.bytes += payload.length
        votesReceived.set(conversationId, v)
      })
      user.events$.subscribe((e) => {
        const event = summarize(e)
        if (event) report({ ...event, conversation: e.conversationId })
      })
      user.joinProgress$.subscribe((p) => {
        if (p.phase === 'probing' && p.probesSent > 0) return // one line per phase is enough
        const detail = p.phase === 'welcome-dropped' ? { reason: p.reason, error: oneLine(p.error) } : {}
        report({ kind: 'join-progress', state: p.phase, conversation: p.conversationId, ...detail })
      })
      const restored = user.conversations().map((id) => ({ conversationId: id, epoch: String(user?.conversation(id)?.epoch()) }))
      return { memberId: hex(user.memberId), addrs: transport.multiaddrs().map(String), restored }
    }
    case 'create':
      await user?.createConversation(cmd.conversationId, cmd.admission === undefined ? {} : { admission: cmd.admission })
      return {}
    case 'invite':
      await handle(cmd.conversationId).invite(unhex(cmd.member))
      return {}
    case 'join': {
      if (!user) throw new Error('not started')
      // Announce only once our key package can reach someone subscribed to the welcome channel.
      const welcome = topicFor(cmd.conversationId, 'welcome')
      for (let i = 0; i < 100 && !user.transport.readiness(welcome).ready; i++) await sleep(100)
      await user.join(cmd.conversationId, { timeoutMs: cmd.timeoutMs, signal: AbortSignal.timeout(cmd.timeoutMs + 1_000) })
      return {}
    }
    case 'send':
      await handle(cmd.conversationId).sendMessage(new TextEncoder().encode(cmd.text))
      return {}
    case 'remove': {
      const proposalId = await handle(cmd.conversationId).removeMember(unhex(cmd.member))
      return proposalId === undefined ? {} : { proposalId }
    }
    case 'vote':
      await handle(cmd.conversationId).vote(cmd.proposalId, cmd.choice)
      return {}
    case 'leave':
      await handle(cmd.conversationId).leave()
      return {}
    case 'silence':
      await user?.stop()
      return {}
    case 'status':
      return { status: status(cmd.conversationId) }
    case 'stop':
      await user?.stop().catch(() => undefined)
      setTimeout(() => process.exit(0), 50)
      return {}
  }
}

process.on('message', (cmd: Command) => {
  run(cmd).then(
    (result) => send({ type: 'reply', seq: cmd.seq, ok: true, ...result }),
    (err: unknown) => send({ type: 'reply', seq: cmd.seq, ok: false, error: oneLine(err) }),
  )
})
// The orchestrator went away (crash, Ctrl-C): never outlive it.
process.on('disconnect', () => process.exit(0))
