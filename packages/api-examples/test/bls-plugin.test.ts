// @demls/bls's consensus plug-in through @demls/session's public API (the
// usage its README and TSDoc show): members choose it with defaultPlugins,
// its identity travels in the group's plug-in list, and the plug-in check
// at the join keeps BLS groups and default groups apart, both ways.
import { BLS_CONSENSUS_PLUGIN_ID, type BlsConsensusPlugin, blsConsensusPlugin, isBlsConsensusPlugin, verifyKeyBinding } from '@demls/bls'
import { ethereumAddress } from '@demls/consensus'
import { FAST_TIMING, PluginMismatchError, User, defaultPlugins, pluginVersions } from '@demls/session'
import { MemoryNetwork } from '@demls/transport-memory'
import { describe, expect, it } from 'vitest'

const key = (i: number) => new Uint8Array(32).fill(i + 1)

async function users(kinds: ('bls' | 'default')[]) {
  const net = new MemoryNetwork({ seed: 5 })
  const all: User[] = []
  for (const [i, kind] of kinds.entries()) {
    const plugins = await defaultPlugins(key(i), kind === 'bls' ? { consensus: (signer) => blsConsensusPlugin(signer, { memberSecretKey: key(i) }) } : {})
    all.push(await User.create({ privateKey: key(i), transport: net.createTransport(`m${i}`), clock: net.clock, config: { ...FAST_TIMING, admission: 'open' }, random: () => 0.5, plugins }))
  }
  const join = async (i: number) => {
    const out: { done: boolean; error?: unknown } = { done: false }
    all[i]!.join('chat').then(
      () => (out.done = true),
      (error) => Object.assign(out, { done: true, error }),
    )
    await net.runUntil(() => out.done, { maxMs: 120_000 })
    return out.error
  }
  return { net, all, join, stop: async () => Promise.all(all.map((u) => u.stop())) }
}

describe('@demls/bls consensus plug-in in a session', () => {
  it('is chosen with defaultPlugins, carries its member’s binding, and is announced in the plug-in list', async () => {
    const plugins = await defaultPlugins(key(0), { consensus: (signer) => blsConsensusPlugin(signer, { memberSecretKey: key(0) }) })
    expect(isBlsConsensusPlugin(plugins.consensus)).toBe(true)
    const bls = plugins.consensus as BlsConsensusPlugin
    expect(verifyKeyBinding(bls.bls.binding, ethereumAddress(key(0)))).toEqual({ ok: true })
    expect(pluginVersions(plugins, plugins.makeScoring({})).find((p) => p.role === 'consensus')?.id).toBe(BLS_CONSENSUS_PLUGIN_ID)
  })

  it('a BLS group admits a BLS joiner and refuses a joiner on the default plug-in', async () => {
    const s = await users(['bls', 'bls', 'default'])
    await s.all[0]!.createConversation('chat', { admission: 'open' })
    expect(await s.join(1)).toBeUndefined()
    await s.net.runUntil(() => s.all[0]!.conversation('chat')?.members().length === 2, { maxMs: 120_000 })
    const refused = await s.join(2)
    expect(refused).toBeInstanceOf(PluginMismatchError)
    expect((refused as PluginMismatchError).group.some((p) => p.startsWith(`consensus=${BLS_CONSENSUS_PLUGIN_ID}@`))).toBe(true)
    expect((refused as PluginMismatchError).local).toContain('consensus=hashgraph-like@0.5.1')
    expect(s.all[2]!.conversation('chat')).toBeUndefined()
    expect(s.all[0]!.conversation('chat')!.members()).toHaveLength(2)
    await s.stop()
  })

  it('a default group refuses a BLS joiner', async () => {
    const s = await users(['default', 'bls'])
    await s.all[0]!.createConversation('chat', { admission: 'open' })
    const refused = await s.join(1)
    expect(refused).toBeInstanceOf(PluginMismatchError)
    expect((refused as PluginMismatchError).local.some((p) => p.startsWith(`consensus=${BLS_CONSENSUS_PLUGIN_ID}@`))).toBe(true)
    expect((refused as PluginMismatchError).group).toContain('consensus=hashgraph-like@0.5.1')
    expect(s.all[1]!.conversation('chat')).toBeUndefined()
    await s.stop()
  })
})
