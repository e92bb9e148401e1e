import { InvalidMemberIdError } from '../errors.js'
import { toHex } from '../internal/bytes.js'

/** Length of a member id: a 20-byte Ethereum address. */
export const MEMBER_ID_LENGTH = 20

/**
 * True when `value` is a well-formed member id (exactly 20 bytes).
 *
 * @example
 * ```ts
 * import { isMemberId } from '@demls/mls'
 * isMemberId(new Uint8Array(20)) // true
 * isMemberId('0xf39f…') // false
 * ```
 */
export function isMemberId(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === MEMBER_ID_LENGTH
}

/**
 * Throw {@link InvalidMemberIdError} unless `value` is a 20-byte member id.
 *
 * @example
 * ```ts
 * import { assertMemberId } from '@demls/mls'
 * function onJoinRequest(memberId: unknown): Uint8Array {
 *   assertMemberId(memberId, 'join request member id') // InvalidMemberIdError unless 20 bytes
 *   return memberId
 * }
 * ```
 */
export function assertMemberId(value: unknown, what = 'member id'): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InvalidMemberIdError(`${what} is not a Uint8Array`)
  if (value.length !== MEMBER_ID_LENGTH) {
    throw new InvalidMemberIdError(`${what} has ${value.length} bytes, expected ${MEMBER_ID_LENGTH}`)
  }
}

/**
 * Parse a `0x`-prefixed (or bare) 40-hex-digit address, in any case (EIP-55
 * checksums are not verified), into a 20-byte member id.
 *
 * @example
 * ```ts
 * import { memberIdFromHex } from '@demls/mls'
 * const id = memberIdFromHex('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266') // 20 bytes
 * ```
 */
export function memberIdFromHex(hex: string): Uint8Array {
  const h = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex
  if (!/^[0-9a-fA-F]{40}$/.test(h)) throw new InvalidMemberIdError(`not a 20-byte hex address: ${hex}`)
  const out = new Uint8Array(MEMBER_ID_LENGTH)
  for (let i = 0; i < MEMBER_ID_LENGTH; i++) out[i] = Number.parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

/**
 * Format a member id as a lower-case `0x…` address.
 *
 * @example
 * ```ts
 * import { memberIdToHex } from '@demls/mls'
 * memberIdToHex(new Uint8Array(20).fill(0xab)) // 'abab…ab'
 * ```
 */
export function memberIdToHex(memberId: Uint8Array): string {
  assertMemberId(memberId)
  return `0x${toHex(memberId)}`
}
