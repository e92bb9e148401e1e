import { secp256k1 } from '@noble/curves/secp256k1.js'
import {
  defaultCapabilities,
  defaultCryptoProvider,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from '#ts-mls'
import { describe, expect, it } from 'vitest'
import {
  CIPHERSUITE_NAME,
  IdentityBindingError,
  InvalidCommitError,
  InvalidKeyPackageError,
  InvalidWelcomeError,
  LEAF_BINDING_EXTENSION_TYPE,
  type MlsClient,
  createMlsClient,
  leafBindingDigest,
} from '../src/index.js'
import { HARDHAT, HARDHAT_KEYS, boundClient, groupOf, identitySignerOf, randomId } from './helpers.js'

/**
 * Impersonation through MLS credentials (docs/security.md, "Identity"): a
 * basic credential names a member id, and only the binding extension proves
 * possession of its key. Each test fails without the binding checks.
 */

const ALICE = HARDHAT[0]!
const ALICE_KEY = HARDHAT_KEYS[0]!
const EVE_KEY = secp256k1.utils.randomSecretKey()

/**
 * A key package claiming `victim`, with a binding signed by `proofBy` (a
 * secp256k1 key that is not the victim's), or with none.
 */
async function forgedKeyPackage(victim: Uint8Array, proofBy?: Uint8Array): Promise<Uint8Array> {
  const impl = await getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE_NAME), defaultCryptoProvider)
  const sig = await impl.signature.keygen()
  const capabilities = defaultCapabilities()
  capabilities.extensions = [...capabilities.extensions, LEAF_BINDING_EXTENSION_TYPE]
  const extensions =
    proofBy === undefined
      ? []
      : [
          {
            extensionType: LEAF_BINDING_EXTENSION_TYPE,
            extensionData: (await identitySignerOf(proofBy).sign(leafBindingDigest(sig.publicKey, victim))) as Uint8Array,
          },
        ]
  const kp = await generateKeyPackageWithKey(
    { credentialType: 'basic', identity: victim },
    capabilities,
    { notBefore: 0n, notAfter: 2n ** 63n },
    [],
    sig,
    impl,
    extensions,
  )
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: kp.publicPackage })
}

/** A reference-style key package: no binding at all (a client without an identity signer). */
async function unboundKeyPackage(memberId: Uint8Array): Promise<Uint8Array> {
  return (await createMlsClient({ memberId })).generateKeyPackage()
}

async function bindingErrorOf(p: Promise<unknown>): Promise<IdentityBindingError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(IdentityBindingError)
  expect(e).toBeInstanceOf(InvalidKeyPackageError)
  return e as IdentityBindingError
}

