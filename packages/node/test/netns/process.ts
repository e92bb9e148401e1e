/**
 * The test's side of a process run inside a network namespace
 * (`ip netns exec <ns> node …`): a member (`peer.mjs`, driven over IPC) or
 * the demls-node bin (read from its output).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const PEER = fileURLToPath(new URL('./peer.mjs', import.meta.url))

export interface Reply {
  ok: boolean
  error?: string
  [k: string]: unknown
}

export interface ChatEvent {
  at: number
  conversation: string
  by: string
  text: string
}

/** A backfill (`messages` of `packets` read) or an error event of a member's session. */
export interface Note {
  at: number
  conversation: string
  kind: 'backfill' | 'error'
  packets?: number
  messages?: number
  detail?: string
}

export interface ConnectionInfo {
  peer: string
  addr: string
  limited: boolean
  status: string
}

/** Spawn `args` inside `ns`; output goes to `log` (prefixed). */
function inNs(ns: string, args: string[], ipc: boolean, log: (line: string) => void): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])] })
  let buf = ''
  const onData = (d: Buffer) => {
    buf += d.toString()
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      log(buf.slice(0, i))
      buf = buf.slice(i + 1)
    }
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  return child
}

export class Member {
  readonly events: ChatEvent[] = []
  readonly notes: Note[] = []
  readonly lines: string[] = []
  memberId = ''
  peerId = ''
  readonly #child: ChildProcess
  readonly #pending = new Map<number, (r: Reply) => void>()
  #seq = 0
  #exited = false

  constructor(
    readonly name: string,
    readonly ns: string,
  ) {
    this.#child = inNs(ns, [PEER], true, (l) => this.lines.push(l))
    this.#child.on('message', (m: { type: string; seq?: number } & Reply & ChatEvent & Note) => {
      if (m.type === 'event') this.events.push(m)
      else if (m.type === 'note') this.notes.push(m)
      else if (m.seq !== undefined) {
        this.#pending.get(m.seq)?.(m)
        this.#pending.delete(m.seq)
      }
    })
    this.#child.on('exit', () => {
      this.#exited = true
      for (const p of this.#pending.values()) p({ ok: false, error: `${this.name} exited` })
      this.#pending.clear()
    })
  }

  async request(cmd: Record<string, unknown> & { type: string }, timeoutMs = 30_000): Promise<Reply> {
    if (this.#exited) throw new Error(`${this.name} is not running`)
    const seq = ++this.#seq
    const r = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(seq)
        reject(new Error(`${this.name}: '${cmd.type}' got no reply within ${timeoutMs} ms\n${this.lines.slice(-20).join('\n')}`))
      }, timeoutMs)
      this.#pending.set(seq, (r) => {
        clearTimeout(timer)
        resolve(r)
      })
      this.#child.send({ ...cmd, seq })
    })
    if (!r.ok) throw new Error(`${this.name}: '${cmd.type}' failed: ${r.error}\n${this.lines.slice(-20).join('\n')}`)
    return r
  }

  async connections(): Promise<ConnectionInfo[]> {
    return (await this.request({ type: 'connections' })).connections as ConnectionInfo[]
  }

  /** Chat messages received from `by` (member id) containing `text`. */
  got(text: string): boolean {
    return this.events.some((e) => e.text === text)
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()))
    this.request({ type: 'stop' }, 5_000).catch(() => undefined)
    const t = setTimeout(() => this.kill(), 5_000)
    await exited
    clearTimeout(t)
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL')
  }
}

/** The demls-node bin in a namespace: resolves once it printed its ready line. */
export async function startNodeIn(ns: string, bin: string, args: string[], log: string[]): Promise<{ child: ChildProcess; peerId: string; multiaddrs: string[] }> {
  let ready: { peerId: string; multiaddrs: string[] } | undefined
  const child = inNs(ns, [bin, ...args], false, (l) => {
    log.push(l)
    if (l.startsWith('demls-node-ready ')) ready = JSON.parse(l.slice('demls-node-ready '.length))
  })
  const deadline = Date.now() + 30_000
  while (ready === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`demls-node did not get ready in ${ns}:\n${log.join('\n')}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, ...ready }
}
