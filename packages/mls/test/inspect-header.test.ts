import { describe, expect, it } from 'vitest'
import { inspectMessageEpoch, inspectMessageKind } from '../src/index.js'
import { decodeMls } from '../src/message/codec.js'
import { framingOf, kindOf } from '../src/message/inspect.js'
import { client, groupOf, text } from './helpers.js'

/** What the full decoder says of `bytes` (the reference the framing read must agree with). */
function fullRead(bytes: Uint8Array): { kind: string; epoch: bigint | undefined } {
  try {
    const m = decodeMls(bytes)
    return { kind: kindOf(m), epoch: framingOf(m)?.epoch }
  } catch {
    return { kind: 'other', epoch: undefined }
  }
}

describe('inspecting a PrivateMessage from its framing', () => {
  it('agrees with the full decoder on real messages and on every truncation, extension and header byte flip of them', async () => {
    const [a, b] = await groupOf([await client(), await client()])
    const c = await client()
    const cand = await a!.createCommitCandidate([{ action: 'add', keyPackage: await c.generateKeyPackage() }])
    await a!.mergeOwnCommit()
    await b!.stageRemoteCommit(cand)
    await b!.mergeStagedCommit()
    // Application messages of 0 B, 40 B and 20 KiB (a 4-byte ciphertext length), a private proposal and commit.
    const messages = [
      await a!.encrypt(new Uint8Array()),
      await a!.encrypt(text('x'.repeat(40))),
      await b!.encrypt(new Uint8Array(20_000).fill(7)),
      cand.proposals[0]!,
      cand.commit,
    ]
    expect(messages.map((m) => inspectMessageKind(m))).toEqual(['application', 'application', 'application', 'proposal', 'commit'])
    expect(inspectMessageEpoch(messages[0]!)).toBe(2n)
    expect(inspectMessageEpoch(cand.commit)).toBe(1n)
    let variants = 0
    for (const m of messages) {
      const mutants: Uint8Array[] = [m]
      for (let len = 0; len < m.length; len += len < 80 ? 1 : 97) mutants.push(m.subarray(0, len))
      mutants.push(Uint8Array.of(...m, 0)) // one trailing byte
      for (let i = 0; i < Math.min(m.length, 80); i++) {
        for (const flip of [0x01, 0x40, 0x80, 0xc0]) {
          const x = m.slice()
          x[i]! ^= flip
          mutants.push(x)
        }
      }
      for (const x of mutants) {
        const full = fullRead(x)
        const kind = inspectMessageKind(x)
        // The framing read may accept what the full decoder refuses only where the difference is
        // inside the opaque fields (which decryption then refuses); it never names another kind or epoch.
        if (full.kind !== 'other') {
          expect(kind).toBe(full.kind)
          expect(inspectMessageEpoch(x)).toBe(full.epoch)
        }
        variants++
      }
    }
    expect(variants).toBeGreaterThan(1500)
  })

  it('leaves other wire formats, unknown content types and a sliced view to the full decoder', async () => {
    const [a] = await groupOf([await client()])
    const app = await a!.encrypt(text('hi'))
    // The same bytes inside a larger buffer (a subarray of a network frame).
    const framed = new Uint8Array(app.length + 10)
    framed.set(app, 5)
    expect(inspectMessageKind(framed.subarray(5, 5 + app.length))).toBe('application')
    expect(inspectMessageEpoch(framed.subarray(5, 5 + app.length))).toBe(a!.epoch())
    // Content type 0 and 4: not a kind of ours.
    const at = 4 + 1 + app[4]! + 8
    for (const t of [0, 4]) {
      const x = app.slice()
      x[at] = t
      expect(inspectMessageKind(x)).toBe('other')
      expect(inspectMessageEpoch(x)).toBeUndefined()
    }
    expect(inspectMessageKind(await (await client()).generateKeyPackage())).toBe('key-package')
    expect(inspectMessageKind(Uint8Array.of(0, 1, 0, 2))).toBe('other')
  })
})
