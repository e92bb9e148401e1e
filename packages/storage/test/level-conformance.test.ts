import { join } from 'node:path'
import { levelStorage } from '../src/index.js'
import { runConformance } from './conformance.js'
import { tempDirs } from './helpers.js'

const dir = tempDirs()
const key = new Uint8Array(32).fill(9)
runConformance({ name: 'levelStorage({ plaintext: true })', encrypted: false, open: () => levelStorage({ location: join(dir(), 'db'), plaintext: true }) })
runConformance({
  name: 'levelStorage({ encryptionKey })',
  encrypted: true,
  open: () => levelStorage({ location: join(dir(), 'db'), encryptionKey: key }),
})
runConformance({
  name: 'levelStorage({ location }) then unlock(key) (the default path)',
  encrypted: true,
  open: async () => {
    const store = await levelStorage({ location: join(dir(), 'db') })
    await store.unlock(key)
    return store
  },
})
