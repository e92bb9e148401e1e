import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

/** First word of a key file: the format, so another file is never mistaken for a key. */
const HEADER = 'demls-node-key-v1'

/** A key file that exists but cannot be read as a key (never overwritten: the node's peer id would change). */
export class KeyFileError extends Error {
  readonly code = 'NODE_KEY_FILE'
  constructor(file: string, why: string) {
    super(`${file}: ${why} (move it away to make a new identity, which changes the node's peer id)`)
    this.name = 'KeyFileError'
  }
}

/**
 * The node's libp2p identity: an Ed25519 key kept in `file` (one line:
 * the format tag and the key's protobuf in base64; mode 0600), created on
 * the first run, so the peer id, and with it every address members keep
 * for the node, stays the same across restarts.
 */
export async function loadOrCreatePeerKey(file: string): Promise<{ privateKey: PrivateKey; created: boolean }> {
  let text: string | undefined
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new KeyFileError(file, `cannot be read: ${(err as Error).message}`)
  }
  if (text !== undefined) {
    const [header, b64, ...rest] = text.trim().split(/\s+/)
    if (header !== HEADER || b64 === undefined || rest.length > 0 || !/^[A-Za-z0-9+/]+=*$/.test(b64) || b64.length > 512) {
      throw new KeyFileError(file, 'not a demls-node key file')
    }
    try {
      return { privateKey: privateKeyFromProtobuf(Buffer.from(b64, 'base64')), created: false }
    } catch (err) {
      throw new KeyFileError(file, `not a valid key: ${(err as Error).message}`)
    }
  }
  const privateKey = await generateKeyPair('Ed25519')
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  // Write a temporary file and rename it: a crash never leaves half a key.
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  writeFileSync(tmp, `${HEADER} ${Buffer.from(privateKeyToProtobuf(privateKey)).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  renameSync(tmp, file)
  return { privateKey, created: true }
}
