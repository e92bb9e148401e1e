import { secp256k1 } from '@noble/curves/secp256k1.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import {
  IdentityBindingError,
  InvalidMemberIdError,
  LEAF_BINDING_EXTENSION_TYPE,
  LEAF_BINDING_LABEL,
  createMlsClient,
  decodeKeyPackage,
  leafBindingDigest,
  leafBindingFailure,
  leafBindingSignedHash,
  recoverLeafBinding,
} from '../src/index.js'
import { decodeKeyPackageInternal } from '../src/key-package/codec.js'
import { HARDHAT, HARDHAT_KEYS, boundClient, groupOf, identitySignerOf } from './helpers.js'

/**
 * The identity binding of a leaf: its layout (known answer), sign/recover
 * round trip, and where a bound client puts it. See docs/security.md, "Identity".
 */

const ALICE_KEY = HARDHAT_KEYS[0]!
const ALICE = HARDHAT[0]!
const SIG_KEY = new Uint8Array(32).fill(0x11)

describe('leaf binding: signed bytes (known answer)', () => {
  it('digest = SHA-256("demls/v1 leaf binding" ‖ 0x00 ‖ member_id ‖ u16be(len) ‖ sig_key); EIP-191 over the 32-byte digest', () => {
    expect(LEAF_BINDING_LABEL).toBe('demls/v1 leaf binding')
    expect(LEAF_BINDING_EXTENSION_TYPE).toBe(0xf0de)
    const preimage = hexToBytes(
      // "demls/v1 leaf binding"
      '64656d6c732f7631206c6561662062696e64696e67' +
        '00' +
        'f39fd6e51aad88f6f4ce6ab8827279cfffb92266' +
        '0020' +
        '11'.repeat(32),
    )
    const digest = leafBindingDigest(SIG_KEY, ALICE)
    expect(bytesToHex(digest)).toBe(bytesToHex(sha256(preimage)))
    expect(bytesToHex(digest)).toBe('f8018dea6428c56c7749a35486883f776b081280a5347e00efa48a00b1207452')
    const eip191 = new Uint8Array([...new TextEncoder().encode('\x19Ethereum Signed Message:\n32'), ...digest])
    expect(bytesToHex(leafBindingSignedHash(SIG_KEY, ALICE))).toBe(bytesToHex(keccak_256(eip191)))
    expect(bytesToHex(keccak_256(eip191))).toBe('e59750a82cbfa726e5624e32422be4c12e2b7e129e5f06ba3572675a8bacedaa')
  })

  it('a signature by the member key recovers to the member id; by another key, to that key', () => {
    const proof = identitySignerOf(ALICE_KEY).sign(leafBindingDigest(SIG_KEY, ALICE)) as Uint8Array
    expect(proof).toHaveLength(65)
    expect([27, 28]).toContain(proof[64])
    // Deterministic (RFC 6979): pinned; viem's recoverMessageAddress({ message: { raw: digest } }) gives Alice's address.
    expect(bytesToHex(proof)).toBe(
      'de9ec15220f2b2d49334aa34f519a37c2a4bedbf6fcbab8ccb30ecc9a84541a66bbd33ef55ee042acf851de0199babd7ea933aa1d04a919e0048a79a6650ed821c',
    )
    const raw = secp256k1.sign(leafBindingSignedHash(SIG_KEY, ALICE), ALICE_KEY, { prehash: false, format: 'recovered' })
    expect(bytesToHex(proof.subarray(0, 64))).toBe(bytesToHex(raw.subarray(1, 65)))
    expect(bytesToHex(recoverLeafBinding(SIG_KEY, ALICE, proof)!)).toBe(bytesToHex(ALICE))

    const leaf = (extensionData: Uint8Array, identity = ALICE, signaturePublicKey = SIG_KEY) => ({
      credential: { credentialType: 'basic' as const, identity },
      signaturePublicKey,
      extensions: [{ extensionType: LEAF_BINDING_EXTENSION_TYPE, extensionData }],
    })
    expect(leafBindingFailure(leaf(proof))).toBeUndefined()
    // Another signature key, another member id, another signer, a bad length, no extension, two extensions.
    expect(leafBindingFailure(leaf(proof, ALICE, new Uint8Array(32).fill(0x22)))).toBe('mismatch')
    expect(leafBindingFailure(leaf(proof, HARDHAT[1]!))).toBe('mismatch')
    const bob = identitySignerOf(HARDHAT_KEYS[1]!).sign(leafBindingDigest(SIG_KEY, ALICE)) as Uint8Array
    expect(leafBindingFailure(leaf(bob))).toBe('mismatch')
    expect(leafBindingFailure(leaf(proof.subarray(0, 64)))).toBe('malformed')
    expect(leafBindingFailure({ ...leaf(proof), extensions: [] })).toBe('missing')
    expect(leafBindingFailure({ ...leaf(proof), extensions: [...leaf(proof).extensions, ...leaf(proof).extensions] })).toBe('malformed')
  })
})

