import {
  defaultCapabilities,
  defaultCryptoProvider,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from '#ts-mls'
import { describe, expect, it } from 'vitest'
import {
  InvalidKeyPackageError,
  InvalidMemberIdError,
  MlsDecodeError,
  createMlsClient,
  decodeKeyPackage,
  isMemberId,
  memberIdFromHex,
  memberIdToHex,
} from '../src/index.js'
import { memberIdAuthenticationService } from '../src/identity/authentication-service.js'
import { HARDHAT, client, groupOf } from './helpers.js'

async function foreignKeyPackage(identity: Uint8Array): Promise<Uint8Array> {
  const impl = await getCiphersuiteImpl(
    getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
    defaultCryptoProvider,
  )
  const kp = await generateKeyPackage(
    { credentialType: 'basic', identity },
    defaultCapabilities(),
    { notBefore: 0n, notAfter: 2n ** 63n },
    [],
    impl,
  )
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: kp.publicPackage })
}

describe('identity', () => {
  it('parses and formats member ids', () => {
    expect(memberIdToHex(HARDHAT[0]!)).toBe('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')
    expect(isMemberId(HARDHAT[1])).toBe(true)
    expect(isMemberId(new Uint8Array(19))).toBe(false)
    expect(() => memberIdFromHex('0x1234')).toThrow(InvalidMemberIdError)
    expect(() => memberIdToHex(new Uint8Array(21))).toThrow(InvalidMemberIdError)
  })

  it('rejects clients with malformed member ids', async () => {
    await expect(createMlsClient({ memberId: new Uint8Array(19) })).rejects.toBeInstanceOf(InvalidMemberIdError)
    await expect(createMlsClient({ memberId: new Uint8Array(32) })).rejects.toBeInstanceOf(InvalidMemberIdError)
  })

  it('the authentication service accepts only basic 20-byte identities', async () => {
    const ok = await memberIdAuthenticationService.validateCredential(
      { credentialType: 'basic', identity: HARDHAT[0]! },
      new Uint8Array(32),
    )
    const short = await memberIdAuthenticationService.validateCredential(
      { credentialType: 'basic', identity: new Uint8Array(19) },
      new Uint8Array(32),
    )
    const x509 = await memberIdAuthenticationService.validateCredential(
      { credentialType: 'x509', certificates: [] },
      new Uint8Array(32),
    )
    expect([ok, short, x509]).toEqual([true, false, false])
  })
})

describe('key packages', () => {
  it('generates, decodes and validates, with lifetime', async () => {
    const c = await client(HARDHAT[2])
    const now = Date.UTC(2026, 0, 1)
    const kp = await c.generateKeyPackage({ nowMs: now, lifetimeSeconds: 3600 })
    const info = decodeKeyPackage(kp)
    expect(memberIdToHex(info.memberId)).toBe(memberIdToHex(HARDHAT[2]!))
    expect(info.signaturePublicKey).toEqual(c.signaturePublicKey)
    expect(info.lifetime.notAfter - info.lifetime.notBefore).toBe(3600n + 3600n)
    expect(info.ciphersuite).toBe('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519')
    const v = await c.validateKeyPackage(kp, { nowMs: now + 1000 })
    expect(v.memberId).toEqual(info.memberId)
    await expect(c.validateKeyPackage(kp, { nowMs: now + 7200_000 })).rejects.toThrow(/expired/)
    await expect(c.validateKeyPackage(kp, { nowMs: now - 7200_000 })).rejects.toThrow(/not valid yet/)
  })

  it('rejects tampered, foreign-credential and non-key-package bytes', async () => {
    const c = await client()
    const kp = await c.generateKeyPackage()
    const tampered = kp.slice()
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] as number) ^ 1
    await expect(c.validateKeyPackage(tampered)).rejects.toBeInstanceOf(InvalidKeyPackageError)
    expect(() => decodeKeyPackage(kp.subarray(0, 50))).toThrow(MlsDecodeError)
    expect(() => decodeKeyPackage(new Uint8Array([1, 2, 3]))).toThrow(MlsDecodeError)
    const bad = await foreignKeyPackage(new Uint8Array(32))
    expect(() => decodeKeyPackage(bad)).toThrow(InvalidKeyPackageError)
    const [g] = await groupOf([await client()])
    await expect(g!.createCommitCandidate([{ action: 'add', keyPackage: bad }])).rejects.toBeInstanceOf(
      InvalidKeyPackageError,
    )
    await expect(g!.createCommitCandidate([{ action: 'add', keyPackage: tampered }])).rejects.toBeInstanceOf(
      InvalidKeyPackageError,
    )
    const expired = await (await client()).generateKeyPackage({ nowMs: Date.now() - 10 * 86400_000, lifetimeSeconds: 60 })
    await expect(g!.createCommitCandidate([{ action: 'add', keyPackage: expired }])).rejects.toThrow(/expired/)
    expect(g!.hasPendingCommit()).toBe(false)
  })
})
