/**
 * Crash consistency: a child process writes batches in a loop and is
 * SIGKILLed at random moments (some during start-up and open). After each
 * kill the store is reopened and must hold exactly the state after some
 * batch — never part of one — and at least every batch the child saw
 * resolve. `CRASH_KILLS=200` runs longer.
 *
 * Also: a child re-encrypting an unencrypted store (the unlock of a store
 * written before encryption was the default) is killed during it; the
 * store must then be the old unencrypted one or the new encrypted one,
 * whole. `CRASH_MIGRATION_KILLS` (default 8) sets the rounds.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { StorageEncryptionKeyError, levelStorage } from '../src/index.js'
import { collect } from './conformance.js'
import { diskBytes, tempDirs } from './helpers.js'

const KILLS = Number(process.env.CRASH_KILLS ?? 24)
const MIGRATION_KILLS = Number(process.env.CRASH_MIGRATION_KILLS ?? 8)
const fixture = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))
const migrateFixture = fileURLToPath(new URL('./fixtures/migrate-unlock.ts', import.meta.url))
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const dir = tempDirs()

const counterOf = (v: Uint8Array) => new DataView(v.buffer, v.byteOffset).getUint32(0)

/** Start the writer, kill it at a random moment; resolve with the last acknowledged batch. */
function runAndKill(location: string, mode: string, seed: number): Promise<{ acked: number; early: boolean }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fixture, location, mode], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let acked = 0
    let buffered = ''
    let stderr = ''
    let timer: NodeJS.Timeout | undefined
    const kill = () => child.kill('SIGKILL')
    // one in five kills lands at a random time after spawn (often during start-up or open)
    const early = seed % 5 === 0
    if (early) timer = setTimeout(kill, Math.random() * 600)
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop()!
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line)
        if (m) {
          acked = Number(m[1])
          if (timer === undefined) timer = setTimeout(kill, Math.random() * 150)
        }
      }
    })
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString()
    })
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer)
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${stderr}`))
      else resolve({ acked, early })
    })
  })
}

describe('crash consistency (SIGKILL during batch writes)', () => {
  it(`every batch is wholly present or wholly absent after ${KILLS} kills`, async () => {
    const locations = { plain: join(dir(), 'db'), enc: join(dir(), 'db') }
    const last = { plain: 0, enc: 0 }
    let batchesSeen = 0
    for (let k = 0; k < KILLS; k++) {
      const mode = k % 2 === 0 ? 'plain' : 'enc'
      const location = locations[mode]
      const { acked } = await runAndKill(location, mode, k)
      const store = await levelStorage(mode === 'enc' ? { location, encryptionKey: new Uint8Array(32).fill(0x42) } : { location, plaintext: true })
      const entries = await collect(store.entries(['c']))
      await store.close()
      if (entries.length === 0) {
        expect(acked).toBe(0) // killed before its first batch
        expect(last[mode]).toBe(0)
        continue
      }
      const counter = counterOf(entries.find((e) => e.key[1] === 'counter')!.value)
      const slots = entries.filter((e) => e.key[1] === 'slot')
      const markers = entries.filter((e) => e.key[1] === 'marker')
      expect(slots.length).toBe(8)
      for (const s of slots) expect(counterOf(s.value)).toBe(counter)
      expect(markers.map((m) => m.key[2])).toEqual([counter.toString().padStart(10, '0')])
      expect(counterOf(markers[0]!.value)).toBe(counter)
      expect(entries.length).toBe(10)
      expect(counter).toBeGreaterThanOrEqual(acked) // every acknowledged batch survived
      expect(counter).toBeGreaterThanOrEqual(last[mode])
      batchesSeen += counter - last[mode]
      last[mode] = counter
    }
    console.log(`crash test: ${KILLS} kills, ${batchesSeen} batches committed (plain ${last.plain}, encrypted ${last.enc})`)
  }, 600_000)
})

describe('crash consistency (SIGKILL while an unencrypted store is re-encrypted)', () => {
  const KEY = new Uint8Array(32).fill(0x42)
  const RECORDS = 3_000
  const recordValue = (i: number) => new TextEncoder().encode(`plaintext-record-${i}-`.padEnd(400, 'x'))

  /**
   * Start the unlocking child; kill it `delay` ms after it starts
   * unlocking (or, without a delay, once it is done); resolve with whether
   * it reported done, and in how many ms.
   */
  function unlockAndKill(location: string, delay?: number): Promise<{ done: boolean; ms: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', migrateFixture, location], { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      let stderr = ''
      let started = 0
      let ms = -1
      child.stdout!.on('data', (chunk: Buffer) => {
        const before = out
        out += chunk.toString()
        if (!before.includes('unlocking') && out.includes('unlocking')) {
          started = performance.now()
          if (delay !== undefined) setTimeout(() => child.kill('SIGKILL'), delay)
        }
        if (!before.includes('unlocked') && out.includes('unlocked')) {
          ms = performance.now() - started
          if (delay === undefined) child.kill('SIGKILL')
        }
      })
      child.stderr!.on('data', (c: Buffer) => {
        stderr += c.toString()
      })
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`unlocking child exited with ${code}: ${stderr}`))
        else resolve({ done: ms >= 0, ms })
      })
    })
  }

  async function oldStore(): Promise<string> {
    const location = join(dir(), 'db')
    const old = await levelStorage({ location, plaintext: true })
    await old.batch(Array.from({ length: RECORDS }, (_, i) => ({ type: 'put' as const, key: ['c', String(i).padStart(6, '0')], value: recordValue(i) })))
    await old.close()
    return location
  }

  it(`leaves the old plaintext store or the new encrypted one after ${MIGRATION_KILLS} kills, never a mix`, async () => {
    const outcomes = { plaintext: 0, encrypted: 0 }
    // How long an unlock takes here: the kills land in [0, 1.2 × that].
    const { ms: full } = await unlockAndKill(await oldStore())
    expect(full).toBeGreaterThan(0)
    for (let k = 0; k < MIGRATION_KILLS; k++) {
      const location = await oldStore()
      const { done } = await unlockAndKill(location, Math.random() * full * 1.2)

      let store = await levelStorage({ location, plaintext: true }).catch((err: unknown) => {
        if (err instanceof StorageEncryptionKeyError) return undefined // encrypted by now
        throw err
      })
      if (store === undefined) {
        outcomes.encrypted++
        store = await levelStorage({ location, encryptionKey: KEY }) // finishes a compaction the kill interrupted
        expect(store.encrypted).toBe(true)
      } else {
        outcomes.plaintext++
        expect(done).toBe(false)
      }
      const entries = await collect(store.entries([]))
      await store.close()
      expect(entries.length).toBe(RECORDS)
      entries.forEach((e, i) => {
        expect(e.key).toEqual(['c', String(i).padStart(6, '0')])
        expect(e.value).toEqual(recordValue(i))
      })
      if (store.encrypted) expect(diskBytes(location).includes('plaintext-record-')).toBe(false)
    }
    console.log(`migration crash test: unlock ${Math.round(full)} ms; ${MIGRATION_KILLS} kills, ${outcomes.plaintext} left plaintext, ${outcomes.encrypted} encrypted`)
  }, 300_000)
})
