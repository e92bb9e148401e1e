/// <reference types="node" />
// The `#secp256k1-platform` module under the "node" import condition.
import { loadNativeBackend } from './native.js'
import { nobleBackend } from './noble.js'
import type { Secp256k1Backend } from './types.js'

const native = loadNativeBackend()
const forced = process.env.DEMLS_SECP256K1_BACKEND

/** The native backend, or `undefined` when its binary does not load here. */
export const nativeBackend: Secp256k1Backend | undefined = native instanceof Error ? undefined : native

/** Why the native backend is unavailable, if it is. */
export const nativeUnavailableReason: string | undefined = native instanceof Error ? native.message : undefined

/**
 * Native when it loads, else noble. `DEMLS_SECP256K1_BACKEND=noble` forces
 * noble (to compare the two end to end).
 */
export const platformBackend: Secp256k1Backend = forced === 'noble' || nativeBackend === undefined ? nobleBackend : nativeBackend
