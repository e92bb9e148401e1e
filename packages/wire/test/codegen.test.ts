// The generated code is committed; a proto or generator edit without
// `pnpm codegen` must fail CI.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generate, runPbjs } from '../scripts/codegen.mjs'

const gen = (file: string) => readFileSync(join(import.meta.dirname, '..', 'src', 'gen', file), 'utf8')
const hint = 'src/gen is stale: run `pnpm codegen` (node scripts/codegen.mjs) in packages/wire'

describe('generated code is up to date', () => {
  const { messagesTs, pbDts } = generate()

  it('src/gen/messages.ts', () => {
    expect(messagesTs === gen('messages.ts'), hint).toBe(true)
  })
  it('src/gen/pb.d.ts', () => {
    expect(pbDts === gen('pb.d.ts'), hint).toBe(true)
  })
  it('src/gen/pb.js', () => {
    expect(runPbjs() === gen('pb.js'), hint).toBe(true)
  })
})
