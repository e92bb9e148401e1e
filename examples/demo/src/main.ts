/**
 * The demls demo: five peers, each its own OS process, talking libp2p
 * gossipsub on 127.0.0.1, play the life of one group while this
 * orchestrator narrates it:
 *
 *   1. peer0 creates the conversation `demo`;
 *   2. peer0 `invite`s peers 1–2, then 3–4 (signed invitations every member
 *      checks), and they `join`: each announces a key package, the members
 *      auto-vote YES for the invited, the epoch steward commits and its
 *      Welcome brings them in (an uninvited key package would be voted NO);
 *   3. the commits behind that, and the steward list the group then elects;
 *   4. every peer sends one end-to-end encrypted message; all are delivered;
 *   4b. a plain member is killed with SIGKILL; the others chat on; it starts
 *      again from its encrypted LevelDB directory, resumes the conversation
 *      at its epoch and chats again (every peer keeps its state on disk);
 *   5a. the epoch steward goes silent; a plain member leaves (its removal
 *      is decided at once and waits for a commit); after the
 *      commit-inactivity window the backup steward commits instead (if a
 *      steward election won the race, that is reported);
 *   5b. the group evicts the silent steward, by the live members' votes
 *      (and elects a new steward list);
 *   6. a member is removed by the others' explicit YES votes (in a group
 *      by invitation silence never removes anyone) and sees `leaving`;
 *   7. a summary table.
 *
 * Each step has a deadline; the run fails (exit 1) when one is missed.
 * Child processes are killed on every exit path. The de-MLS API calls are
 * in `peer.ts`; this file only sends it commands and reads its events.
 *
 * Run: `pnpm demo` at the repo root, or `pnpm start` here.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PEERS } from './keys.js'
import { PeerProcess } from './peers.js'
import type { EventSummary } from './protocol.js'
import { converged as convergedIn, sleep, waitFor } from './swarm.js'
import { type DemoReport, type StepResult, printSummary } from './summary.js'
import { Timeline } from './timeline.js'

const ID = 'demo'
const TOTAL_DEADLINE_MS = 150_000
/** Every peer keeps its state in an encrypted LevelDB directory under here (deleted at exit). */
const STATE_DIR = mkdtempSync(join(tmpdir(), 'demls-demo-'))
const stateOf = (index: number) => join(STATE_DIR, `peer${index}`)
const t0 = Date.now()
const names = new Map<string, string>()
const timeline = new Timeline(t0, names)
const peers: PeerProcess[] = []
const report: DemoReport = {
  ok: false,
  totalMs: 0,
  steps: [],
  joined: 0,
  chat: { delivered: 0, expected: 0 },
  restart: undefined,
  recovery: undefined,
  eviction: undefined,
  removal: undefined,
}

function killAll(): void {
  for (const p of peers) p.kill()
  rmSync(STATE_DIR, { recursive: true, force: true })
}

const onPeerEvent = (p: PeerProcess, e: { at: number; event: EventSummary }) => timeline.event(p.index, e.at, e.event)

/** Statuses of `group` when they all agree (working, one epoch, one authenticator, `size` members). */
const converged = (group: PeerProcess[], size: number) => convergedIn(ID, group, size)

/** Peers still taking part: neither silenced nor removed. */
const live = () => peers.filter((p) => !p.silenced && !p.removed)
const errorsSince = (since: number) => peers.reduce((n, p) => n + p.eventsOf('error', since).length, 0)

/** Run one step with its own deadline; record its row of the summary. */
async function step(name: string, deadlineMs: number, body: (since: number) => Promise<Partial<StepResult>>): Promise<void> {
  timeline.header(name)
  const since = Date.now()
  let row: Partial<StepResult> = {}
  let failure: Error | undefined
  try {
    row = await Promise.race([
      body(since),
      sleep(deadlineMs).then(() => Promise.reject(new Error(`step deadline of ${deadlineMs / 1000}s missed`))),
    ])
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err))
  }
  timeline.flushDropped()
  const status = await live()[0]?.status(ID).catch(() => undefined)
  report.steps.push({
    step: name,
    ok: failure === undefined,
    durationMs: Date.now() - since,
    epoch: status?.epoch ?? '-',
    members: status?.members.length ?? 0,
    delivered: 0,
    errors: errorsSince(since),
    note: failure?.message ?? '',
    ...row,
  })
  if (failure) throw new Error(`${name}: ${failure.message}`)
}

