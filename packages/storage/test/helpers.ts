import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { afterAll } from 'vitest'

/** A fresh temporary directory, removed after the file's tests. */
export function tempDirs(): () => string {
  const dirs: string[] = []
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  return () => {
    const d = mkdtempSync(join(tmpdir(), 'demls-storage-'))
    dirs.push(d)
    return d
  }
}

/** Every byte of every file under `d`, concatenated. */
export function diskBytes(d: string): Buffer {
  return Buffer.concat(readdirSync(d).map((f) => readFileSync(join(d, f))))
}

/** A LevelDB opened directly, bypassing the storage layer (close it). */
export async function rawLevel(location: string): Promise<Level<Uint8Array, Uint8Array>> {
  const db = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  return db
}

/** Every record of the LevelDB at `location` (format record first), read directly. */
export async function rawRecords(location: string): Promise<[Uint8Array, Uint8Array][]> {
  const db = await rawLevel(location)
  try {
    const out: [Uint8Array, Uint8Array][] = []
    for await (const [k, v] of db.iterator()) out.push([Uint8Array.from(k), Uint8Array.from(v)])
    return out
  } finally {
    await db.close()
  }
}
