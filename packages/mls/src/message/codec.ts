import { type MLSMessage, decodeMlsMessage, encodeMlsMessage } from '#ts-mls'
import { MlsDecodeError } from '../errors.js'

/** Decode a complete MLSMessage; trailing bytes and any codec failure → {@link MlsDecodeError}. */
export function decodeMls(bytes: Uint8Array, what = 'MLSMessage'): MLSMessage {
  if (!(bytes instanceof Uint8Array)) throw new MlsDecodeError(what, 'not a Uint8Array')
  let decoded: [MLSMessage, number] | undefined
  try {
    decoded = decodeMlsMessage(bytes, 0)
  } catch (cause) {
    throw new MlsDecodeError(what, String(cause), { cause })
  }
  if (decoded === undefined) throw new MlsDecodeError(what, 'malformed or truncated')
  if (decoded[1] !== bytes.length) {
    throw new MlsDecodeError(what, `${bytes.length - decoded[1]} trailing bytes`)
  }
  return decoded[0]
}

/** Encode an MLSMessage to bytes. */
export function encodeMls(message: MLSMessage): Uint8Array {
  return encodeMlsMessage(message)
}
