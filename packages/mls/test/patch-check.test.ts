import { readFileSync } from 'node:fs'
import { createCommit, createGroup, defaultCryptoProvider, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl } from '#ts-mls'
import { describe, expect, it } from 'vitest'
import { CIPHERSUITE_NAME } from '../src/crypto/provider.js'
import { DemlsError, TsMlsUnpatchedError, createMlsClient } from '../src/index.js'
import { type TsMlsProbeApi, assertTsMlsPatched, probeTsMlsPatch } from '../src/internal/patch-check.js'
import { randomId } from './helpers.js'

const impl = () => getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE_NAME), defaultCryptoProvider)

/** ts-mls as it behaves without our patch: the lifetime clock hook is ignored (the wall clock is used). */
const unpatched: TsMlsProbeApi = {
  generateKeyPackage,
  createGroup,
  createCommit: (context, options) => {
    const { currentTime: _ignored, ...lifetimeConfig } = context.state.clientConfig.lifetimeConfig as { currentTime?: unknown }
    const clientConfig = { ...context.state.clientConfig, lifetimeConfig } as typeof context.state.clientConfig
    return createCommit({ ...context, state: { ...context.state, clientConfig } }, options)
  },
}

describe('ts-mls patch detection', () => {
  it('the ts-mls loaded here (patched by the workspace) passes the probe', async () => {
    expect(await probeTsMlsPatch(await impl())).toBeUndefined()
    await expect(assertTsMlsPatched(await impl())).resolves.toBeUndefined()
  })

  it('a ts-mls that ignores the lifetime clock hook is reported, with the reason', async () => {
    const reason = await probeTsMlsPatch(await impl(), unpatched)
    expect(reason).toMatch(/ignores the injected clock: .*Lifetime/)
  })

  it('a ts-mls that fails the probe in any other way is reported too', async () => {
    const broken: TsMlsProbeApi = { ...unpatched, createGroup: () => Promise.reject(new Error('boom')) }
    expect(await probeTsMlsPatch(await impl(), broken)).toMatch(/boom/)
  })

  it('TsMlsUnpatchedError is a DemlsError that says what to do', () => {
    const err = new TsMlsUnpatchedError('test')
    expect(err).toBeInstanceOf(DemlsError)
    expect(err.name).toBe('TsMlsUnpatchedError')
    expect(err.code).toBe('MLS_TS_MLS_UNPATCHED')
    expect(err.patchFile).toBe('patches/ts-mls@1.6.4.patch')
    expect(err.message).toContain('vendor/ts-mls')
    expect(err.message).toContain('patches/ts-mls@1.6.4.patch')
    expect(err.message).toContain('pnpm install')
  })

  it('createMlsClient runs the probe and succeeds on the patched ts-mls', async () => {
    await expect(createMlsClient({ memberId: randomId() })).resolves.toBeDefined()
  })

  it('the patch shipped in the package is the one the workspace applies', () => {
    const shipped = readFileSync(new URL('../patches/ts-mls@1.6.4.patch', import.meta.url), 'utf8')
    const applied = readFileSync(new URL('../../../patches/ts-mls@1.6.4.patch', import.meta.url), 'utf8')
    expect(shipped).toBe(applied)
  })
})