async function run(): Promise<void> {
  await step('0. start 5 peer processes', 60_000, async () => {
    for (let i = 0; i < PEERS; i++) peers.push(new PeerProcess(i, onPeerEvent))
    // Most of this step is five Node processes loading libp2p and MLS at once.
    // Each peer dials every earlier one (a full mesh on loopback), so the group
    // stays connected when any one of them goes silent later.
    for (const p of peers) {
      const bootstrap = peers.slice(0, p.index).flatMap((q) => q.addrs)
      const r = await p.request({ type: 'start', index: p.index, bootstrap, storage: stateOf(p.index) }, 55_000)
      p.memberId = r.memberId ?? ''
      p.addrs = r.addrs ?? []
      names.set(p.memberId, p.name)
      timeline.say(`${p.name} up: member id 0x${p.memberId.slice(0, 10)}…, listening on ${p.addrs[0]}`)
    }
    return { note: 'gossipsub full mesh on 127.0.0.1' }
  })

  await step('1. peer0 creates the conversation', 10_000, async () => {
    await peers[0]!.request({ type: 'create', conversationId: ID })
    return { note: 'peer0 is the only member and steward' }
  })

  await step('2. peer0 invites peers 1-4; they join, approved by vote', 50_000, async () => {
    // Two waves, so the second commit finds settled members (joined in an
    // earlier epoch) and the group then elects a steward list of two: the
    // epoch steward and a backup (used in step 5a).
    for (const wave of [peers.slice(1, 3), peers.slice(3)]) {
      timeline.say(`peer0 invites ${wave.map((p) => p.name).join(' and ')}: signed invitations, sent encrypted to the group`)
      for (const p of wave) await peers[0]!.request({ type: 'invite', conversationId: ID, member: p.memberId })
      timeline.say(`${wave.map((p) => p.name).join(' and ')} announce key packages on the welcome channel`)
      await Promise.all(wave.map((p) => p.request({ type: 'join', conversationId: ID, timeoutMs: 20_000 }, 22_000)))
      const size = wave.at(-1)!.index + 1
      await waitFor(`${size} converged members`, 15_000, () => converged(peers.slice(0, size), size))
    }
    const all = await waitFor('5 converged members', 10_000, () => converged(peers, PEERS))
    report.joined = all[0]!.members.length
    return { note: `all 5 at epoch ${all[0]!.epoch} with one epoch authenticator` }
  })

  await step('3. commit by the epoch steward', 10_000, async () => {
    // Until the first steward election, the creator is the only steward, so it is every epoch's steward.
    const commits = peers[0]!.eventsOf('commit-applied')
    for (const c of commits) timeline.say(`epoch ${c.epoch} was committed by ${timeline.name(c.by)}, the epoch steward: ${c.batch?.map(nameIds).join(', ')}`)
    if (commits.length === 0) throw new Error('no commit was applied')
    // The group now has more settled members than steward seats: it elects a steward list (a vote, no commit).
    const all = await waitFor('an elected steward list on every peer', 8_000, async () => {
      const st = await Promise.all(peers.map((p) => p.status(ID)))
      return st.every((x) => x.stewards.length > 1 && x.stewards.join() === st[0]!.stewards.join()) ? st : undefined
    })
    const list = all[0]!.stewards.map((m) => timeline.name(m)).join(', ')
    const epochSteward = peers[all.findIndex((x) => x.isEpochSteward)]?.name ?? '?'
    timeline.say(`steward list agreed by all: [${list}]; epoch ${all[0]!.epoch} steward is ${epochSteward}`)
    const by = [...new Set(commits.map((c) => timeline.name(c.by)))].join(', ')
    return { note: `${commits.length} commit(s) by ${by}; elected stewards [${list}]` }
  })

  await step('4. encrypted chat, everyone to everyone', 20_000, async (since) => {
    await Promise.all(peers.map((p) => p.request({ type: 'send', conversationId: ID, text: `hello from ${p.name}` })))
    const expected = peers.length * (peers.length - 1)
    const delivered = () =>
      peers.reduce((n, p) => n + new Set(p.eventsOf('message', since).filter((m) => m.by !== p.memberId).map((m) => m.by)).size, 0)
    report.chat.expected = expected
    await waitFor(`${expected} deliveries`, 15_000, () => (delivered() >= expected ? true : undefined))
    report.chat.delivered = delivered()
    return { delivered: report.chat.delivered, note: `${report.chat.delivered}/${expected} delivered, each peer got the other 4` }
  })

  await step('4b. a peer is killed (SIGKILL) and restarts from disk', 45_000, async () => {
    const statuses = await Promise.all(peers.map((p) => p.status(ID)))
    // A plain member (not a steward), so that steps 5a-6 play as before.
    const stewards = statuses[0]!.stewards
    const victim = peers.filter((p) => !stewards.includes(p.memberId)).at(-1)
    if (victim === undefined) throw new Error('no plain member to kill')
    const epochAtKill = statuses[victim.index]!.epoch
    timeline.say(`${victim.name} is killed with SIGKILL at epoch ${epochAtKill}; its state is in an encrypted LevelDB directory`)
    victim.kill()
    await victim.exited()
    const others = peers.filter((p) => p !== victim)
    const away = `while ${victim.name} was down`
    const downSince = Date.now()
    await Promise.all(others.map((p) => p.request({ type: 'send', conversationId: ID, text: `${away}, from ${p.name}` })))
    await waitFor('the others to read each other', 10_000, () =>
      others.every((p) => p.eventsOf('message', downSince).filter((m) => m.text?.startsWith(away)).length >= others.length - 1) ? true : undefined,
    )
    const restarted = new PeerProcess(victim.index, onPeerEvent)
    peers[victim.index] = restarted
    const r = await restarted.request({ type: 'start', index: victim.index, bootstrap: others.flatMap((q) => q.addrs), storage: stateOf(victim.index) }, 55_000)
    restarted.memberId = r.memberId ?? ''
    restarted.addrs = r.addrs ?? []
    const resumed = r.restored?.find((c) => c.conversationId === ID)
    if (resumed === undefined) throw new Error(`${victim.name} did not resume "${ID}" from its store`)
    timeline.say(`${restarted.name} started again: resumed "${ID}" at epoch ${resumed.epoch} from its store, still a member`)
    const all = await waitFor(`${PEERS} converged members`, 20_000, () => converged(peers, PEERS))
    const backSince = Date.now()
    await restarted.request({ type: 'send', conversationId: ID, text: `${restarted.name} is back` })
    const reached = () => others.filter((p) => p.eventsOf('message', backSince).some((m) => m.by === restarted.memberId)).length
    await waitFor('its chat to reach the others', 10_000, () => (reached() === others.length ? true : undefined))
    // What was sent while it was down comes back from the stewards' history (chat backfill).
    const recovered = () => restarted.eventsOf('message').filter((m) => m.text?.startsWith(away)).length
    await waitFor('the chat it missed, from the history of the others', 10_000, () => (recovered() >= others.length ? true : undefined)).catch(() => undefined)
    const missed = others.length - recovered()
    report.restart = {
      peer: restarted.name,
      epochAtKill,
      resumedAt: resumed.epoch,
      convergedAt: all[0]!.epoch,
      missedChats: missed,
      recoveredChats: recovered(),
      chatAfterDelivered: reached(),
    }
    return {
      delivered: reached(),
      note: `${victim.name} killed at epoch ${epochAtKill}, resumed at ${resumed.epoch} from disk (converged at ${all[0]!.epoch}); recovered ${recovered()}/${others.length} chats sent while down (backfill); its next chat reached ${reached()}/${others.length}`,
    }
  })

  // Steps 5a and 5b share these.
  let silent: PeerProcess | undefined
  let proposer: PeerProcess | undefined

  await step('5a. the epoch steward goes silent', 30_000, async (since) => {
    const statuses = await Promise.all(peers.map((p) => p.status(ID)))
    silent = peers[statuses.findIndex((s) => s.isEpochSteward)]
    if (silent === undefined) throw new Error('no peer is the epoch steward')
    const stewards = statuses[0]!.stewards
    const plain = live().filter((p) => !stewards.includes(p.memberId))
    proposer = plain[0]
    const target = plain[1]
    if (proposer === undefined || target === undefined) throw new Error('need two members that are not stewards')
    const backups = stewards.filter((m) => m !== silent?.memberId).map((m) => timeline.name(m))
    timeline.say(`${silent.name}, this epoch's steward, stops its User and transport (backup steward: ${backups.join(', ')})`)
    await silent.request({ type: 'silence' })
    silent.silenced = true
    timeline.say(`${target.name} leaves: its removal is decided at once and waits for a commit that ${silent.name} never sends`)
    const r = await removeAndWait(proposer, target, since, 'leave')
    const how = r.committer === silent.name ? 'none' : r.elected.length > 0 ? 're-election' : 'backup-steward'
    report.recovery = { silent: silent.name, committer: r.committer, how, afterApprovalMs: r.afterApprovalMs }
    if (how === 'none') throw new Error('the silent steward cannot have committed')
    timeline.say(
      how === 'backup-steward'
        ? `recovered by the backup steward: ${r.committer} committed epoch ${r.epoch} ${(r.afterApprovalMs / 1000).toFixed(1)}s after approval (commit inactivity window 2s + freeze 1s)`
        : `recovered by re-election [${r.elected.join(', ')}]: ${r.committer} committed epoch ${r.epoch}`,
    )
    return { note: `${silent.name} silent; ${how} ${r.committer} committed ${(r.afterApprovalMs / 1000).toFixed(1)}s after approval` }
  })

  await step('5b. the group evicts the silent steward', 30_000, async (since) => {
    if (!silent || !proposer) throw new Error('step 5a did not run')
    timeline.say(`${proposer.name} proposes removing the silent ${silent.name} and the others vote YES; removing a steward makes the group elect a new steward list`)
    const r = await removeAndWait(proposer, silent, since, 'remove')
    report.eviction = { committer: r.committer, stewards: r.elected }
    timeline.say(`${silent.name} evicted at epoch ${r.epoch}, committed by ${r.committer}${r.elected.length ? `; elected stewards [${r.elected.join(', ')}]` : ''}`)
    return { note: `${silent.name} removed by ${r.committer}${r.elected.length ? `; stewards now [${r.elected.join(', ')}]` : ''}` }
  })

  await step('6. a member is removed by vote', 30_000, async (since) => {
    const statuses = await Promise.all(live().map((p) => p.status(ID)))
    const stewards = statuses[0]!.stewards
    const target = live().filter((p) => !stewards.includes(p.memberId) && p !== proposer).at(-1) ?? live().at(-1)!
    const by = live().find((p) => p !== target)!
    timeline.say(`${by.name} proposes removing ${target.name}; the other members vote YES (silence would count as NO)`)
    const r = await removeAndWait(by, target, since, 'remove')
    report.removal = { removed: target.name, sawLeaving: target.eventsOf('leaving', since).length > 0, members: r.members }
    return { note: `${target.name} removed (committed by ${r.committer}) and saw 'leaving'` }
  })
}

