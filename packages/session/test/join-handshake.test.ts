import { EthereumSigner, ethereumAddress } from '@demls/consensus'
import { JoinStatusKind, decodeJoinBeacon, decodeJoinStatus, encodeJoinBeacon, encodeJoinStatus, toHex } from '@demls/wire'
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import {
  JOIN_BEACON_DOMAIN,
  JOIN_PHASES,
  joinBeaconSigningPayload,
  signJoinBeacon,
  signJoinStatus,
  verifyJoinBeacon,
  verifyJoinStatus,
} from '../src/index.js'
import { Backoff } from '../src/user/join/backoff.js'
import { JoinTrust } from '../src/user/join/trust.js'
import { DEV_KEYS } from './scenarios/harness.js'

const alice = new EthereumSigner(DEV_KEYS[0]!)
const bob = new EthereumSigner(DEV_KEYS[1]!)
const nonce = Uint8Array.from({ length: 16 }, (_, i) => i)

describe('join retry backoff', () => {
  it('starts at 3 s, doubles to a 30 s cap, jitter below a quarter', () => {
    const none = new Backoff({}, () => 0)
    expect([...Array(7)].map(() => none.next())).toEqual([3_000, 6_000, 12_000, 24_000, 30_000, 30_000, 30_000])
    const most = new Backoff({}, () => 0.999_999_9)
    const delays = [...Array(6)].map(() => most.next())
    expect(delays).toEqual([3_749, 7_499, 14_999, 29_999, 37_499, 37_499])
    const half = new Backoff({ initialMs: 100, maxMs: 250 }, () => 0.5)
    expect([...Array(4)].map(() => half.next())).toEqual([112, 225, 281, 281])
  })

  it('a random source out of [0, 1) cannot push the jitter past a quarter', () => {
    expect(new Backoff({}, () => 7).next()).toBeLessThan(3_750)
    expect(new Backoff({}, () => -1).next()).toBe(3_000)
  })
})

describe('signed beacons and statuses', () => {
  const beaconFields = {
    conversationId: 'chat',
    epoch: 7n,
    epochSteward: bob.identity,
    memberCount: 4,
    nonce,
    signedAtMs: 1_700_000_000_000,
  }

  it('a beacon is signed by its responder (EIP-191 over the domain-separated hash) and survives the wire', () => {
    const beacon = decodeJoinBeacon(encodeJoinBeacon(signJoinBeacon(alice, beaconFields)))
    expect(beacon.responder).toEqual(ethereumAddress(DEV_KEYS[0]!))
    expect(beacon.signature).toHaveLength(65)
    expect(verifyJoinBeacon(bob, beacon)).toBe(true)
    const payload = joinBeaconSigningPayload(beacon)
    expect(new TextDecoder().decode(payload.subarray(0, JOIN_BEACON_DOMAIN.length))).toBe(JOIN_BEACON_DOMAIN)
    expect(payload[JOIN_BEACON_DOMAIN.length]).toBe(0)
    expect(payload).toHaveLength(JOIN_BEACON_DOMAIN.length + 1 + 32)
    // The signature field does not cover itself.
    expect(joinBeaconSigningPayload({ ...beacon, signature: new Uint8Array(65) })).toEqual(payload)
  })

  it('any changed field, another responder or a malformed signature fails verification', () => {
    const beacon = decodeJoinBeacon(encodeJoinBeacon(signJoinBeacon(alice, beaconFields)))
    expect(verifyJoinBeacon(alice, { ...beacon, epoch: 8n })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, conversationId: 'other' })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, nonce: new Uint8Array(16) })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, memberCount: 5 })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, responder: bob.identity })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, signature: beacon.signature.subarray(0, 64) })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, signature: new Uint8Array(65) })).toBe(false)
    expect(verifyJoinBeacon(alice, { ...beacon, moreNonces: [new Uint8Array(16)] })).toBe(false)
  })

  it('a beacon answering one probe encodes as before the field for more (same bytes, same signature); the extra nonces are signed', () => {
    const single = encodeJoinBeacon(signJoinBeacon(alice, beaconFields))
    expect(encodeJoinBeacon(signJoinBeacon(alice, { ...beaconFields, moreNonces: [] }))).toEqual(single)
    const more = [new Uint8Array(16).fill(1), new Uint8Array(16).fill(2)]
    const shared = decodeJoinBeacon(encodeJoinBeacon(signJoinBeacon(alice, { ...beaconFields, moreNonces: more })))
    expect(shared.moreNonces).toEqual(more)
    expect(verifyJoinBeacon(bob, shared)).toBe(true)
    expect(verifyJoinBeacon(bob, { ...shared, moreNonces: more.slice(1) })).toBe(false)
    expect(verifyJoinBeacon(bob, { ...shared, moreNonces: [...more, new Uint8Array(16).fill(3)] })).toBe(false)
  })

  it('statuses are domain-separated from beacons', () => {
    const status = decodeJoinStatus(
      encodeJoinStatus(
        signJoinStatus(alice, {
          conversationId: 'chat',
          joiner: bob.identity,
          status: JoinStatusKind.JOIN_STATUS_REJECTED,
          proposalId: 42,
          epoch: 7n,
          keyPackageHash: new Uint8Array(32).fill(1),
          signedAtMs: 1,
        }),
      ),
    )
    expect(verifyJoinStatus(bob, status)).toBe(true)
    expect(verifyJoinStatus(bob, { ...status, status: JoinStatusKind.JOIN_STATUS_ADMITTED })).toBe(false)
    expect(verifyJoinStatus(bob, { ...status, keyPackageHash: new Uint8Array(32) })).toBe(false)
    // A beacon signature replayed as a status does not verify, whatever the fields.
    const beacon = signJoinBeacon(alice, beaconFields)
    expect(verifyJoinStatus(bob, { ...status, signature: beacon.signature as Uint8Array })).toBe(false)
  })

  it('the phases are in order', () => {
    expect(JOIN_PHASES).toEqual(['probing', 'beacon', 'knocking', 'announcing', 'acked', 'admitted', 'welcomed', 'synced', 'ready'])
  })
})

