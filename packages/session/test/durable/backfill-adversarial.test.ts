import { EthereumSigner } from '@demls/consensus'
import { type HistoryRequestInit, decodeAppMessage, encodeAppMessage, encodeHistoryRequest } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { signedPayload } from '../../src/join/signing.js'
import { HISTORY_REQUEST_DOMAIN } from '../../src/sync/backfill.js'
import { bootstrap, conv, keyFor, memberIdOf, scenario, text } from '../scenarios/harness.js'

const ID = 'chat'

/** A history request for `claimed`, signed with `signerKey`. */
function request(claimed: Uint8Array, signerKey: Uint8Array, signedAtMs: number, conversationId = ID): Uint8Array {
  const unsigned: HistoryRequestInit = { memberId: claimed, sinceMs: 0n, signedAtMs: BigInt(signedAtMs) }
  const signature = new EthereumSigner(signerKey).sign(signedPayload(HISTORY_REQUEST_DOMAIN, conversationId, encodeHistoryRequest({ ...unsigned, signature: null })))
  return encodeAppMessage({ demlsControl: { historyRequest: { ...unsigned, signature } } })
}

describe('chat backfill under attack', () => {
  it('no member answers a forged, foreign, stale or non-member request; an unsolicited reply hands a member nothing', async () => {
    let replies = 0
    const s = await scenario(3, {
      transport: (_i, t) => {
        const publish = t.publish.bind(t)
        t.publish = async (packet, options) => {
          if (packet.subtopic === 'app' && packet.payload[0] !== 0 && decodeAppMessage(packet.payload).demlsControl?.historyReply) replies++
          return publish(packet, options)
        }
      },
    })
    await bootstrap(s, ID)
    await conv(s, 0, ID).sendMessage(text('kept by everyone'))
    await s.net.clock.advance(1_000)
    const outsider = s.net.createTransport('outsider')
    await outsider.start()
    const send = (payload: Uint8Array) => outsider.publish({ conversationId: ID, subtopic: 'app', payload }, { allowNoPeers: true })
    const now = s.net.clock.now()

    await send(request(memberIdOf(1), keyFor(7), now)) // claims member 1, signed by someone else
    await send(request(memberIdOf(7), keyFor(7), now)) // validly signed by a non-member
    await send(request(memberIdOf(1), keyFor(1), now, 'another-conversation')) // member 1's request for another conversation
    await send(request(memberIdOf(1), keyFor(1), now - 3_600_000)) // a captured request replayed an hour later
    await s.net.clock.advance(2_000)
    expect(replies).toBe(0)
    // The refusals are reported (and counted), not silent.
    expect(s.members[0]!.events.some((e) => e.type === 'dropped' && e.detail === 'history request with a bad signature')).toBe(true)
    expect(s.members[0]!.events.some((e) => e.type === 'dropped' && e.detail === 'history request from a non-member')).toBe(true)

    // A genuine request is answered once per interval, not once per copy.
    await send(request(memberIdOf(1), keyFor(1), now))
    await send(request(memberIdOf(1), keyFor(1), now + 1))
    await s.net.clock.advance(2_000)
    const answered = replies
    expect(answered).toBeGreaterThan(0)
    expect(answered).toBeLessThanOrEqual(2) // one per steward

    // Member 1 never asked: the reply gives it nothing (no backfill, no duplicate chat).
    const before = s.members[1]!.events.filter((e) => e.type === 'message').length
    expect(s.members[1]!.events.some((e) => e.type === 'backfill')).toBe(false)
    expect(before).toBe(1)
    await s.stop()
  }, 60_000)
})
