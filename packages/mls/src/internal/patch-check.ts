import { type CiphersuiteImpl, type ClientConfig, createCommit, createGroup, defaultCapabilities, generateKeyPackage } from '#ts-mls'
import { defaultClientConfig } from '#ts-mls/clientConfig.js'
import { TsMlsUnpatchedError } from '../errors.js'

/** The ts-mls functions the probe calls (injectable, so tests can stand in an unpatched ts-mls). */
export interface TsMlsProbeApi {
  generateKeyPackage: typeof generateKeyPackage
  createGroup: typeof createGroup
  createCommit: typeof createCommit
}

const REAL: TsMlsProbeApi = { generateKeyPackage, createGroup, createCommit }

/** 2001-09-09: far from any wall clock the probe runs at. */
const PROBE_TIME = 1_000_000_000n

/**
 * Behaviour probe for the demls ts-mls patch: build a one-member group and
 * commit an Add of a key package valid only for two hours around
 * {@link PROBE_TIME}, with ts-mls's lifetime clock hook
 * (`lifetimeConfig.currentTime`, added by the patch) set to that time.
 * Patched ts-mls checks the lifetime at the hook's time and builds the
 * commit; unpatched ts-mls ignores the hook, checks against the wall clock
 * and throws. Resolves `undefined` when patched, else the reason.
 */
export async function probeTsMlsPatch(impl: CiphersuiteImpl, api: TsMlsProbeApi = REAL): Promise<string | undefined> {
  const lifetime = { notBefore: PROBE_TIME - 3600n, notAfter: PROBE_TIME + 3600n }
  const identity = (n: number) => ({ credentialType: 'basic' as const, identity: new Uint8Array(20).fill(n) })
  try {
    const a = await api.generateKeyPackage(identity(1), defaultCapabilities(), lifetime, [], impl)
    const b = await api.generateKeyPackage(identity(2), defaultCapabilities(), lifetime, [], impl)
    const config: ClientConfig = {
      ...defaultClientConfig,
      lifetimeConfig: { ...defaultClientConfig.lifetimeConfig, currentTime: () => PROBE_TIME },
    }
    const state = await api.createGroup(new Uint8Array([0x64]), a.publicPackage, a.privatePackage, [], impl, config)
    await api.createCommit(
      { state, cipherSuite: impl },
      { extraProposals: [{ proposalType: 'add', add: { keyPackage: b.publicPackage } }] },
    )
    return undefined
  } catch (err) {
    return `its key-package lifetime check ignores the injected clock: ${err instanceof Error ? err.message : String(err)}`
  }
}

let checked: Promise<void> | undefined

/**
 * Throw {@link TsMlsUnpatchedError} unless the loaded ts-mls carries the
 * demls patch. Probes once per process (the first MLS client created);
 * later calls reuse the verdict.
 */
export function assertTsMlsPatched(impl: CiphersuiteImpl): Promise<void> {
  checked ??= probeTsMlsPatch(impl).then((reason) => {
    if (reason !== undefined) throw new TsMlsUnpatchedError(reason)
  })
  return checked
}
