// The built bin (`dist/main.js`, what `npm install @demls/node` installs),
// run as a process: usage, identity across restarts, graceful stop, a
// corrupt key file, members meeting through it, and its relay's bounds.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { topicFor, waitForReadiness } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { binHarness, exited, sleep } from './bin-harness.js'
import { BIN } from './build-setup.js'

const { tempDir, startBin, member } = binHarness('demls-node-test-')

describe('demls-node command line', () => {
  it('--help prints the usage and exits 0; a mistyped option or a bad number exits 2 with the usage', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^usage: demls-node /m)
    const bad = spawnSync(process.execPath, [BIN, '--relay'], { encoding: 'utf8' })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/Unknown option '--relay'/)
    const num = spawnSync(process.execPath, [BIN, '--relay-data', '0'], { encoding: 'utf8' })
    expect(num.status).toBe(2)
    expect(num.stderr).toMatch(/--relay-data: from 1 to 4096/)
  })

  it('keeps its peer id across restarts (key file), and stops cleanly on SIGTERM and SIGINT', async () => {
    const dir = tempDir()
    const first = await startBin(['--dir', dir])
    expect(first.out()).toMatch(/new identity/)
    first.child.kill('SIGTERM')
    expect(await exited(first.child)).toBe(0)
    expect(first.out()).toMatch(/demls-node: stopped/)
    const second = await startBin(['--dir', dir])
    expect(second.ready.peerId).toBe(first.ready.peerId)
    expect(second.out()).not.toMatch(/new identity/)
    expect(second.ready.multiaddrs.every((a) => a.endsWith(`/p2p/${first.ready.peerId}`))).toBe(true)
    second.child.kill('SIGINT')
    expect(await exited(second.child)).toBe(0)
  }, 60_000)

  it('refuses a key file that is not its own, exits 1 and leaves the file as it was', () => {
    const dir = tempDir()
    const file = join(dir, 'peer.key')
    writeFileSync(file, 'demls-node-key-v1 AAAA\n')
    const r = spawnSync(process.execPath, [BIN, '--key', file, '--listen', '/ip4/127.0.0.1/tcp/0'], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/not a valid key/)
    expect(readFileSync(file, 'utf8')).toBe('demls-node-key-v1 AAAA\n')
  })
})

describe('members through a demls-node', () => {
  it('two members given only the node address meet through its DHT and chat', async () => {
    const { ready } = await startBin(['--dir', tempDir(), '--lan'])
    const init = { dht: { mode: 'client', privateAddresses: true }, nat: { autonat: false }, bootstrap: ready.multiaddrs, rendezvous: { intervalMs: 1_000 } } as const
    const a = member(init)
    const b = member(init)
    const topic = topicFor('through-node', 'app')
    for (const t of [a, b]) {
      await t.start()
      t.subscribe(topic)
    }
    const got = new Promise<string>((resolve) => b.addEventListener('message', (e) => resolve(new TextDecoder().decode(e.detail.envelope.payload))))
    await waitForReadiness(a, topic, { signal: AbortSignal.timeout(30_000) })
    await a.publish({ conversationId: 'through-node', subtopic: 'app', payload: new TextEncoder().encode('hello via the node') })
    expect(await got).toBe('hello via the node')
    expect(a.node!.getConnections(b.peerId!).length).toBeGreaterThan(0)
  }, 60_000)

  it('a relay with one reservation slot refuses the second member; the first is reachable through it', async () => {
    const { ready } = await startBin(['--dir', tempDir(), '--relay-reservations', '1'])
    const nat = { autonat: false, dcutr: false, relayReservations: 1 }
    const a = member({ nat, bootstrap: ready.multiaddrs })
    await a.start()
    const circuit = () => a.multiaddrs().some((m) => m.toString().includes('/p2p-circuit'))
    for (let i = 0; i < 200 && !circuit(); i++) await sleep(50)
    expect(circuit()).toBe(true)
    const b = member({ nat, bootstrap: ready.multiaddrs })
    await b.start()
    await sleep(3_000)
    expect(b.multiaddrs().some((m) => m.toString().includes('/p2p-circuit'))).toBe(false)
    // b dials a through the relay: a's reservation works
    const via = a.multiaddrs().find((m) => m.toString().includes('/p2p-circuit'))!
    await b.dial(via)
    expect(b.node!.getConnections(a.peerId!).some((c) => c.remoteAddr.toString().includes('/p2p-circuit'))).toBe(true)
  }, 60_000)
})
