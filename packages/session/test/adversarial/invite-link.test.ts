import { EthereumSigner } from '@demls/consensus'
import {
  type InviteLinkRecord,
  JoinRejectReason,
  JoinStatusKind,
  decodeWelcomeChannelMessage,
  encodeWelcomeChannelMessage,
  toHex,
} from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { parseInviteLink } from '../../src/index.js'
import { inviteLinkSigner, inviteLinkSigningPayload, proveInviteLink } from '../../src/join/invite-link.js'
import { Bed } from '../sansio.js'
import { hex, keyFor, memberIdOf } from '../scenarios/harness.js'

const MEMBERS = [0, 1, 2, 3]

/** A group of four (0 creates, adds 1–3) under invite admission, outsiders 4–6. */
async function bed(id: string): Promise<Bed> {
  const b = await Bed.create(id, 7, { admission: 'invite', consensusTimeoutMs: 5_000 })
  for (const i of [1, 2, 3]) await b.add(i)
  return b
}

/** Outsider `i` announces its key package with `proof` (or one for its own identity made from `link`). */
async function announce(b: Bed, i: number, proof: (kp: Uint8Array) => ReturnType<typeof proveInviteLink>): Promise<Uint8Array> {
  const kp = await b.peers[i]!.plugins.generateKeyPackage(b.now)
  const payload = encodeWelcomeChannelMessage({ keyPackage: { keyPackageBytes: kp, memberId: memberIdOf(i), demlsLinkProof: proof(kp) } })
  for (const m of MEMBERS) await b.conv(m).receive({ subtopic: 'welcome', payload }, b.clock(m))
  await b.flush()
  return kp
}

/** The REJECTED statuses the members sent about outsider `i`, with their reasons. */
function rejections(b: Bed, i: number): JoinRejectReason[] {
  return MEMBERS.flatMap((m) =>
    b.peers[m]!.sent.flatMap((p) => {
      if (p.subtopic !== 'welcome') return []
      const st = decodeWelcomeChannelMessage(p.payload).joinStatus
      return st?.status === JoinStatusKind.JOIN_STATUS_REJECTED && hex(st.joiner) === hex(memberIdOf(i)) ? [st.rejectReason] : []
    }),
  )
}

const memberCount = (b: Bed) => MEMBERS.map((m) => b.conv(m).members().length)

/**
 * Invite links against a hostile network or member: the link is a bearer
 * capability bound, at use, to one identity and key package; the group
 * admits only what the link's creator (a member) signed, and refuses the
 * rest with a signed reason.
 */
describe('invite links (adversarial)', () => {
  it('a copied proof (a replayed announcement) admits nobody else: another identity with it is refused link-invalid; the holder still joins', async () => {
    const b = await bed('copy')
    const { link } = await b.conv(1).createInviteLink(b.now, { uses: 2 })
    await b.flush()
    const parsed = parseInviteLink(link)
    // The eavesdropper (outsider 5) copies outsider 4's proof, made for 4's identity and key package, into its own announcement.
    const kp4 = await b.peers[4]!.plugins.generateKeyPackage(b.now)
    const stolen = proveInviteLink(parsed, memberIdOf(4), kp4)
    await announce(b, 5, () => stolen)
    await b.run(10_000, 250)
    expect(memberCount(b)).toEqual([4, 4, 4, 4])
    expect(rejections(b, 5)).toContain(JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID)
    // The link is not spent by it: its holder (outsider 4) joins with its own proof.
    await announce(b, 4, (kp) => proveInviteLink(parsed, memberIdOf(4), kp))
    await b.until(() => b.peers[4]!.conversation !== undefined && memberCount(b).every((n) => n === 5), 60_000)
    for (const m of MEMBERS) expect(b.conv(m).inviteLinks(b.clock(m)).map((l) => l.used)).toEqual([1])
  }, 120_000)

  it('a link minted by a non-member, or with its uses or expiry altered after signing, is refused link-invalid', async () => {
    const b = await bed('mint')
    const stranger = new EthereumSigner(keyFor(9))
    const secret = new Uint8Array(32).fill(7)
    const unsigned = { linkKey: inviteLinkSigner(secret).identity, creator: stranger.identity, uses: 5, issuedAtMs: BigInt(b.now), expiresAtMs: BigInt(b.now + 3_600_000), addresses: [] }
    const minted: InviteLinkRecord = { ...unsigned, signature: stranger.sign(inviteLinkSigningPayload(b.id, unsigned)) }
    await announce(b, 4, (kp) => proveInviteLink({ conversationId: b.id, secret, record: minted }, memberIdOf(4), kp))
    await b.run(10_000, 250)
    expect(rejections(b, 4)).toContain(JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID)
    // Member 1's genuine link, with more uses, or a later expiry, than it signed.
    const { link } = await b.conv(1).createInviteLink(b.now, { uses: 1, expiresInMs: 60_000 })
    await b.flush()
    const parsed = parseInviteLink(link)
    const moreUses = { ...parsed, record: { ...parsed.record, uses: 100 } }
    await announce(b, 5, (kp) => proveInviteLink(moreUses, memberIdOf(5), kp))
    const later = { ...parsed, record: { ...parsed.record, expiresAtMs: parsed.record.expiresAtMs + 3_600_000n } }
    await announce(b, 6, (kp) => proveInviteLink(later, memberIdOf(6), kp))
    await b.run(10_000, 250)
    expect(rejections(b, 5)).toContain(JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID)
    expect(rejections(b, 6)).toContain(JoinRejectReason.JOIN_REJECT_REASON_LINK_INVALID)
    expect(memberCount(b)).toEqual([4, 4, 4, 4])
    // Nothing was learned from the forgeries: only member 1's link is held, unused.
    for (const m of MEMBERS) expect(b.conv(m).inviteLinks(b.clock(m)).map((l) => `${l.id}:${l.used}/${l.uses}`)).toEqual([`${toHex(parsed.record.linkKey)}:0/1`])
  }, 120_000)

  it('a revocation most members missed is relayed when the link is used: refused link-revoked', async () => {
    const b = await bed('revoke')
    const { link, id } = await b.conv(1).createInviteLink(b.now, { uses: 3 })
    await b.flush()
    // Member 2 revokes it; only member 3 hears the revocation.
    b.intercept = (from, to, p) => (from === 2 && to !== 3 ? undefined : p)
    await b.conv(2).revokeInviteLink(id, b.now)
    await b.flush()
    b.intercept = undefined
    expect(b.conv(0).inviteLinks(b.clock(0)).map((l) => l.id)).toEqual([id])
    expect(b.conv(3).inviteLinks(b.clock(3))).toEqual([])
    await announce(b, 4, (kp) => proveInviteLink(parseInviteLink(link), memberIdOf(4), kp))
    await b.run(10_000, 250)
    expect(memberCount(b)).toEqual([4, 4, 4, 4])
    expect(rejections(b, 4)).toContain(JoinRejectReason.JOIN_REJECT_REASON_LINK_REVOKED)
    // Everyone holds the revocation now.
    for (const m of MEMBERS) expect(b.conv(m).inviteLinks(b.clock(m))).toEqual([])
  }, 120_000)
})
