import { EthereumSigner } from '@demls/consensus'
import { type CommitRequestInit, type EpochAttestationInit, encodeAppMessage, encodeCommitRequest } from '@demls/wire'
import { signAttestation, signedPayload } from '../../src/join/signing.js'
import { COMMIT_REQUEST_DOMAIN } from '../../src/sync/claims.js'

/** MLS variable-length integer (RFC 9420 §2.1.2). */
function varint(n: number): number[] {
  if (n < 64) return [n]
  if (n < 16384) return [0x40 | (n >> 8), n & 0xff]
  return [0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
}

/**
 * A well-framed MLS PrivateMessage (application) of `size` ciphertext bytes
 * claiming `epoch` of the group `groupId`: what an outsider can publish to
 * look like chat from a future epoch (it decrypts to nothing).
 */
export function futureCiphertext(groupId: string, epoch: bigint, size: number): Uint8Array {
  const gid = [...new TextEncoder().encode(groupId)]
  const e: number[] = []
  for (let i = 7; i >= 0; i--) e.push(Number((epoch >> BigInt(8 * i)) & 0xffn))
  const head = [0x00, 0x01, 0x00, 0x02, ...varint(gid.length), ...gid, ...e, 0x01, ...varint(0), ...varint(16), ...new Array(16).fill(7), ...varint(size)]
  const out = new Uint8Array(head.length + size)
  out.set(head, 0)
  out.fill(9, head.length)
  return out
}

/** A plaintext AppMessage carrying an attestation signed with `key` (claiming `memberId`). */
export function attestation(conversationId: string, key: Uint8Array, fields: Omit<EpochAttestationInit, 'memberId' | 'signature'>, claimed?: Uint8Array): Uint8Array {
  const signer = new EthereumSigner(key)
  const a = signAttestation(signer, conversationId, fields)
  return encodeAppMessage({ demlsControl: { attestation: claimed === undefined ? a : { ...a, memberId: claimed } } })
}

/** A plaintext commit request for `fromEpoch` signed with `key` (claiming `memberId`), or unsigned. */
export function commitRequest(conversationId: string, fromEpoch: bigint, memberId: Uint8Array, key: Uint8Array | undefined, signedAtMs: number): Uint8Array {
  const unsigned: CommitRequestInit = { fromEpoch, memberId, signedAtMs: BigInt(signedAtMs) }
  const signature =
    key === undefined ? new Uint8Array(0) : new EthereumSigner(key).sign(signedPayload(COMMIT_REQUEST_DOMAIN, conversationId, encodeCommitRequest({ ...unsigned, signature: null })))
  return encodeAppMessage({ demlsControl: { commitRequest: { ...unsigned, signature } } })
}
