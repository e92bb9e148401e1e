import { churnRun } from '../test/scenarios/churn-run.js'
import type { UserEvent } from '../src/index.js'
const short = (b: Uint8Array) => Buffer.from(b).toString('hex').slice(0, 4)
for (let attempt = 0; attempt < 25; attempt++) {
  const lines: string[] = []
  const describe = (e: UserEvent): string => {
    switch (e.type) {
      case 'consensus-reached': return `${e.request?.payload} ${e.proposalId} ${e.request?.removeMember ? short(e.request.removeMember.memberId) : e.request?.memberInvite ? short(e.request.memberInvite.memberId) : ''} approved=${e.approved} failed=${e.failed}`
      case 'vote-requested': case 'own-proposal-submitted': return `${e.request?.payload} ${e.proposalId} ${e.request?.removeMember ? short(e.request.removeMember.memberId) : ''}`
      case 'proposal-voided': return `${e.request.payload} ${e.proposalId} -> ${e.reproposedAs ?? '-'}`
      case 'phase-change': return `${e.state}/${e.mode}`
      case 'dropped': return `${e.reason} ${(e.detail ?? '').slice(0, 90)}`
      case 'commit-applied': return `epoch ${e.epoch} by ${short(e.committer)} batch ${e.batch.map((b) => b.payload + ':' + short((b.removeMember?.memberId ?? b.memberInvite?.memberId)!)).join(',')} src ${e.source}`
      default: return 'epoch' in e ? `epoch ${(e as { epoch: bigint }).epoch}` : ''
    }
  }
  const r = await churnRun({ seed: 79, loss: 0.2, timing: 'default', trace: (i: number, e: UserEvent, now: number) => {
    if (e.type === 'message' || e.type === 'welcome-ready' || e.type === 'freeze-progress' || (e.type === 'dropped' && (e.reason === 'duplicate' || e.reason === 'late'))) return
    lines.push(`${now % 10_000_000} p${i} ${e.type} ${describe(e)}`)
  } } as never)
  console.log(attempt, r.outcome)
  if (r.outcome !== 'converged') { (await import('node:fs')).writeFileSync('/tmp/trace79c.txt', [...r.detail, ...lines].join('\n')); break }
}
process.exit(0)
