/// <reference types="node" />
// The `#bls-platform` module under the "node" import condition.
import { loadNativeBlsBackend } from './native.js'
import { nobleBlsBackend } from './noble.js'
import type { BlsBackend } from './types.js'

const native = loadNativeBlsBackend()
const forced = process.env.DEMLS_BLS_BACKEND

/** The native backend, or `undefined` when its binary does not load here. */
export const nativeBackend: BlsBackend | undefined = native instanceof Error ? undefined : native

/** Why the native backend is unavailable, if it is. */
export const nativeUnavailableReason: string | undefined = native instanceof Error ? native.message : undefined

/**
 * Native when it loads, else noble. `DEMLS_BLS_BACKEND=noble` forces noble
 * (to compare the two end to end).
 */
export const platformBackend: BlsBackend = forced === 'noble' || nativeBackend === undefined ? nobleBlsBackend : nativeBackend