describe('what a joiner believes (JoinTrust)', () => {
  const joiner = new EthereumSigner(DEV_KEYS[2]!)
  const steward = new EthereumSigner(DEV_KEYS[3]!)
  const outsider = new EthereumSigner(DEV_KEYS[4]!)
  const kp = new Uint8Array([1, 2, 3])
  const trust = (trusted?: Uint8Array[]) =>
    new JoinTrust({
      conversationId: 'chat',
      memberId: joiner.identity,
      verifier: joiner,
      trusted: trusted && new Set(trusted.map(toHex)),
      isOurKeyPackage: (h) => h === toHex(sha256(kp)),
    })
  const beacon = (by: EthereumSigner, fields: Partial<Parameters<typeof signJoinBeacon>[1]> = {}) =>
    decodeJoinBeacon(encodeJoinBeacon(signJoinBeacon(by, { conversationId: 'chat', epoch: 1n, nonce, signedAtMs: 1, ...fields })))
  const status = (by: EthereumSigner, kind: number, fields: Partial<Parameters<typeof signJoinStatus>[1]> = {}) =>
    decodeJoinStatus(
      encodeJoinStatus(
        signJoinStatus(by, { conversationId: 'chat', joiner: joiner.identity, status: kind, proposalId: 9, keyPackageHash: sha256(kp), ...fields }),
      ),
    )

  it('a beacon must echo a nonce we sent, name this conversation and be signed by its responder', () => {
    const t = trust()
    expect(t.acceptBeacon(beacon(alice))).toBe(false) // no probe sent yet
    t.probed(nonce)
    expect(t.acceptBeacon(beacon(alice, { conversationId: 'other' }))).toBe(false)
    expect(t.acceptBeacon({ ...beacon(alice), responder: bob.identity })).toBe(false)
    expect(t.acceptBeacon(beacon(alice))).toBe(true)
  })

  it('a beacon answering several probes counts for each prober it names, and for no one when it names more than 32', () => {
    const t = trust()
    t.probed(nonce)
    const others = (n: number) => Array.from({ length: n }, (_, k) => new Uint8Array(16).fill(k + 1))
    // Ours among others, first or not.
    expect(t.acceptBeacon(beacon(alice, { nonce: new Uint8Array(16).fill(9), moreNonces: [...others(3), nonce] }))).toBe(true)
    expect(trust().acceptBeacon(beacon(alice, { nonce: new Uint8Array(16).fill(9), moreNonces: others(3) }))).toBe(false) // not ours
    const t2 = trust()
    t2.probed(nonce)
    expect(t2.acceptBeacon(beacon(alice, { moreNonces: others(31) }))).toBe(true) // 32 in all
    expect(t2.acceptBeacon(beacon(alice, { moreNonces: others(32) }))).toBe(false) // 33: malformed
  })

  it('a status must be about our key package and for us', () => {
    const t = trust()
    expect(t.acceptStatus(status(alice, JoinStatusKind.JOIN_STATUS_ACKED, { keyPackageHash: sha256(new Uint8Array([9])) }))).toBe(false)
    expect(t.acceptStatus(status(alice, JoinStatusKind.JOIN_STATUS_ACKED, { joiner: bob.identity }))).toBe(false)
    expect(t.acceptStatus(status(alice, JoinStatusKind.JOIN_STATUS_ACKED, { conversationId: 'other' }))).toBe(false)
    expect(t.acceptStatus({ ...status(outsider, JoinStatusKind.JOIN_STATUS_ADMITTED), responder: alice.identity })).toBe(false)
    expect(t.acceptStatus(status(alice, JoinStatusKind.JOIN_STATUS_ADMITTED))).toBe(true)
  })

  it('REJECTED counts only from a beacon signer, the epoch steward it named, or the acker of that proposal', () => {
    const t = trust()
    const rejected = (by: EthereumSigner, proposalId = 9) => status(by, JoinStatusKind.JOIN_STATUS_REJECTED, { proposalId })
    expect(t.acceptStatus(rejected(outsider))).toBe(false)
    expect(t.acceptStatus(rejected(alice))).toBe(false)
    t.probed(nonce)
    expect(t.acceptBeacon(beacon(alice, { epochSteward: steward.identity }))).toBe(true)
    expect(t.acceptStatus(rejected(alice))).toBe(true)
    expect(t.acceptStatus(rejected(steward))).toBe(true)
    expect(t.acceptStatus(rejected(bob))).toBe(false)
    // Without probing (probe: false), the member that acknowledged the proposal may reject it.
    expect(t.acceptStatus(status(bob, JoinStatusKind.JOIN_STATUS_ACKED, { proposalId: 10 }))).toBe(true)
    expect(t.acceptStatus(rejected(bob, 10))).toBe(true)
    expect(t.acceptStatus(rejected(bob, 11))).toBe(false)
  })

  it('with trusted members, nobody else counts', () => {
    const t = trust([steward.identity])
    t.probed(nonce)
    expect(t.acceptBeacon(beacon(alice))).toBe(false)
    expect(t.acceptStatus(status(alice, JoinStatusKind.JOIN_STATUS_ACKED))).toBe(false)
    expect(t.acceptBeacon(beacon(steward))).toBe(true)
    expect(t.acceptStatus(status(steward, JoinStatusKind.JOIN_STATUS_REJECTED))).toBe(true)
  })
})
