import type { CryptoChoice, MlsService } from '@demls/mls'
import { defaultPlugins } from '../../src/index.js'
import { keyFor } from './harness.js'

/**
 * Default plug-ins for members `0..n-1` that record each member's MLS group
 * (created or joined), so a test can act as a misbehaving member with it.
 * `crypto`: each member's MLS crypto choice (seeded ones in seeded runs).
 */
export async function capturingPlugins(n: number, crypto?: (i: number) => Promise<CryptoChoice>) {
  const groups = new Map<number, MlsService>()
  const factories = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const d = await defaultPlugins(keyFor(i), crypto === undefined ? {} : { crypto: await crypto(i) })
      return {
        ...d,
        createMls: async (id: string, now: number) => {
          const g = await d.createMls(id, now)
          groups.set(i, g)
          return g
        },
        welcomeMls: async (...args: Parameters<typeof d.welcomeMls>) => {
          const g = await d.welcomeMls(...args)
          if (g) groups.set(i, g)
          return g
        },
      }
    }),
  )
  return { groups, plugins: (i: number) => factories[i]! }
}
