/**
 * The final summary: one row per step of the demo with its duration, the
 * epoch and member count it ended with, chat deliveries and errors. The
 * same data is written as JSON when `DEMO_REPORT=<file>` is set (the test
 * reads it).
 */
import { writeFileSync } from 'node:fs'

export interface StepResult {
  step: string
  ok: boolean
  durationMs: number
  epoch: string
  members: number
  delivered: number
  errors: number
  note: string
}

export interface DemoReport {
  ok: boolean
  totalMs: number
  steps: StepResult[]
  /** Members after the joins (5 expected). */
  joined: number
  /** Chat deliveries / expected deliveries (20 / 20 with 5 peers). */
  chat: { delivered: number; expected: number }
  /** How the group committed while its epoch steward was silent (step 5a). */
  recovery: { silent: string; committer: string; how: 'backup-steward' | 're-election' | 'none'; afterApprovalMs: number } | undefined
  /** Who committed the silent steward's eviction and which stewards were elected (step 5b). */
  eviction: { committer: string; stewards: string[] } | undefined
  /** The peer killed with SIGKILL and restarted from its store in step 4b. */
  restart:
    | { peer: string; epochAtKill: string; resumedAt: string; convergedAt: string; missedChats: number; recoveredChats: number; chatAfterDelivered: number }
    | undefined
  /** The member removed by vote in step 6 and whether it saw `leaving`. */
  removal: { removed: string; sawLeaving: boolean; members: number } | undefined
  failure?: string
}

export function printSummary(report: DemoReport): void {
  const cols = ['step', 'ok', 'duration', 'epoch', 'members', 'delivered', 'errors', 'note'] as const
  const rows = report.steps.map((s) => [
    s.step,
    s.ok ? '✔' : '✘',
    `${(s.durationMs / 1000).toFixed(2)}s`,
    s.epoch,
    String(s.members),
    s.delivered ? String(s.delivered) : '',
    String(s.errors),
    s.note,
  ])
  const width = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(width[i] ?? 0)).join(' │ ')
  console.log('\n── summary ' + '─'.repeat(64))
  console.log(line(cols))
  console.log(width.map((w) => '─'.repeat(w)).join('─┼─'))
  for (const r of rows) console.log(line(r))
  console.log(
    `\n${report.ok ? 'OK' : 'FAILED'} in ${(report.totalMs / 1000).toFixed(1)}s — joined ${report.joined}/5, chat ${report.chat.delivered}/${report.chat.expected} delivered` +
      (report.restart
        ? `, ${report.restart.peer} killed and resumed from disk at epoch ${report.restart.resumedAt} (recovered ${report.restart.recoveredChats} chats sent while down, missed ${report.restart.missedChats})`
        : '') +
      (report.recovery ? `, silent ${report.recovery.silent} recovered by ${report.recovery.how} (${report.recovery.committer})` : '') +
      (report.eviction ? ` and evicted (by ${report.eviction.committer})` : '') +
      (report.removal ? `, ${report.removal.removed} removed (saw leaving: ${report.removal.sawLeaving})` : '') +
      (report.failure ? `\nfailure: ${report.failure}` : ''),
  )
  const file = process.env.DEMO_REPORT
  if (file) writeFileSync(file, JSON.stringify(report, null, 2))
}
