import { type ChildProcess, spawn } from 'node:child_process'
import { tmpdir } from 'node:os'
import { BIN } from './build-setup.js'

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]|\r`, 'g')

/**
 * demls-chat (the built bin) in a real pseudo-terminal (util-linux `script` allocates it),
 * driven the way a person uses it: type a line, read the screen.
 */
export class Terminal {
  readonly name: string
  #screen = ''
  readonly #child: ChildProcess
  readonly exited: Promise<number | null>

  constructor(name: string, args: string[]) {
    this.name = name
    // The installed bin as a user runs it: the executable itself (its `#!/usr/bin/env node` line), from anywhere.
    const cmd = [BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
    this.#child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'dumb' } })
    this.#child.stdout!.on('data', (d: Buffer) => {
      this.#screen += d.toString('utf8').replace(ANSI, '')
    })
    this.#child.stderr!.on('data', (d: Buffer) => {
      this.#screen += d.toString('utf8').replace(ANSI, '')
    })
    this.exited = new Promise((r) => this.#child.on('exit', (code) => r(code)))
  }

  /** Everything printed so far (escape sequences removed). */
  get screen(): string {
    return this.#screen
  }

  /** Type a line and press Enter. */
  type(line: string): void {
    this.#child.stdin!.write(`${line}\r`)
  }

  /** Wait until the screen (after `from`) matches; return the match. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000, from = 0): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs
    for (;;) {
      const m = this.#screen.slice(from).match(pattern)
      if (m) return m
      if (Date.now() > end) throw new Error(`${this.name}: ${pattern} not on screen within ${timeoutMs} ms. Screen:\n${this.#screen.slice(-3000)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /** The screen length now (to wait only for what comes after). */
  mark(): number {
    return this.#screen.length
  }

  kill(): void {
    this.#child.kill('SIGKILL')
  }
}
