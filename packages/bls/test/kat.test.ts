// Known answers: the byte formats other implementations must reproduce
// (the vote message, the proof and binding encodings, the member key
// derivation), each also recomputed here from its documented layout.
import { createHash } from 'node:crypto'
import { EthereumSigner } from '@demls/consensus'
import { bls12_381 } from '@noble/curves/bls12-381.js'
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import { describe, expect, it } from 'vitest'
import {
  blsKeyFromMemberKey,
  blsPublicKey,
  blsSign,
  blsVerify,
  blsVoteMessage,
  createKeyBinding,
  decodeApprovalProof,
  decodeKeyBinding,
  encodeApprovalProof,
  encodeKeyBinding,
  keyBindingDigest,
  signerBitmap,
  verifyKeyBinding,
} from '../src/index.js'
import { native, noble } from './helpers.js'

const ctx = { conversationId: 'chat', epoch: 7n, proposalId: 4242, proposalDigest: new Uint8Array(32).fill(0xab) }
const memberKey = new Uint8Array(32).fill(0x11)

const YES = '64656d6c732f626c732d766f74652f763100fa047050f6381f12e6517cff1f9b7ca29d054eaa82f5b1af304aebccb3787f3f'
const NO = '64656d6c732f626c732d766f74652f763100acd43e72ac9793be3f9958b87f90aa8cd5c9e2d2400e336d807b63092398fe75'
const SK = '18339513fa9a316f7956e3eec4c6ebae88a4de254f852aa1624acba9c4e4c556'
const PK = '8fe3229681cb33d903843d2678dfc445b104ac430f0cf808a741ba6a2d57e18a6fd6378e222ed9b2f17deed7b38f72c2'
const SIG =
  '8683c6df1a103694973d609222dd0bdbfafd8f352256cc8af631ad6e1b83050938ccd95733781310aa288669c449be560b152edb44a17b65e72ea80fb01b69ea10ec9b082ca92275058d2a741947cb10af7333958128600e4c3a738a85f7063e'
const BINDING =
  '0a1419e7e376e7c213b7e7e7e46cc70a5dd086daff2a12308fe3229681cb33d903843d2678dfc445b104ac430f0cf808a741ba6a2d57e18a6fd6378e222ed9b2f17deed7b38f72c21a609125d7597f38cb4090ea893a43f349ff2ac5c7d03a735610333243e928954c39f1142735257e744a56fba134bf5ffb100208fbc4d5a329720b6590e1cc0e392c419ff387f27d337a3921ac8df2e8b9f937bc76ea49a3705e6d8a7ed6bbef7f2d2241c2c11c30600bdda9ca48d4f049d55e0587082c3174f232701a301eb7c0116803449bc635f28c9070ef7782554f10e56b517c5ec08c9d2c5015c7736e5b36ac6f1c'

describe('known answers', () => {
  it('the vote message is "demls/bls-vote/v1" ‖ 0x00 ‖ SHA-256(u16 len ‖ id ‖ u64 epoch ‖ u32 id ‖ digest ‖ vote)', () => {
    const layout = (vote: number) => {
      const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('chat'), Buffer.from('0000000000000007', 'hex'), Buffer.from('00001092', 'hex'), Buffer.alloc(32, 0xab), Buffer.from([vote])])
      return Buffer.concat([Buffer.from('demls/bls-vote/v1'), Buffer.from([0]), createHash('sha256').update(body).digest()]).toString('hex')
    }
    expect(layout(1)).toBe(YES)
    expect(layout(0)).toBe(NO)
    expect(bytesToHex(blsVoteMessage(ctx, true))).toBe(YES)
    expect(bytesToHex(blsVoteMessage(ctx, false))).toBe(NO)
  })

  it('the member key derivation, public key and vote signature (both backends)', () => {
    expect(bytesToHex(blsKeyFromMemberKey(memberKey))).toBe(SK)
    for (const b of [native(), noble]) {
      expect(bytesToHex(blsPublicKey(hexToBytes(SK), b))).toBe(PK)
      expect(bytesToHex(blsSign(hexToBytes(SK), hexToBytes(YES), b))).toBe(SIG)
      expect(blsVerify(hexToBytes(PK), hexToBytes(YES), hexToBytes(SIG), b)).toBe(true)
    }
  })

  it('the approval proof encoding, field by field', () => {
    const proof = { epoch: 7n, proposalId: 4242, proposalDigest: ctx.proposalDigest, yes: { signers: signerBitmap([0, 2, 9], 10), signature: hexToBytes(SIG) } }
    const expected = `0807` + `109221` + `1a20${'ab'.repeat(32)}` + `22020502` + `2a60${SIG}`
    expect(bytesToHex(encodeApprovalProof(proof))).toBe(expected)
    expect(decodeApprovalProof(hexToBytes(expected))).toEqual(proof)
  })

  it('the key binding encoding (deterministic: RFC 6979 member signature, BLS signatures)', () => {
    const signer = new EthereumSigner(memberKey)
    const binding = createKeyBinding(signer, memberKey)
    expect(bytesToHex(encodeKeyBinding(binding))).toBe(BINDING)
    const decoded = decodeKeyBinding(hexToBytes(BINDING))
    expect(bytesToHex(decoded.memberId)).toBe(bytesToHex(signer.identity))
    expect(bytesToHex(decoded.publicKey)).toBe(PK)
    expect(bytesToHex(keyBindingDigest(decoded.memberId, decoded.publicKey))).toBe(
      createHash('sha256')
        .update(Buffer.concat([Buffer.from('demls/bls-key-binding/v1'), Buffer.from([0]), Buffer.from(decoded.memberId), Buffer.from(decoded.publicKey)]))
        .digest('hex'),
    )
    expect(verifyKeyBinding(decoded, signer.identity)).toEqual({ ok: true })
    // The proof of possession, built independently with noble under the signature DST:
    // "demls/bls-possession/v1" ‖ 0x00 ‖ public key ‖ member id.
    const message = Buffer.concat([Buffer.from('demls/bls-possession/v1'), Buffer.from([0]), Buffer.from(decoded.publicKey), Buffer.from(decoded.memberId)])
    const sigDst = bls12_381.longSignatures
    expect(bytesToHex(sigDst.sign(sigDst.hash(message, 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'), hexToBytes(SK)).toBytes(true))).toBe(bytesToHex(decoded.possession))
  })
})
