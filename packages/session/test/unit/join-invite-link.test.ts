// Unit test of src/join/invite-link.ts: the link string, its key and the
// joiner's proof, with no User and no network (the flows that use a link
// run in test/scenarios/invite-link.test.ts and test/adversarial/invite-link.test.ts).
import { EthereumSigner } from '@demls/consensus'
import { encodeInviteLink } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError, InvalidInviteLinkError } from '../../src/errors.js'
import {
  INVITE_LINK_SCHEME,
  INVITE_LINK_VERSION,
  inviteLinkFields,
  inviteLinkProofPayload,
  inviteLinkSigner,
  inviteLinkSigningPayload,
  parseInviteLink,
  proveInviteLink,
} from '../../src/join/invite-link.js'

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')
const creator = new EthereumSigner(new Uint8Array(32).fill(7))
const secret = new Uint8Array(32).fill(9)

function link(overrides: { secret?: Uint8Array; uses?: number; version?: number } = {}): string {
  const record = { linkKey: inviteLinkSigner(secret).identity, creator: creator.identity, uses: 2, issuedAtMs: 1_000, expiresAtMs: 2_000, addresses: ['/ip4/203.0.113.1/tcp/4001'] }
  const signed = { ...record, signature: creator.sign(inviteLinkSigningPayload('room', record)), uses: overrides.uses ?? record.uses }
  return INVITE_LINK_SCHEME + b64url(encodeInviteLink({ version: overrides.version ?? INVITE_LINK_VERSION, conversationId: 'room', secret: overrides.secret ?? secret, record: signed }))
}

describe('invite link strings', () => {
  it('parse back what the creator signed, as one line of base64url', () => {
    const text = link()
    expect(text).toMatch(/^demls:[A-Za-z0-9_-]+$/)
    const parsed = parseInviteLink(` ${text}\n`)
    expect(parsed.conversationId).toBe('room')
    expect(parsed.uses).toBe(2)
    expect(parsed.expiresAt).toBe(2_000)
    expect(parsed.addresses).toEqual(['/ip4/203.0.113.1/tcp/4001'])
    expect(parsed.inviter).toEqual(creator.identity)
    expect(parsed.secret).toEqual(secret)
  })

  it('refuse a string that is not a link, another version, or a secret that is not the record’s key', () => {
    for (const bad of ['', 'https://example.com', 'demls:!!!', `demls:${b64url(new Uint8Array([1, 2, 3]))}`]) {
      expect(() => parseInviteLink(bad), bad).toThrow(InvalidInviteLinkError)
    }
    expect(() => parseInviteLink(link({ version: INVITE_LINK_VERSION + 1 }))).toThrow(/version/)
    expect(() => parseInviteLink(link({ secret: new Uint8Array(32).fill(8) }))).toThrow(/not the key its record names/)
  })
})

describe('the link key and the joiner’s proof', () => {
  it('derives one key per secret, and the proof binds the joiner and its key package', () => {
    expect(inviteLinkSigner(secret).identity).toEqual(inviteLinkSigner(Uint8Array.from(secret)).identity)
    expect(inviteLinkSigner(new Uint8Array(32).fill(8)).identity).not.toEqual(inviteLinkSigner(secret).identity)
    const parsed = parseInviteLink(link())
    const joiner = new Uint8Array(20).fill(3)
    const keyPackage = new Uint8Array([1, 2, 3])
    const proof = proveInviteLink(parsed, joiner, keyPackage)
    const key = inviteLinkSigner(secret).identity
    const payload = (who: Uint8Array, kp: Uint8Array) => inviteLinkProofPayload('room', key, who, kp)
    expect(creator.verify(key, payload(joiner, keyPackage), proof.signature as Uint8Array)).toBe(true)
    // A proof copied from the wire does not admit another identity or another key package.
    expect(creator.verify(key, payload(new Uint8Array(20).fill(4), keyPackage), proof.signature as Uint8Array)).toBe(false)
    expect(creator.verify(key, payload(joiner, new Uint8Array([9])), proof.signature as Uint8Array)).toBe(false)
  })
})

describe('fields of a new link', () => {
  it('default to one use for seven days, and refuse out-of-bounds values', () => {
    expect(inviteLinkFields({}, 0)).toEqual({ uses: 1, expiresAt: 7 * 24 * 3_600_000, addresses: [] })
    expect(() => inviteLinkFields({ uses: 0 }, 0)).toThrow(InvalidArgumentError)
    expect(() => inviteLinkFields({ uses: 1.5 }, 0)).toThrow(InvalidArgumentError)
    expect(() => inviteLinkFields({ expiresInMs: 0 }, 0)).toThrow(InvalidArgumentError)
    expect(() => inviteLinkFields({ addresses: ['a', 'b', 'c', 'd', 'e'] }, 0)).toThrow(InvalidArgumentError)
    expect(() => inviteLinkFields({ addresses: ['x'.repeat(200)] }, 0)).toThrow(InvalidArgumentError)
  })
})
