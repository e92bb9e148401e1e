import { memoryStorage } from '../src/index.js'
import { runConformance } from './conformance.js'

const key = new Uint8Array(32).fill(7)
runConformance({ name: 'memoryStorage()', encrypted: false, open: () => memoryStorage() })
runConformance({ name: 'memoryStorage({ encryptionKey })', encrypted: true, open: () => memoryStorage({ encryptionKey: key }) })
