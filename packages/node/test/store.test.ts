// The built bin with --serve: a store for encrypted traffic. A member's
// packets reach the node over gossipsub; a member that was not there fetches
// them from it; they survive a restart of the node; the store's options are
// checked like the others.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { type GossipsubTransport, StoreFetchError, StoreRefusedError } from '@demls/transport-gossipsub'
import { topicFor, waitForReadiness } from '@demls/wire'
import { describe, expect, it } from 'vitest'
import { binHarness, exited, sleep } from './bin-harness.js'
import { BIN } from './build-setup.js'

const { tempDir, startBin, member } = binHarness('demls-node-store-')

async function fetchTexts(t: GossipsubTransport, topic: string): Promise<string[]> {
  const out: string[] = []
  for await (const p of t.fetchStored(topic, { sinceMs: 0, signal: AbortSignal.timeout(20_000) })) out.push(new TextDecoder().decode(p.envelope.payload))
  return out
}

const ID = 'kept-by-the-node'
const TOPIC = topicFor(ID, 'app')

describe('demls-node --serve: a store for encrypted traffic', () => {
  it('usage: the store options are listed, refused without --serve, and checked', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' })
    expect(help.stdout).toMatch(/--serve <conversation id\|topic>/)
    expect(help.stdout).toMatch(/--store-total-mib/)
    const alone = spawnSync(process.execPath, [BIN, '--store-max-age', '5'], { encoding: 'utf8' })
    expect(alone.status).toBe(2)
    expect(alone.stderr).toMatch(/--store-max-age: the store is on only with --serve/)
    const above = spawnSync(process.execPath, [BIN, '--serve', ID, '--store-topic-mib', '20', '--store-total-mib', '10'], { encoding: 'utf8' })
    expect(above.status).toBe(2)
    expect(above.stderr).toMatch(/--store-topic-mib: above --store-total-mib/)
  })

  it('keeps what members sent on a served conversation, hands it to a member that was away, keeps it across a restart, refuses other topics', async () => {
    const dir = tempDir()
    const first = await startBin(['--no-relay', '--dir', dir, '--serve', ID])
    expect(first.out()).toMatch(new RegExp(`store: ${TOPIC.replace(/[/]/g, '\\/')} in ${join(dir, 'store').replace(/[/]/g, '\\/')}`))
    const sender = member({ bootstrap: first.ready.multiaddrs })
    await sender.start()
    sender.subscribe(TOPIC)
    await waitForReadiness(sender, TOPIC, { signal: AbortSignal.timeout(20_000) })
    for (const s of ['first', 'second']) await sender.publish({ conversationId: ID, subtopic: 'app', payload: new TextEncoder().encode(s) })
    // A member that was not there: only the node has them.
    const late = member({ stores: [first.ready.multiaddrs[0]!] })
    await late.start()
    const deadline = Date.now() + 10_000
    let got: string[] = []
    while (got.length < 2 && Date.now() < deadline) {
      got = await fetchTexts(late, TOPIC)
      if (got.length < 2) await sleep(200)
    }
    expect(got).toEqual(['first', 'second'])
    const refused = await fetchTexts(late, topicFor('not-served', 'app')).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StoreFetchError)
    expect((refused as StoreFetchError).failures[0]!.error).toBeInstanceOf(StoreRefusedError)

    first.child.kill('SIGTERM')
    expect(await exited(first.child)).toBe(0)
    const second = await startBin(['--no-relay', '--dir', dir, '--serve', ID])
    expect(second.out()).toMatch(/2 packets kept/)
    const after = member({ stores: [second.ready.multiaddrs[0]!] })
    await after.start()
    expect(await fetchTexts(after, TOPIC)).toEqual(['first', 'second'])
    second.child.kill('SIGINT')
    expect(await exited(second.child)).toBe(0)
  }, 90_000)
})
