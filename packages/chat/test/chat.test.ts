import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { BIN } from './build-setup.js'
import { Terminal } from './terminal.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const home = mkdtempSync(join(tmpdir(), 'demls-chat-'))
const terminals: Terminal[] = []
afterAll(() => {
  for (const t of terminals) t.kill()
  rmSync(home, { recursive: true, force: true })
})

function open(name: string, ...args: string[]): Terminal {
  const t = new Terminal(name, ['--dir', join(home, name), '--timing', 'fast', ...args])
  terminals.push(t)
  return t
}

describe('demls-chat in terminals', () => {
  it('the bin is an executable node script', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(statSync(BIN).mode & 0o111).toBe(0o111)
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(manifest.bin).toEqual({ 'demls-chat': './dist/main.js' })
  })

  it('--help prints the usage and the commands', () => {
    const r = spawnSync(BIN, ['--help'], { cwd: home, encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('usage: demls-chat')
    expect(r.stdout).toContain('/join <group>')
    expect(r.stdout).toContain('/invite <member id>')
  })

  it('a mistyped option is named, with the usage, and no stack trace', () => {
    const r = spawnSync(BIN, ['--frobnicate'], { cwd: home, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("Unknown option '--frobnicate'")
    expect(r.stderr).toContain('usage: demls-chat')
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  it('alice creates a group, bob joins it, they chat; bob quits, alice writes, bob comes back with his group and reads it', async () => {
    const alice = open('alice')
    const [, addr] = await alice.waitFor(/listening on (\S+)/, 60_000)
    const aliceId = (await alice.waitFor(/identity (0x[0-9a-f]{40})/))[1]!
    await alice.waitFor(/you are in no group yet/)
    alice.type('/create room')
    await alice.waitFor(/created room; you are its only member and steward/)

    const bob = open('bob', '--peer', addr!)
    const bobId = (await bob.waitFor(/new identity (0x[0-9a-f]{40})/, 60_000))[1]!
    // Groups admit only invited members: alice vouches for bob first.
    alice.type(`/invite ${bobId}`)
    await alice.waitFor(new RegExp(`invited ${bobId} to room`))
    bob.type('/join room')
    await bob.waitFor(/\[room\] join: key package announced/, 30_000)
    await bob.waitFor(/\[room\] join: you are in \(2 members\)/, 60_000)
    await alice.waitFor(/\[room\] 0x[0-9a-f]{4}…[0-9a-f]{4} joined/)

    alice.type('hello bob')
    await bob.waitFor(new RegExp(`\\[room\\] ${aliceId!.slice(0, 6)}…[0-9a-f]{4}: hello bob`))
    bob.type('hi alice')
    await alice.waitFor(/\[room\] 0x[0-9a-f]{4}…[0-9a-f]{4}: hi alice/)

    let m = bob.mark()
    bob.type('/members')
    await bob.waitFor(/room: 2 member\(s\), epoch \d+/, 10_000, m)
    await bob.waitFor(/you\s+\S+\s+score \d+/, 10_000, m)

    // Clear errors, not stack traces.
    m = bob.mark()
    bob.type('/vote 12345 yes')
    await bob.waitFor(/! that proposal is not open any more/, 10_000, m)
    bob.type('/frobnicate')
    await bob.waitFor(/! unknown command \/frobnicate \(\/help lists them\)/, 10_000, m)
    bob.type('/use elsewhere')
    await bob.waitFor(/! you are not a member of elsewhere/, 10_000, m)

    bob.type('/quit')
    await bob.waitFor(/bye: your groups and messages stay in this profile/)
    expect(await bob.exited).toBe(0)

    alice.type('while you were out')
    // Alice's chat reached nobody, so her client publishes it again for 7.75 s
    // (UNREACHED_RETRY_MS): bob comes back after that, so it can only be recovered
    // from alice's history (a quicker restart received it live, and recovered 0).
    await new Promise((r) => setTimeout(r, 10_000))
    const back = open('bob', '--peer', addr!)
    await back.waitFor(/back in room \(epoch \d+\); talking in room/, 60_000)
    await back.waitFor(/\[room\] 0x[0-9a-f]{4}…[0-9a-f]{4}: while you were out/, 30_000)
    await back.waitFor(/\[room\] recovered 1 message\(s\) sent while you were away/, 30_000)
    expect(back.screen.match(/: while you were out/g)).toHaveLength(1)
    back.type('back again')
    await alice.waitFor(/\[room\] 0x[0-9a-f]{4}…[0-9a-f]{4}: back again/, 30_000)
  })
})
