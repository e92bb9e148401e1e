import { EthereumSigner } from '@demls/consensus'
import { createMlsClient } from '@demls/mls'
import type { MemoryTransport } from '@demls/transport-memory'
import { type InboundPacket, decodeWelcomeChannelMessage, encodeAppMessage, encodeWelcomeChannelMessage, topicFor } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { signAttestation } from '../../src/join/signing.js'
import { authenticatorHash } from '../../src/rules/index.js'
import { bootstrap, conv, converged, eventsOf, hex, keyFor, memberIdOf, scenario } from '../scenarios/harness.js'

// The re-join of a joiner welcomed into an abandoned commit
// (`join/rewelcome.ts`) is a door: a joiner that keeps its key package can
// be made to process another Welcome. What can a malicious member or an
// outsider do with it? Move it only with a majority's signed word, and only
// to the state that majority attests.
describe('re-join: what an attacker cannot do with it', () => {
  it('a lying member, forged attestations and a Welcome into a forged group do not move a joiner', async () => {
    const s = await scenario(5)
    const id = 'rejoin-attack'
    await bootstrap(s, id, 4)
    const evil = 3
    const joiner = 4
    const tap = s.net.createTransport('outsider') as MemoryTransport
    await tap.start()
    tap.subscribe(topicFor(id, 'welcome'))
    let keyPackage: Uint8Array | undefined
    let announcements = 0
    tap.addEventListener('message', (e: CustomEvent<InboundPacket>) => {
      try {
        const msg = decodeWelcomeChannelMessage(e.detail.envelope.payload)
        if (msg.keyPackage !== undefined && hex(msg.keyPackage.memberId) === hex(memberIdOf(joiner))) {
          keyPackage = msg.keyPackage.keyPackageBytes
          announcements++
        }
      } catch {}
    })
    const everyone = [0, 1, 2, 3, 4]
    const joined = s.members[joiner]!.user.join(id)
    await s.until(() => converged(s, id, everyone))
    await joined
    expect(keyPackage).toBeDefined()
    const announced = announcements
    const epoch = conv(s, joiner, id).epoch()
    const fake = authenticatorHash(new Uint8Array(32).fill(0xee))
    const now = () => s.net.clock.now()
    const publishPlain = (payload: Uint8Array) => tap.publish({ conversationId: id, subtopic: 'app', payload }, { allowNoPeers: true })

    // The malicious member signs a state nobody holds (its own word: one of four others, no majority).
    const lie = signAttestation(new EthereumSigner(keyFor(evil)), id, { epoch, authenticatorHash: fake, signedAtMs: now() + 1 })
    await publishPlain(encodeAppMessage({ demlsControl: { attestation: lie } }))
    // An outsider forges the same claim for a majority of the members (signed with its own key).
    for (const i of [0, 1, 2]) {
      const forged = signAttestation(new EthereumSigner(keyFor(9)), id, { epoch, authenticatorHash: fake, signedAtMs: now() + 1 })
      await publishPlain(encodeAppMessage({ demlsControl: { attestation: { ...forged, memberId: memberIdOf(i) } } }))
    }
    // And a Welcome for the joiner's key package into a group of the attacker's making, under the same id.
    const mls = await createMlsClient({ memberId: memberIdOf(evil) })
    const forgedGroup = await mls.createGroup(id)
    const candidate = await forgedGroup.createCommitCandidate([{ action: 'add', keyPackage: keyPackage! }], { nowMs: now() })
    await forgedGroup.mergeOwnCommit()
    const welcome = { welcomeBytes: candidate.welcome!, conversationSyncBytes: new Uint8Array([1, 2, 3]), joinerIdentities: [memberIdOf(joiner)] }
    await tap.publish({ conversationId: id, subtopic: 'welcome', payload: encodeWelcomeChannelMessage({ welcome }) }, { allowNoPeers: true })
    await publishPlain(encodeAppMessage({ memberWelcome: welcome }))
    await s.net.advance(20_000)

    // Nothing moved: the joiner never judged itself stranded (it would announce its key package again),
    // did not re-join, holds the group's state, and the group still works with it.
    expect(announcements).toBe(announced)
    expect(eventsOf(s, joiner, 'stranded')).toEqual([])
    expect(eventsOf(s, joiner, 'rejoined')).toEqual([])
    expect(converged(s, id, everyone)).toBe(true)
    expect(hex(conv(s, joiner, id).epochAuthenticator())).toBe(hex(conv(s, 0, id).epochAuthenticator()))
    await conv(s, 0, id).removeMember(memberIdOf(evil))
    const rest = [0, 1, 2, 4]
    await s.until(() => converged(s, id, rest) && conv(s, joiner, id).members().length === 4)
    await s.stop()
  }, 120_000)
})
