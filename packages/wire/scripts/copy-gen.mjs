// tsc does not copy the generated protobufjs JavaScript; put it in dist.
import { copyFileSync, mkdirSync } from 'node:fs'
mkdirSync('dist/gen', { recursive: true })
copyFileSync('src/gen/pb.js', 'dist/gen/pb.js')
copyFileSync('src/gen/pb.d.ts', 'dist/gen/pb.d.ts')
