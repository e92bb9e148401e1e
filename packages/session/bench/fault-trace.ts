// Trace one seeded fault run (test/scenarios/fault-run.ts): the report, then
// with VERBOSE=1 every member event and every packet member 1 published.
// Run: pnpm --filter @demls/session fault-trace <seed>   (LOSS=0.1 and 5 members by
// default; FAULT_SIZE=12 as in bench/faults.ts). A seed repeats exactly (every random
// draw is seeded and the clock is virtual), so a failing seed fails here too.
import type { UserEvent } from '../src/index.js'
import { faultRun } from '../test/scenarios/fault-run.js'

const seed = Number(process.argv[2] ?? 1)
const short = (b: Uint8Array) => Buffer.from(b).toString('hex').slice(0, 4)
const lines: string[] = []

function describe(e: UserEvent): string {
  switch (e.type) {
    case 'consensus-reached':
      return `${e.request?.payload} ${e.proposalId} approved=${e.approved} failed=${e.failed}`
    case 'vote-requested':
    case 'own-proposal-submitted':
      return `${e.request?.payload} ${e.proposalId}`
    case 'phase-change':
      return `${e.state}/${e.mode}`
    case 'dropped':
      return `${e.reason} ${e.detail ?? ''} ${e.error?.message ?? ''}`
    case 'commit-applied':
      return `epoch ${e.epoch} by ${short(e.committer)}`
    case 'member-joined':
    case 'member-left':
      return `${short(e.memberId)} at ${e.epoch}`
    default:
      return 'epoch' in e ? `epoch ${e.epoch}` : ''
  }
}

const report = await faultRun({
  seed,
  loss: Number(process.env.LOSS ?? 0.1),
  size: Number(process.env.FAULT_SIZE ?? 5),
  setup: (net, users) => {
    // P1_PACKETS=0 leaves member 1's transport alone (the wrapper shifts timing: a run may differ with it).
    if (process.env.P1_PACKETS === '0') return
    const t = users[1]!.transport
    const publish = t.publish.bind(t)
    t.publish = async (packet, options) => {
      const r = await publish(packet, options)
      lines.push(`${net.clock.now() % 1_000_000} p1 published ${packet.subtopic} ${packet.payload.length} B to ${r.recipients}`)
      return r
    }
  },
  trace: (i, e, now) => {
    if (e.type === 'message' || e.type === 'welcome-ready' || e.type === 'freeze-progress') return
    lines.push(`${now % 1_000_000} p${i} ${e.type} ${describe(e)}`.slice(0, 240))
  },
})
console.log(JSON.stringify(report, null, 1))
if (process.env.VERBOSE) console.log(lines.join('\n'))
process.exit(0)
