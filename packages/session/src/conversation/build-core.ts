import { ConsensusService } from '@demls/consensus'
import type { MlsService } from '@demls/mls'
import { type ConversationConfig, MAX_VOTE_BYTES, consensusQuotas } from '../core/config.js'
import { ConversationCore } from '../core/core.js'
import type { ConversationPluginsFactory } from '../core/plugins.js'

/**
 * The state of a conversation around its MLS group: the consensus,
 * steward-list and scoring services made from `plugins` for `config`, and
 * every other slice empty. What `Conversation.create`, `restore` and `join`
 * start from, and what a flow's unit test builds without a `Conversation`.
 *
 * @example
 * ```ts
 * import { defaultPlugins } from '@demls/session'
 * import { buildCore } from '../conversation/build-core.js'
 * import { resolveConfig } from '../core/config.js'
 * const plugins = await defaultPlugins(crypto.getRandomValues(new Uint8Array(32)))
 * const mls = await plugins.createMls('chat', Date.now())
 * const core = buildCore('chat', plugins, mls, resolveConfig({}))
 * ```
 */
export function buildCore(id: string, plugins: ConversationPluginsFactory, mls: MlsService, config: ConversationConfig): ConversationCore {
  return new ConversationCore({
    id,
    memberId: mls.memberId,
    config,
    plugins,
    mls,
    consensus: new ConsensusService({ plugin: plugins.consensus, maxSessionsPerScope: config.maxConsensusSessions, ...consensusQuotas(config), maxVoteBytes: MAX_VOTE_BYTES }),
    steward: plugins.makeStewardList(id, { config: config.stewardList, maxRetries: config.maxReelectionAttempts }),
    scoring: plugins.makeScoring({}),
  })
}
