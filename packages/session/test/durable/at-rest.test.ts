/**
 * Encryption at rest by default (issue 52): a locked store handed to
 * `User.create` is unlocked with the key derived from the private key; an
 * old unencrypted store is re-encrypted; `plaintext: true` opts out; an
 * application's own key still works.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Storage, StorageEncryptionKeyError, deriveStorageKey, levelStorage, memoryStorage } from '@demls/storage'
import { AbortError } from '@demls/wire'
import { afterAll, describe, expect, it } from 'vitest'
import { InvalidUserInitError, User } from '../../src/index.js'
import { bootstrap, conv, converged, keyFor, memberIdOf, restartMember, scenario, text } from '../scenarios/harness.js'

const ID = 'at-rest-conversation-Z3'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'demls-at-rest-'))
  dirs.push(d)
  return d
}

/** Every byte of every file of the LevelDB at `location`. */
async function disk(location: string): Promise<Buffer> {
  return Buffer.concat(await Promise.all((await readdir(location)).map((f) => readFile(join(location, f)))))
}

/** Whether the files show the conversation id or any of the members' ids (bytes or hex). */
async function revealing(location: string, members: number[]): Promise<boolean> {
  const bytes = await disk(location)
  if (bytes.includes(ID)) return true
  return members.some((i) => bytes.includes(Buffer.from(memberIdOf(i))) || bytes.includes(Buffer.from(memberIdOf(i)).toString('hex')))
}

/** A new user of key `i` on the scenario's network. */
function createUser(s: Awaited<ReturnType<typeof scenario>>, i: number, storage: Storage, signal?: AbortSignal) {
  return User.create({ privateKey: keyFor(i), transport: s.net.createTransport(`m${i}-${Math.random()}`), clock: s.net.clock, storage }, signal === undefined ? {} : { signal })
}

describe('a store handed to User.create is encrypted at rest by default', () => {
  it('an old unencrypted store (from before the default) is re-encrypted when User.create unlocks it; the conversation resumes', async () => {
    const location = join(await tempDir(), 'state')
    const plain = await levelStorage({ location, plaintext: true }) // what an earlier version wrote
    const s = await scenario(3, { userInit: (i) => (i === 1 ? { storage: plain } : {}) })
    await bootstrap(s, ID)
    await conv(s, 0, ID).sendMessage(text('before the upgrade'))
    await s.net.clock.advance(2_000)
    const epoch = conv(s, 1, ID).epoch()
    await s.members[1]!.user.stop() // closes the store
    expect(await revealing(location, [0, 1, 2])).toBe(true)

    const store = await levelStorage({ location }) // the default path: no key, no opt-out
    expect(store.locked).toBe(true)
    expect(store.encrypted).toBe(false)
    const again = await restartMember(s, 1, store)
    expect(store.locked).toBe(false)
    expect(store.encrypted).toBe(true)
    expect(again.user.conversations()).toEqual([ID])
    expect(conv(s, 1, ID).epoch()).toBe(epoch)
    expect(await revealing(location, [0, 1, 2])).toBe(false) // re-encrypted and compacted
    await conv(s, 0, ID).sendMessage(text('after the upgrade'))
    await s.until(
      () => again.events.some((e) => e.type === 'message' && new TextDecoder().decode(e.body) === 'after the upgrade') && converged(s, ID),
    )
    await s.stop()
    expect(await revealing(location, [0, 1, 2])).toBe(false)
    // The same directory opens with the explicit key path: deriveStorageKey(privateKey) is the default key.
    const explicit = await levelStorage({ location, encryptionKey: await deriveStorageKey(keyFor(1)) })
    expect((await explicit.get(['user', 'member-id']))?.length).toBe(20)
    await explicit.close()
  }, 60_000)

  it("another member's key cannot unlock the store (StorageEncryptionKeyError); the store stays locked", async () => {
    const location = join(await tempDir(), 'state')
    const s = await scenario(1)
    const mine = await createUser(s, 1, await levelStorage({ location }))
    await mine.stop()
    const store = await levelStorage({ location })
    await expect(createUser(s, 2, store)).rejects.toBeInstanceOf(StorageEncryptionKeyError)
    expect(store.locked).toBe(true)
    await store.close()
    await s.stop()
  })

  it('plaintext: true is the explicit opt-out: User.create uses the store as it is', async () => {
    const location = join(await tempDir(), 'state')
    const store = await levelStorage({ location, plaintext: true })
    const s = await scenario(2, { userInit: (i) => (i === 1 ? { storage: store } : {}) })
    expect(store.encrypted).toBe(false)
    await bootstrap(s, ID)
    await s.stop()
    expect(await revealing(location, [0, 1])).toBe(true)
  }, 60_000)

  it('an aborted create rejects with AbortError during the unlock and leaves the store locked', async () => {
    const inner = await memoryStorage({ plaintext: false }) // locked, like levelStorage({ location })
    const controller = new AbortController()
    let unlockSignal: AbortSignal | undefined
    const store: Storage = {
      get closed() {
        return inner.closed
      },
      get encrypted() {
        return inner.encrypted
      },
      get locked() {
        return inner.locked
      },
      unlock: (key, options) => {
        unlockSignal = options?.signal
        controller.abort() // the user gives up while the key is being checked
        return inner.unlock!(key, options)
      },
      get: (k, o) => inner.get(k, o),
      getMany: (k, o) => inner.getMany(k, o),
      entries: (p, o) => inner.entries(p, o),
      batch: (ops, o) => inner.batch(ops, o),
      put: (k, v, o) => inner.put(k, v, o),
      del: (k, o) => inner.del(k, o),
      delete: (p, o) => inner.delete(p, o),
      close: () => inner.close(),
    }
    const s = await scenario(1)
    await expect(createUser(s, 1, store, controller.signal)).rejects.toBeInstanceOf(AbortError)
    expect(unlockSignal).toBe(controller.signal)
    expect(inner.locked).toBe(true)
    // Without the signal, the same store is unlocked and used.
    const user = await createUser(s, 1, store)
    expect(inner.locked).toBe(false)
    expect(inner.encrypted).toBe(true)
    await user.stop()
    await s.stop()
  })

  it('a locked store without unlock() is refused with InvalidUserInitError', async () => {
    const inner = await memoryStorage()
    const store = Object.create(inner, { locked: { value: true }, unlock: { value: undefined } }) as Storage
    const s = await scenario(1)
    await expect(createUser(s, 1, store)).rejects.toBeInstanceOf(InvalidUserInitError)
    await inner.close()
    await s.stop()
  })
})