describe('adversarial: key packages claiming another member id', () => {
  it('validateKeyPackage refuses a binding signed by another key (mismatch) and a missing one; the real key package passes', async () => {
    const bob = await boundClient(HARDHAT_KEYS[1]!)
    expect((await bindingErrorOf(bob.validateKeyPackage(await forgedKeyPackage(ALICE, EVE_KEY)))).reason).toBe('mismatch')
    const missing = await bindingErrorOf(bob.validateKeyPackage(await forgedKeyPackage(ALICE)))
    expect(missing.reason).toBe('missing')
    expect(missing.memberId).toEqual(ALICE)
    expect((await bindingErrorOf(bob.validateKeyPackage(await unboundKeyPackage(ALICE)))).reason).toBe('missing')
    const alice = await boundClient(ALICE_KEY)
    expect((await bob.validateKeyPackage(await alice.generateKeyPackage())).memberId).toEqual(ALICE)
  })

  it('a member never builds a commit adding a forged key package', async () => {
    const [g] = await groupOf([await boundClient()])
    const e = await bindingErrorOf(g!.createCommitCandidate([{ action: 'add', keyPackage: await forgedKeyPackage(ALICE, EVE_KEY) }]))
    expect(e.reason).toBe('mismatch')
    expect(g!.hasPendingCommit()).toBe(false)
    expect(g!.isMember(ALICE)).toBe(false)
  })

  it("a malicious committer's add of a forged key package is refused by the other members (staging aborts)", async () => {
    // Eve's client skips the checks; Bob's does them.
    const eve = await boundClient(EVE_KEY, { requireIdentityBinding: false })
    const bob = await boundClient(HARDHAT_KEYS[1]!)
    const [evil, honest] = await groupOf([eve, bob])
    for (const [proofBy, reason] of [
      [EVE_KEY, 'mismatch'],
      [undefined, 'missing'],
    ] as const) {
      const cand = await evil!.createCommitCandidate([{ action: 'add', keyPackage: await forgedKeyPackage(ALICE, proofBy) }])
      const staged = await honest!.stageRemoteCommit(cand)
      expect(staged.status).toBe('aborted')
      if (staged.status !== 'aborted') throw new Error('unreachable')
      expect(staged.reason).toBe('mls-failure')
      expect(staged.error).toBeInstanceOf(InvalidCommitError)
      expect((staged.error.cause as IdentityBindingError).reason).toBe(reason)
      expect(honest!.hasStagedCommit()).toBe(false)
      await evil!.discardOwnCommit()
    }
    // The same committer adding Alice's real key package is staged.
    const real = await evil!.createCommitCandidate([{ action: 'add', keyPackage: await (await boundClient(ALICE_KEY)).generateKeyPackage() }])
    expect((await honest!.stageRemoteCommit(real)).status).toBe('staged')
  })
})

describe('adversarial: a fake group with a forged leaf', () => {
  async function fakeWelcome(joiner: MlsClient, proofBy?: Uint8Array): Promise<Uint8Array> {
    const eve = await boundClient(EVE_KEY, { requireIdentityBinding: false })
    const g = await eve.createGroup('conv-1')
    const cand = await g.createCommitCandidate([
      { action: 'add', keyPackage: await forgedKeyPackage(ALICE, proofBy) },
      { action: 'add', keyPackage: await joiner.generateKeyPackage() },
    ])
    return cand.welcome!
  }

  it('a joiner refuses a Welcome whose tree holds a leaf claiming a member id without its key; its key package stays usable', async () => {
    for (const proofBy of [EVE_KEY, undefined]) {
      const joiner = await boundClient()
      const e = await joiner.joinFromWelcome(await fakeWelcome(joiner, proofBy)).then(
        () => undefined,
        (err: unknown) => err,
      )
      expect(e).toBeInstanceOf(InvalidWelcomeError)
      expect((e as InvalidWelcomeError).cause).toBeInstanceOf(IdentityBindingError)
      expect(((e as InvalidWelcomeError).cause as IdentityBindingError).memberId).toEqual(ALICE)
      expect(joiner.pendingKeyPackages()).toBe(1)
    }
  })

  it('compatibility: with requireIdentityBinding false the forged leaf is accepted (what a mixed group with reference peers loses)', async () => {
    const lax = await boundClient(undefined, { requireIdentityBinding: false })
    const g = await lax.joinFromWelcome(await fakeWelcome(lax, EVE_KEY))
    expect(g?.isMember(ALICE)).toBe(true)
    // A client without an identity signer (reference-style) neither binds nor requires by default.
    const legacy = await createMlsClient({ memberId: randomId() })
    expect((await legacy.validateKeyPackage(await unboundKeyPackage(randomId()))).memberId).toHaveLength(20)
    // And a bound client that opts out admits the reference peer's key package.
    const mixed = await boundClient(undefined, { requireIdentityBinding: false })
    const [mg] = await groupOf([mixed])
    await mg!.createCommitCandidate([{ action: 'add', keyPackage: await unboundKeyPackage(randomId()) }])
    await mg!.mergeOwnCommit()
    expect(mg!.members()).toHaveLength(2)
  })
})
