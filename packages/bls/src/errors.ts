import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * A BLS argument given by the caller is unusable: a secret key that is not
 * a scalar in [1, r − 1], a seed shorter than 32 bytes, a member index out
 * of range. Untrusted input from peers never throws this; it is refused
 * with a result (`{ ok: false, reason }`) or {@link BlsDecodeError}.
 *
 * @example
 * ```ts
 * import { BlsArgumentError, blsKeyFromSeed } from '@demls/bls'
 * try {
 *   blsKeyFromSeed(new Uint8Array(16))
 * } catch (err) {
 *   if (err instanceof BlsArgumentError) console.log(err.code) // 'BLS_INVALID_ARGUMENT'
 * }
 * ```
 */
export class BlsArgumentError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(reason, 'BLS_INVALID_ARGUMENT', options)
    this.name = 'BlsArgumentError'
  }
}

/**
 * Untrusted bytes are not a canonical `demls.bls.v1` message (an approval
 * proof or a key binding): truncated, an unknown or repeated field, fields
 * out of order, a non-minimal varint, a length out of bounds, a bitmap with
 * a trailing zero byte. The decoders throw nothing else.
 *
 * @example
 * ```ts
 * import { BlsDecodeError, decodeApprovalProof } from '@demls/bls'
 * try {
 *   decodeApprovalProof(new Uint8Array([0xff]))
 * } catch (err) {
 *   if (err instanceof BlsDecodeError) console.log(err.code, err.messageType) // 'BLS_DECODE' 'demls.bls.v1.ApprovalProof'
 * }
 * ```
 */
export class BlsDecodeError extends DemlsError {
  /** The message being decoded, e.g. `demls.bls.v1.ApprovalProof`. */
  readonly messageType: string

  constructor(messageType: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`cannot decode ${messageType}: ${reason}`, 'BLS_DECODE', options)
    this.name = 'BlsDecodeError'
    this.messageType = messageType
  }
}

/**
 * An ordered member key list cannot be used to check proofs: a key is not
 * a valid compressed G1 point of the prime-order subgroup, is the identity,
 * or appears twice; or the list is empty or longer than
 * {@link MAX_PROOF_MEMBERS}. `index` names the offending key.
 *
 * @example
 * ```ts
 * import { BlsMemberKeysError, prepareMemberKeys } from '@demls/bls'
 * try {
 *   prepareMemberKeys([new Uint8Array(48)])
 * } catch (err) {
 *   if (err instanceof BlsMemberKeysError) console.log(err.code, err.index, err.reason) // 'BLS_MEMBER_KEYS' 0 'invalid-key'
 * }
 * ```
 */
export class BlsMemberKeysError extends DemlsError {
  /** Index of the offending key in the list (−1 for the list as a whole). */
  readonly index: number
  /** What is wrong. */
  readonly reason: 'invalid-key' | 'duplicate-key' | 'empty' | 'too-many'

  constructor(index: number, reason: BlsMemberKeysError['reason'], options: DemlsErrorOptions = {}) {
    super(index < 0 ? `member key list refused: ${reason}` : `member key ${index} refused: ${reason}`, 'BLS_MEMBER_KEYS', options)
    this.name = 'BlsMemberKeysError'
    this.index = index
    this.reason = reason
  }
}
