import type { MlsService } from '@demls/mls'
import { type ConversationConfigInit, type ConversationPluginsFactory, type PluginOverrides, defaultPlugins } from '../src/index.js'
import { buildCore } from '../src/conversation/build-core.js'
import { resolveConfig } from '../src/core/config.js'
import type { ConversationCore } from '../src/core/core.js'
import { keyFor } from './scenarios/harness.js'

/**
 * A `ConversationCore` over a real MLS group of `members` members (member 0
 * is ours, the others were added in one commit and never run), with the
 * default plug-ins: what a flow's unit test needs of the state, without a
 * `Conversation`, a `User` or a network.
 */
export async function coreFixture(
  init: { id?: string; members?: number; config?: ConversationConfigInit; now?: number; overrides?: (i: number) => PluginOverrides } = {},
): Promise<{ core: ConversationCore; plugins: ConversationPluginsFactory[]; others: MlsService[] }> {
  const id = init.id ?? 'core-fixture'
  const now = init.now ?? Math.floor(Date.now() / 1000) * 1000
  const plugins = await Promise.all(Array.from({ length: init.members ?? 2 }, (_, i) => defaultPlugins(keyFor(i), init.overrides?.(i))))
  const mls = await plugins[0]!.createMls(id, now)
  const others: MlsService[] = []
  if (plugins.length > 1) {
    const kps = await Promise.all(plugins.slice(1).map((p) => p.generateKeyPackage(now)))
    await mls.createCommitCandidate(kps.map((keyPackage) => ({ action: 'add' as const, keyPackage })), { nowMs: now })
    const { welcome } = await mls.mergeOwnCommit()
    for (const p of plugins.slice(1)) others.push((await p.welcomeMls(welcome!))!)
  }
  const core = buildCore(id, plugins[0]!, mls, resolveConfig(init.config))
  core.now = now
  return { core, plugins, others }
}

/** The drops `core` reported, as `reason: detail` (a repeat of one drop within an epoch is counted, not reported). */
export function droppedOf(core: ConversationCore): string[] {
  return core.outbox.events.flatMap((e) => (e.type === 'dropped' ? [`${e.reason}: ${e.detail ?? ''}`] : []))
}