/**
 * `proposer` proposes removing `target` and every other live peer but the
 * target votes YES on it (`'remove'`; in a group by invitation a removal
 * counts silent voters as NO and each member's automatic vote is its own
 * observation of the target), or `target` leaves (`'leave'`); wait until
 * the target saw `leaving` (unless it is silenced) and the other live peers
 * converged without it.
 */
async function removeAndWait(proposer: PeerProcess, target: PeerProcess, since: number, how: 'remove' | 'leave') {
  const before = (await proposer.status(ID)).members.length
  if (how === 'leave') await target.request({ type: 'leave', conversationId: ID })
  else {
    const { proposalId } = await proposer.request({ type: 'remove', conversationId: ID, member: target.memberId })
    // None when a removal of the target is already under way (one for inactivity): its own votes decide it.
    if (proposalId !== undefined) {
      const voters = live().filter((p) => p !== proposer && p !== target)
      await Promise.all(
        voters.map(async (v) => {
          await waitFor(`${v.name} to be asked to vote`, 10_000, () =>
            v.eventsOf('vote-requested', since).some((e) => e.proposalId === proposalId) ? true : undefined,
          )
          // Already voted automatically (its own observation came first): that vote stands.
          await v.request({ type: 'vote', conversationId: ID, proposalId, choice: true }).catch(() => undefined)
        }),
      )
    }
  }
  if (!target.silenced) await waitFor(`${target.name} to see leaving`, 20_000, () => (target.eventsOf('leaving', since).length > 0 ? true : undefined))
  target.removed = true
  const rest = live()
  const all = await waitFor(`the remaining ${before - 1} to converge`, 20_000, () => converged(rest, before - 1))
  const at = (pred: (e: EventSummary) => boolean) => proposer.events.find((e) => e.at >= since && pred(e.event))
  const approved = at((e) => e.kind === 'consensus-reached' && e.approved === true && e.member === target.memberId)
  const commit = at((e) => e.kind === 'commit-applied' && (e.batch ?? []).includes(`remove ${target.memberId}`))
  // A steward election approved between the proposal and the commit.
  const elected = proposer.events
    .filter((e) => e.at >= since && e.at <= (commit?.at ?? Date.now()))
    .map((e) => e.event)
    .filter((e) => e.kind === 'consensus-reached' && e.proposal === 'steward-election' && e.approved)
    .flatMap((e) => (e.stewards ?? []).map((m) => timeline.name(m)))
  return {
    committer: timeline.name(commit?.event.by),
    epoch: commit?.event.epoch ?? '?',
    afterApprovalMs: approved && commit ? commit.at - approved.at : 0,
    elected,
    members: all[0]!.members.length,
  }
}

