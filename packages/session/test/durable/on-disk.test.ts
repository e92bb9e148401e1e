import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { levelStorage } from '@demls/storage'
import { describe, expect, it } from 'vitest'
import { User, type UserEvent } from '../../src/index.js'
import { FAST, bootstrap, conv, converged, keyFor, memberIdOf, scenario, text } from '../scenarios/harness.js'

const ID = 'conversation-name-QX7'
const SECRET = 'chat-content-that-must-not-be-on-disk'

async function filesUnder(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = []
  for (const name of await readdir(dir)) out.push(await readFile(join(dir, name)))
  return out
}

const contains = (hay: Buffer, needle: Uint8Array | string) => hay.indexOf(typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle)) >= 0

describe('durable state on disk (the default: levelStorage({ location }) handed to User.create, encrypted with the key derived from the private key)', () => {
  it('nothing on disk reveals chat content, member ids or the conversation name; a restart from the directory resumes and catches up', async () => {
    const location = await mkdtemp(join(tmpdir(), 'demls-session-'))
    try {
      const s = await scenario(3)
      // m1 keeps its state on disk, through the default path: no key, no opt-out.
      await s.members[1]!.user.stop()
      const open = () => levelStorage({ location })
      const store = await open()
      expect(store.locked).toBe(true)
      const first = await User.create({
        privateKey: keyFor(1),
        transport: s.net.createTransport('m1-disk'),
        clock: s.net.clock,
        config: FAST,
        random: () => 0.5,
        storage: store,
      })
      expect(store.locked).toBe(false) // User.create unlocked it with the key derived from the private key
      expect(store.encrypted).toBe(true)
      s.members[1] = { user: first, name: 'm1-disk', events: [] }
      await bootstrap(s, ID)
      await conv(s, 0, ID).sendMessage(text(SECRET))
      await s.net.clock.advance(2_000)
      const epoch = conv(s, 1, ID).epoch()
      await first.stop() // closes the store

      const files = await filesUnder(location)
      expect(files.length).toBeGreaterThan(0)
      for (const f of files) {
        expect(contains(f, ID)).toBe(false)
        expect(contains(f, SECRET)).toBe(false)
        for (const i of [0, 1, 2]) {
          expect(contains(f, memberIdOf(i))).toBe(false)
          expect(contains(f, Buffer.from(memberIdOf(i)).toString('hex'))).toBe(false)
        }
      }

      // The group moves on, then m1 comes back from its directory.
      await conv(s, 2, ID).sendMessage(text('while m1 was away'))
      const events: UserEvent[] = []
      const again = await User.create({
        privateKey: keyFor(1),
        transport: s.net.createTransport('m1-disk-again'),
        clock: s.net.clock,
        config: FAST,
        random: () => 0.5,
        storage: await open(),
      })
      again.events$.subscribe((e) => events.push(e))
      s.members[1] = { user: again, name: 'm1-again', events }
      expect(again.conversations()).toEqual([ID])
      expect(conv(s, 1, ID).epoch()).toBe(epoch)
      await conv(s, 0, ID).sendMessage(text('welcome back'))
      await s.until(() => events.some((e) => e.type === 'message' && new TextDecoder().decode(e.body) === 'welcome back') && converged(s, ID))
      await s.stop()
    } finally {
      await rm(location, { recursive: true, force: true })
    }
  }, 60_000)
})
