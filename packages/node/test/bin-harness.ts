// What the tests of the built bin share: starting `demls-node` as a process
// and reading its ready line, gossipsub members on 127.0.0.1, temporary
// directories, and cleaning all of them up after each test.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type GossipsubTransport, gossipsubTransport } from '@demls/transport-gossipsub'
import { afterEach } from 'vitest'
import { BIN } from './build-setup.js'

/** The `demls-node-ready` line's JSON. */
export interface Ready {
  peerId: string
  multiaddrs: string[]
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** Whether/when a process exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((r) => child.once('exit', (code) => r(code)))
}

/** Registers the clean-up in the calling test file; `prefix` names its temporary directories. */
export function binHarness(prefix: string) {
  const children: ChildProcess[] = []
  const transports: GossipsubTransport[] = []
  const dirs: string[] = []

  afterEach(async () => {
    await Promise.allSettled(transports.splice(0).map((t) => t.stop()))
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  function tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), prefix))
    dirs.push(d)
    return d
  }

  /** Start the bin on a free 127.0.0.1 port; resolve with its ready line and the process. */
  async function startBin(args: string[]): Promise<{ child: ChildProcess; ready: Ready; out: () => string }> {
    const child = spawn(process.execPath, [BIN, '--listen', '/ip4/127.0.0.1/tcp/0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    children.push(child)
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const deadline = Date.now() + 30_000
    for (;;) {
      const line = out.split('\n').find((l) => l.startsWith('demls-node-ready '))
      if (line !== undefined) return { child, ready: JSON.parse(line.slice('demls-node-ready '.length)) as Ready, out: () => out }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`demls-node did not get ready:\n${out}`)
      await sleep(50)
    }
  }

  /** A gossipsub member on a free 127.0.0.1 port, stopped after the test. */
  function member(init: Parameters<typeof gossipsubTransport>[0]): GossipsubTransport {
    const t = gossipsubTransport({ listen: ['/ip4/127.0.0.1/tcp/0'], ...init })
    transports.push(t)
    return t
  }

  return { tempDir, startBin, member }
}
