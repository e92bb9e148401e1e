import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const TSX = import.meta.resolve('tsx')
const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * The example's start script (`src/peer/start.ts`) as a child process, as a
 * person runs it: it builds the page, starts the Node peer and serves the
 * page. Its stdout is kept line by line; `send` types a line on its stdin.
 */
export class PeerProcess {
  readonly lines: string[] = []
  readonly #child: ChildProcess
  #exit: number | null | undefined

  constructor(args: string[]) {
    this.#child = spawn(process.execPath, ['--import', TSX, 'src/peer/start.ts', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] })
    let buffered = ''
    const take = (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      this.lines.push(...parts)
    }
    this.#child.stdout?.on('data', take)
    this.#child.stderr?.on('data', take)
    this.#child.on('exit', (code) => {
      this.#exit = code
    })
  }

  /** Wait for an output line matching `pattern`; resolves its match. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      for (const l of this.lines) {
        const m = l.match(pattern)
        if (m) return m
      }
      if (this.#exit !== undefined) throw new Error(`the peer exited (${this.#exit}) before printing ${pattern}:\n${this.lines.join('\n')}`)
      if (Date.now() > deadline) throw new Error(`the peer did not print ${pattern} within ${timeoutMs} ms:\n${this.lines.join('\n')}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  /** Type a line on the peer's stdin (it sends it to the group). */
  send(line: string): void {
    this.#child.stdin?.write(`${line}\n`)
  }

  /** Stop it with SIGTERM and wait for it to exit. */
  async stop(): Promise<void> {
    if (this.#exit !== undefined) return
    const exited = new Promise((r) => this.#child.once('exit', r))
    this.#child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))])
    if (this.#exit === undefined) this.#child.kill('SIGKILL')
  }
}
