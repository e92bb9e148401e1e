import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { AbortError, DecodeError, DemlsError, NoPeersError, docsPathOf } from '../src/index.js'

const here = fileURLToPath(new URL('.', import.meta.url))

describe('DemlsError shape (viem-like)', () => {
  it('has shortMessage, code, docsPath and no details without a cause', () => {
    const err = new NoPeersError('/chat/1/app_msg/proto')
    expect(err).toBeInstanceOf(DemlsError)
    expect(err.shortMessage).toBe('no peers are subscribed to /chat/1/app_msg/proto')
    expect(err.code).toBe('NO_PEERS')
    expect(err.details).toBeUndefined()
    expect(err.docsPath).toBe('/docs/errors.md#no-peers')
    expect(err.message).toBe('no peers are subscribed to /chat/1/app_msg/proto\n\nDocs: /docs/errors.md#no-peers')
  })

  it('takes details from the deepest cause and composes the message', () => {
    const root = new TypeError('index out of range')
    const mid = new Error('reader failed', { cause: root })
    const err = new DecodeError('x.Y', 'bad', { cause: mid })
    expect(err.shortMessage).toBe('cannot decode x.Y: bad')
    expect(err.details).toBe('index out of range')
    expect(err.cause).toBe(mid)
    expect(err.message).toBe('cannot decode x.Y: bad\n\nDetails: index out of range\nDocs: /docs/errors.md#decode-error')
  })

  it('uses the short message of a DemlsError cause (no nested Docs lines)', () => {
    const inner = new DecodeError('x.Y', 'truncated')
    const outer = new DemlsError('cannot open the envelope', 'OUTER', { cause: inner })
    expect(outer.details).toBe('cannot decode x.Y: truncated')
    expect(outer.message.match(/Docs:/g)).toHaveLength(1)
  })

  it('accepts explicit details and docsPath, and a string cause', () => {
    const err = new DemlsError('short', 'SOME_CODE', { details: 'why', docsPath: '/docs/architecture.md#errors' })
    expect(err.details).toBe('why')
    expect(err.docsPath).toBe('/docs/architecture.md#errors')
    expect(err.message).toBe('short\n\nDetails: why\nDocs: /docs/architecture.md#errors')
    expect(new DemlsError('short', 'X', { cause: 'plain reason' }).details).toBe('plain reason')
  })

  it('keeps the positional constructor (message, code, options) of subclasses', () => {
    const err = new AbortError(undefined, { cause: new Error('user pressed cancel'), elapsedMs: 12 })
    expect(err.code).toBe('ABORTED')
    expect(err.elapsedMs).toBe(12)
    expect(err.shortMessage).toBe('the operation was aborted')
    expect(err.details).toBe('user pressed cancel')
    expect(new DemlsError('plain').code).toBe('DEMLS_ERROR')
  })

  it('maps codes to anchors of docs/errors.md', () => {
    expect(docsPathOf('CONVERSATION_EXISTS')).toBe('/docs/errors.md#conversation-exists')
  })
})

describe('DemlsError.walk', () => {
  it('returns the deepest cause without a predicate, the first match with one', () => {
    const root = new RangeError('root')
    const mid = new DemlsError('mid', 'MID', { cause: root })
    const err = new DemlsError('top', 'TOP', { cause: mid })
    expect(err.walk()).toBe(root)
    expect(err.walk((e) => e instanceof DemlsError)).toBe(err)
    expect(err.walk((e) => e instanceof DemlsError && e.code === 'MID')).toBe(mid)
    expect(err.walk((e) => e instanceof SyntaxError)).toBeUndefined()
  })

  it('stops on a cause cycle', () => {
    const a = new Error('a')
    const err = new DemlsError('top', 'TOP', { cause: a })
    ;(a as { cause?: unknown }).cause = err
    expect(err.walk()).toBe(a)
    expect(err.details).toBe('a')
  })
})

/** Every `code` string passed to a DemlsError constructor in any package. */
function codesInSources(): Set<string> {
  const root = join(here, '..', '..')
  const codes = new Set<string>()
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules' && name !== 'gen') visit(path)
      } else if (/errors?\.ts$/.test(name)) {
        const text = readFileSync(path, 'utf8')
        for (const m of text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})'/g)) codes.add(m[1]!)
      }
    }
  }
  for (const pkg of readdirSync(root)) {
    const src = join(root, pkg, 'src')
    try {
      if (statSync(src).isDirectory()) visit(src)
    } catch {}
  }
  return codes
}

describe('docs/errors.md', () => {
  it('documents every error code with an anchor', () => {
    const page = readFileSync(join(here, '..', '..', '..', 'docs', 'errors.md'), 'utf8')
    const codes = codesInSources()
    expect(codes.size).toBeGreaterThan(30)
    const missing = [...codes].filter((c) => !page.includes(`<a id="${docsPathOf(c).split('#')[1]}"></a>`))
    expect(missing).toEqual([])
  })
})

describe('DemlsError message', () => {
  it('does not repeat details the short message already contains', () => {
    const err = new DecodeError('x.Y', 'index out of range', { cause: new RangeError('index out of range') })
    expect(err.details).toBe('index out of range')
    expect(err.message).toBe('cannot decode x.Y: index out of range\n\nDocs: /docs/errors.md#decode-error')
  })
})