describe('leaf binding: bound clients', () => {
  it('a bound key package carries the extension, declared in its capabilities, and validates; the tree keeps it', async () => {
    const alice = await boundClient(ALICE_KEY)
    const bob = await boundClient(HARDHAT_KEYS[1]!)
    const kp = await bob.generateKeyPackage()
    const { keyPackage } = decodeKeyPackageInternal(kp)
    expect(keyPackage.leafNode.capabilities.extensions).toContain(LEAF_BINDING_EXTENSION_TYPE)
    const ext = keyPackage.leafNode.extensions.filter((e) => e.extensionType === LEAF_BINDING_EXTENSION_TYPE)
    expect(ext).toHaveLength(1)
    expect(bytesToHex(recoverLeafBinding(bob.signaturePublicKey, bob.memberId, ext[0]!.extensionData)!)).toBe(
      bytesToHex(HARDHAT[1]!),
    )
    expect(bytesToHex((await alice.validateKeyPackage(kp)).memberId)).toBe(bytesToHex(HARDHAT[1]!))
    expect(bytesToHex(decodeKeyPackage(kp).memberId)).toBe(bytesToHex(HARDHAT[1]!))

    // Bound group: three bound members, every join checks every leaf; a commit with an update path keeps the binding.
    const groups = await groupOf([alice, bob, await boundClient(HARDHAT_KEYS[2]!)])
    expect(groups.map((g) => g.members().length)).toEqual([3, 3, 3])
    const cand = await groups[1]!.createCommitCandidate([{ action: 'remove', memberId: HARDHAT[2]! }])
    const staged = await groups[0]!.stageRemoteCommit(cand)
    expect(staged.status).toBe('staged')
  })

  it('createMlsClient refuses a signer that is not the key of memberId', async () => {
    await expect(
      createMlsClient({ memberId: HARDHAT[1]!, identitySigner: identitySignerOf(ALICE_KEY) }),
    ).rejects.toBeInstanceOf(InvalidMemberIdError)
    // A signer that does not produce EIP-191 signatures of its identity.
    const liar = { identity: ALICE, sign: () => new Uint8Array(65) }
    await expect(createMlsClient({ memberId: ALICE, identitySigner: liar })).rejects.toBeInstanceOf(InvalidMemberIdError)
    // Requiring bindings without being able to bind our own leaves.
    await expect(createMlsClient({ memberId: ALICE, requireIdentityBinding: true })).rejects.toBeInstanceOf(InvalidMemberIdError)
  })

  it('IdentityBindingError names the reason and the claimed member id', () => {
    const e = new IdentityBindingError('mismatch', ALICE)
    expect(e.reason).toBe('mismatch')
    expect(e.code).toBe('MLS_INVALID_KEY_PACKAGE')
    expect(e.message).toContain('0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266')
  })
})
