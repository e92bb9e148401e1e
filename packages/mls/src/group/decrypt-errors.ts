import { type DemlsError, MlsAuthenticationError, ReplayError } from '../errors.js'

/** Map a ts-mls failure while opening an application message to a typed error. */
export function mapOpenError(cause: unknown): DemlsError {
  const msg = cause instanceof Error ? cause.message : String(cause)
  if (/in the past/i.test(msg)) return new ReplayError({ cause })
  return new MlsAuthenticationError(msg, { cause })
}
