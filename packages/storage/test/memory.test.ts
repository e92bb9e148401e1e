import { memoryStorage } from '../src/index.js'
import { runConformance } from './conformance.js'

const key = new Uint8Array(32).fill(7)
runConformance({ name: 'memoryStorage()', encrypted: false, open: () => memoryStorage() })
runConformance({ name: 'memoryStorage({ encryptionKey })', encrypted: true, open: () => memoryStorage({ encryptionKey: key }) })
runConformance({
  name: 'memoryStorage({ plaintext: false }) then unlock(key)',
  encrypted: true,
  open: async () => {
    const store = await memoryStorage({ plaintext: false })
    await store.unlock!(key)
    return store
  },
})
