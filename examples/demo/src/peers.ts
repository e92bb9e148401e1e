/**
 * The orchestrator's side of a peer process: fork `peer.ts` under tsx,
 * send typed commands over IPC and await their replies, keep every event
 * the peer reports. Always killable (`kill()`), whatever state it is in.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Command, EventSummary, Report, Status } from './protocol.js'

type Reply = Extract<Report, { type: 'reply' }>
/** A command without its `seq` (distributive over the union). */
type Request = Command extends infer C ? (C extends Command ? Omit<C, 'seq'> : never) : never

/** Where `peer.ts` lives and how to run TypeScript in the child: tsx's loader, resolved from here. */
const PEER_PATH = fileURLToPath(new URL('./peer.ts', import.meta.url))
const TSX_LOADER = import.meta.resolve('tsx')

export interface RecordedEvent {
  at: number
  event: EventSummary
}

export class PeerProcess {
  readonly index: number
  readonly name: string
  readonly events: RecordedEvent[] = []
  memberId = ''
  addrs: string[] = []
  silenced = false
  removed = false
  readonly #child: ChildProcess
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  #seq = 0
  #exited = false

  constructor(index: number, onEvent: (peer: PeerProcess, e: RecordedEvent) => void) {
    this.index = index
    this.name = `peer${index}`
    // DEMO_PROFILE_PEER=<i,j,…>: those peers write a V8 CPU profile into DEMO_PROFILE_DIR (default ./profiles) when it exits.
    const profile = (process.env.DEMO_PROFILE_PEER ?? '').split(',').includes(String(index)) ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DEMO_PROFILE_DIR ?? 'profiles'}`] : []
    this.#child = fork(PEER_PATH, [], { execArgv: ['--import', TSX_LOADER, ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    this.#child.on('message', (r: Report) => {
      if (r.type === 'events') {
        for (const e of r.events) {
          this.events.push(e)
          onEvent(this, e)
        }
        return
      }
      const p = this.#pending.get(r.seq)
      this.#pending.delete(r.seq)
      p?.resolve(r)
    })
    this.#child.on('exit', (code, signal) => {
      this.#exited = true
      for (const p of this.#pending.values()) p.reject(new Error(`${this.name} exited (${signal ?? code})`))
      this.#pending.clear()
    })
  }

  /** Send a command; resolve its reply, reject on `ok: false`, exit or timeout. */
  request(cmd: Request, timeoutMs = 10_000): Promise<Reply> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} is not running`))
    const seq = ++this.#seq
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(seq)
        // DEMO_REPORT_ON_TIMEOUT=1 (with NODE_OPTIONS=--report-on-signal): snapshot what the unresponsive peer is doing.
        if (process.env.DEMO_REPORT_ON_TIMEOUT) this.#child.kill('SIGUSR2')
        reject(new Error(`${this.name}: '${cmd.type}' got no reply within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#pending.set(seq, {
        resolve: (r) => {
          clearTimeout(timer)
          if (r.ok) resolve(r)
          else reject(new Error(`${this.name}: '${cmd.type}' failed: ${r.error}`))
        },
        reject: (e) => {
          clearTimeout(timer)
          reject(e)
        },
      })
      this.#child.send({ ...cmd, seq })
    })
  }

  async status(conversationId: string, timeoutMs = 10_000): Promise<Status> {
    const r = await this.request({ type: 'status', conversationId }, timeoutMs)
    if (!r.status) throw new Error(`${this.name}: empty status`)
    return r.status
  }

  /** Events of one kind since `since` (ms). */
  eventsOf(kind: string, since = 0): EventSummary[] {
    return this.events.filter((e) => e.at >= since && e.event.kind === kind).map((e) => e.event)
  }

  /** Ask the peer to stop; kill it if it does not exit within `graceMs`. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.#exited) return
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()))
    this.request({ type: 'stop' }, graceMs).catch(() => undefined)
    const timer = setTimeout(() => this.kill(), graceMs)
    await exited
    clearTimeout(timer)
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL')
  }

  /** Resolves once the process has exited. */
  exited(): Promise<void> {
    if (this.#exited) return Promise.resolve()
    return new Promise<void>((r) => this.#child.once('exit', () => r()))
  }
}
