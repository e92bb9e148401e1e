import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Terminal } from './terminal.js'

const home = mkdtempSync(join(tmpdir(), 'demls-chat-link-'))
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

const someone = '0x[0-9a-f]{4}…[0-9a-f]{4}'

describe('demls-chat: invite links and knocks, typed by people in terminals', () => {
  it('alice /link → bob --join <link> (no id, no address typed) → bob chats; carol /knock → alice /let → carol is in; dave /knock → /decline → dave is told', async () => {
    const alice = open('alice')
    const [, addr] = await alice.waitFor(/listening on (\S+)/, 60_000)
    await alice.waitFor(/you are in no group yet/)
    alice.type('/create room')
    await alice.waitFor(/created room; you are its only member and steward/)
    let m = alice.mark()
    alice.type('/link 1 2')
    await alice.waitFor(/invite link to room \(1 use\(s\), until \S+\)/, 10_000, m)
    const [link] = await alice.waitFor(/demls:[A-Za-z0-9_-]+/, 10_000, m)
    expect(link!.length).toBeLessThan(1_000)

    // Bob has only the link.
    const bob = open('bob', '--join', link!)
    await bob.waitFor(/joining room with an invite link/, 60_000)
    await bob.waitFor(/\[room\] join: you are in \(2 members\)/, 60_000)
    await alice.waitFor(new RegExp(`\\[room\\] ${someone} joined`), 30_000)
    bob.type('hi, I came with a link')
    await alice.waitFor(new RegExp(`\\[room\\] ${someone}: hi, I came with a link`), 30_000)

    // The link had one use: a second holder is told why, and what to do.
    const eve = open('eve', '--join', link!)
    await eve.waitFor(/! your invite link to room has no uses left: ask a member for a new one \(\/link\), or \/knock room/, 90_000)

    // Carol has no link: she knocks; alice lets her in.
    const carol = open('carol', '--peer', addr!)
    await carol.waitFor(/you are in no group yet/, 60_000)
    carol.type('/knock room carol from the climbing club')
    await carol.waitFor(/\[room\] join: knocked; waiting for a member to let you in/, 30_000)
    const [, carolShown] = await alice.waitFor(new RegExp(`\\[room\\] (${someone}) is knocking: "carol from the climbing club" \\(answer with /let`), 30_000)
    m = alice.mark()
    alice.type(`/let ${carolShown}`)
    await alice.waitFor(/let 0x[0-9a-f]{4}…[0-9a-f]{4} in: invited/, 30_000, m)
    await carol.waitFor(/\[room\] join: you are in \(3 members\)/, 60_000)
    carol.type('thanks for letting me in')
    await bob.waitFor(new RegExp(`\\[room\\] ${someone}: thanks for letting me in`), 30_000)

    // Dave knocks and is declined: his chat says so.
    const dave = open('dave', '--peer', addr!)
    await dave.waitFor(/you are in no group yet/, 60_000)
    dave.type('/knock room')
    const [, daveShown] = await alice.waitFor(new RegExp(`\\[room\\] (${someone}) is knocking \\(answer with /let`), 30_000)
    alice.type(`/decline ${daveShown}`)
    await dave.waitFor(/! a member of room declined your knock: ask a member why, or for an invite link/, 30_000)

    // Bob restarts at once; alice writes meanwhile. He reads it once, and never "recovered 0".
    bob.type('/quit')
    expect(await bob.exited).toBe(0)
    alice.type('while you restarted')
    const back = open('bob', '--peer', addr!)
    await back.waitFor(/back in room \(epoch \d+\); talking in room/, 60_000)
    await back.waitFor(new RegExp(`\\[room\\] ${someone}: while you restarted`), 30_000)
    await new Promise((r) => setTimeout(r, 5_000))
    expect(back.screen.match(/: while you restarted/g)).toHaveLength(1)
    expect(back.screen).not.toMatch(/recovered 0 message/)
  }, 400_000)
})