const nameIds = (s: string) => s.replace(/[0-9a-f]{40}/g, (m) => timeline.name(m))

async function shutdown(code: number): Promise<never> {
  timeline.flush()
  await Promise.all(peers.map((p) => p.stop().catch(() => p.kill())))
  rmSync(STATE_DIR, { recursive: true, force: true })
  process.exit(code)
}

process.on('exit', killAll)
process.on('SIGINT', () => {
  console.error('\ninterrupted: stopping the peers')
  killAll()
  process.exit(130)
})
process.on('SIGTERM', () => {
  killAll()
  process.exit(143)
})
process.on('uncaughtException', (err) => {
  console.error('uncaught error:', err)
  killAll()
  process.exit(1)
})
process.on('unhandledRejection', (err) => {
  console.error('unhandled rejection:', err)
  killAll()
  process.exit(1)
})

const watchdog = setTimeout(() => {
  console.error(`\nthe demo did not finish within ${TOTAL_DEADLINE_MS / 1000}s`)
  killAll()
  process.exit(1)
}, TOTAL_DEADLINE_MS)

console.log(`demls demo: ${PEERS} peers, separate processes, gossipsub on 127.0.0.1, conversation "${ID}"`)
try {
  await run()
  report.ok = true
} catch (err) {
  report.failure = err instanceof Error ? err.message : String(err)
}
clearTimeout(watchdog)
report.totalMs = Date.now() - t0
printSummary(report)
await shutdown(report.ok ? 0 : 1)
