import { createHash } from 'node:crypto'

export const member = (id: number): Uint8Array => new Uint8Array(20).fill(id)
export const members = (ids: number[]): Uint8Array[] => ids.map(member)
export const hex = (h: string): Uint8Array =>
  Uint8Array.from((h.replace(/^0x/, '').match(/../g) ?? []).map((b) => Number.parseInt(b, 16)))
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

/** Independent steward key: node:crypto SHA-256 over epoch u64 BE ‖ retry u32 BE ‖ member ‖ conversation. */
export function refKey(epoch: bigint, retry: number, id: Uint8Array, conv: string | Uint8Array): Buffer {
  const head = Buffer.alloc(12)
  head.writeBigUInt64BE(epoch, 0)
  head.writeUInt32BE(retry, 8)
  const convBytes = typeof conv === 'string' ? Buffer.from(conv, 'utf8') : Buffer.from(conv)
  return createHash('sha256').update(head).update(Buffer.from(id)).update(convBytes).digest()
}

/** Independent reference ordering (Buffer.compare = byte-lexicographic). */
export function refOrder(epoch: bigint, retry: number, ids: Uint8Array[], conv: string | Uint8Array): string[] {
  return ids
    .map((id) => ({ id: Buffer.from(id), key: refKey(epoch, retry, id, conv) }))
    .sort((a, b) => Buffer.compare(a.key, b.key) || Buffer.compare(a.id, b.id))
    .map((x) => x.id.toString('hex'))
}
