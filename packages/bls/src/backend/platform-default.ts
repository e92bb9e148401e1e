// The `#bls-platform` module for every non-Node target (browsers, workers,
// Deno/Bun without the "node" condition): noble only, and no reference to
// the native addon.
import { nobleBlsBackend } from './noble.js'
import type { BlsBackend } from './types.js'

/** Not available outside Node. */
export const nativeBackend: BlsBackend | undefined = undefined

/** Why the native backend is unavailable. */
export const nativeUnavailableReason: string | undefined = 'not a Node build (the "node" import condition did not apply)'

/** Always noble here. */
export const platformBackend: BlsBackend = nobleBlsBackend
