import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The patches this package ships (`patches/`, for installs outside the workspace) are the ones the workspace applies.
describe('shipped dependency patches', () => {
  for (const file of ['@chainsafe__libp2p-yamux@8.0.1.patch', '@libp2p__tcp@11.0.28.patch']) {
    it(`${file} is the workspace's patch, byte for byte`, () => {
      const shipped = readFileSync(new URL(`../patches/${file}`, import.meta.url), 'utf8')
      const applied = readFileSync(new URL(`../../../patches/${file}`, import.meta.url), 'utf8')
      expect(shipped).toBe(applied)
      expect(shipped).toContain('demls patch')
    })
  }
})
