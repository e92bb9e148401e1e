// A gossipsub transport's contact (`Transport.contact`, `dialContact`):
// version 1, then each address as a 2-byte big-endian length and the
// multiaddr's bytes, every address ending in the same /p2p/<peer id>.
import { MAX_CONTACT_BYTES, concatBytes } from '@demls/wire'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'

const CONTACT_VERSION = 1

/** At most this many addresses in a contact (a node on one host lists a few; the rest would only be dialled in vain). */
export const MAX_CONTACT_ADDRESSES = 8

/** The peer id an address names (its last /p2p component), or undefined. */
function peerOf(ma: Multiaddr): string | undefined {
  const p2p = ma.getComponents().filter((c) => c.name === 'p2p')
  return p2p.at(-1)?.value
}

/**
 * Our contact from our dialable addresses (each with our /p2p id appended
 * when it lacks one), as many as fit in `MAX_CONTACT_BYTES` and
 * {@link MAX_CONTACT_ADDRESSES}; undefined when none does.
 */
export function encodeContact(addrs: readonly Multiaddr[], peerId: string): Uint8Array | undefined {
  const parts: Uint8Array[] = [Uint8Array.of(CONTACT_VERSION)]
  let size = 1
  let count = 0
  for (const a of addrs) {
    if (count === MAX_CONTACT_ADDRESSES) break
    const own = peerOf(a)
    if (own !== undefined && own !== peerId) continue
    const bytes = (own === undefined ? a.encapsulate(`/p2p/${peerId}`) : a).bytes
    if (bytes.length > 0xffff || size + 2 + bytes.length > MAX_CONTACT_BYTES) continue
    parts.push(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes)
    size += 2 + bytes.length
    count++
  }
  return count === 0 ? undefined : concatBytes(parts)
}

/**
 * A contact's peer id and addresses, or undefined when it is not one
 * {@link encodeContact} could have written: empty or longer than
 * `MAX_CONTACT_BYTES`, another version, a truncated or undecodable
 * address, more than {@link MAX_CONTACT_ADDRESSES}, or addresses that do
 * not all name one peer.
 */
export function decodeContact(bytes: Uint8Array): { peerId: string; addrs: Multiaddr[] } | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length < 3 || bytes.length > MAX_CONTACT_BYTES || bytes[0] !== CONTACT_VERSION) return undefined
  const addrs: Multiaddr[] = []
  let peerId: string | undefined
  let off = 1
  while (off < bytes.length) {
    if (addrs.length === MAX_CONTACT_ADDRESSES || off + 2 > bytes.length) return undefined
    const len = ((bytes[off] as number) << 8) | (bytes[off + 1] as number)
    off += 2
    if (len === 0 || off + len > bytes.length) return undefined
    let ma: Multiaddr
    try {
      ma = multiaddr(bytes.slice(off, off + len))
    } catch {
      return undefined
    }
    off += len
    const peer = peerOf(ma)
    if (peer === undefined || (peerId !== undefined && peer !== peerId)) return undefined
    peerId = peer
    addrs.push(ma)
  }
  return peerId === undefined ? undefined : { peerId, addrs }
}
