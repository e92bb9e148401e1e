/**
 * EIP-191 ("Ethereum signed message") signatures on secp256k1 for demls:
 * hashing, signing, and recovering the signer's 20-byte address.
 *
 * The curve arithmetic runs on a {@link Secp256k1Backend} chosen once at
 * load: native libsecp256k1 (the `secp256k1` package's prebuilt binary) in
 * Node when it loads, `@noble/curves` otherwise. Browser builds resolve the
 * package's `#secp256k1-platform` import without the "node" condition and
 * never reference the native module. Both backends give identical results
 * (pinned by this package's equivalence tests); {@link signatureBackend}
 * names the one in use.
 *
 * @example
 * ```ts
 * import { ethereumAddress, signPersonalMessage, signatureBackend, verifyPersonalMessage } from '@demls/eip191'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const message = new TextEncoder().encode('hello')
 * const sig = signPersonalMessage(privateKey, message)
 * verifyPersonalMessage(ethereumAddress(privateKey), message, sig) // true
 * signatureBackend() // 'native' in Node, 'noble' in a browser
 * ```
 *
 * @packageDocumentation
 */
import { nativeBackend, nativeUnavailableReason, platformBackend } from '#secp256k1-platform'
import type { Secp256k1Backend } from './backend/types.js'

export { nobleBackend } from './backend/noble.js'
export type { Secp256k1Backend } from './backend/types.js'
export {
  addressFromPublicKey,
  ethereumAddress,
  hashPersonalMessage,
  recoverPersonalMessageAddress,
  signPersonalMessage,
  verifyPersonalMessage,
} from './personal-message.js'
export {
  ADDRESS_LENGTH,
  SIGNATURE_LENGTH,
  addressEquals,
  addressOfUncompressed,
  parseRecoverableSignature,
  recoverHashAddress,
  signHash,
} from './signature.js'

/**
 * Name of the backend the functions of this package use by default: `'native'` or `'noble'`.
 *
 * @example
 * ```ts
 * import { signatureBackend } from '@demls/eip191'
 * console.log(`secp256k1 backend: ${signatureBackend()}`) // 'native' or 'noble'
 * ```
 */
export function signatureBackend(): Secp256k1Backend['name'] {
  return platformBackend.name
}

/**
 * The backend used by default (see {@link signatureBackend}).
 *
 * @example
 * ```ts
 * import { defaultSecp256k1Backend } from '@demls/eip191'
 * const backend = defaultSecp256k1Backend()
 * const digest = backend.keccak256(new TextEncoder().encode('hello')) // 32 bytes
 * ```
 */
export function defaultSecp256k1Backend(): Secp256k1Backend {
  return platformBackend
}

/**
 * The native libsecp256k1 backend, or `undefined` when it cannot load here
 * (not Node, or no prebuilt binary for this platform); then
 * {@link nativeBackendUnavailableReason} says why. For benchmarks and
 * equivalence tests; normal callers use the default.
 *
 * @example
 * ```ts
 * import { nativeBackendUnavailableReason, nativeSecp256k1Backend, nobleBackend } from '@demls/eip191'
 * const backend = nativeSecp256k1Backend() ?? nobleBackend
 * if (backend === nobleBackend) console.log('native unavailable:', nativeBackendUnavailableReason())
 * ```
 */
export function nativeSecp256k1Backend(): Secp256k1Backend | undefined {
  return nativeBackend
}

/**
 * Why {@link nativeSecp256k1Backend} is `undefined`, if it is.
 *
 * @example
 * ```ts
 * import { nativeBackendUnavailableReason, nativeSecp256k1Backend } from '@demls/eip191'
 * if (!nativeSecp256k1Backend()) console.log(`using @noble/curves: ${nativeBackendUnavailableReason()}`)
 * ```
 */
export function nativeBackendUnavailableReason(): string | undefined {
  return nativeUnavailableReason
}
