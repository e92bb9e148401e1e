import type { ConsensusPlugin } from '@demls/consensus'
import type { MlsClient, MlsService } from '@demls/mls'
import type { PeerScoringPlugin } from '@demls/scoring'
import type { StewardListConfigInit, StewardListPlugin, StewardListService } from '@demls/steward'
import type { PluginVersionInit } from '@demls/wire'

/**
 * Stable identity of a protocol plug-in.
 *
 * @example
 * ```ts
 * import { type PluginIdentity, defaultPlugins } from '@demls/session'
 * const plugins = await defaultPlugins(crypto.getRandomValues(new Uint8Array(32)))
 * const ids: PluginIdentity[] = [plugins.mlsIdentity, plugins.consensus, plugins.stewardList]
 * console.log(ids.map((p) => `${p.id}@${p.version}`).join(', '))
 * ```
 */
export interface PluginIdentity {
  readonly id: string
  readonly version: string
}

/**
 * Options of {@link ConversationPluginsFactory.makeScoring}.
 *
 * @example
 * ```ts
 * import { type ScoringInit, defaultPlugins } from '@demls/session'
 * const plugins = await defaultPlugins(crypto.getRandomValues(new Uint8Array(32)))
 * const init: ScoringInit = { defaultScore: 100n, threshold: 0n }
 * const scoring = plugins.makeScoring(init)
 * ```
 */
export interface ScoringInit {
  /** Starting score of a member. */
  defaultScore?: bigint
  /** Removal threshold (removable when score ≤ threshold). */
  threshold?: bigint
}

/**
 * Everything protocol-deciding a conversation is built from, mirroring the
 * Rust 3.0 `ConversationPluginsFactory` (`create_mls`, `welcome_mls`,
 * `make_steward_list`, `make_scoring`, `generate_key_package`) plus the
 * consensus plug-in. Every member of a group must run the same plug-ins
 * (same `id` and `version`); they travel in `ConversationSync` and a
 * joiner whose plug-ins differ is refused with `PluginMismatchError`.
 *
 * @example
 * ```ts
 * import { type ConversationPluginsFactory, User, defaultPlugins } from '@demls/session'
 * import { consensusResult, defaultConsensusPlugin } from '@demls/consensus'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * // the default plug-ins with a veto rule; every member of the group must run the same
 * const plugins: ConversationPluginsFactory = await defaultPlugins(privateKey, {
 *   consensus: (signer) => ({ ...defaultConsensusPlugin(signer), id: 'veto', rule: (t) => (t.no > 0 ? 'no' : consensusResult(t)) }),
 * })
 * const net = new MemoryNetwork()
 * const alice = await User.create({ privateKey, transport: net.createTransport('alice'), clock: net.clock, plugins })
 * ```
 */
export interface ConversationPluginsFactory {
  /** The MLS client (identity, key packages, groups). */
  readonly mls: MlsClient
  /** Identity of the MLS layer (library and ciphersuite). */
  readonly mlsIdentity: PluginIdentity
  /** Consensus: storage, vote signer, result rule. */
  readonly consensus: ConsensusPlugin
  /** Steward list algorithm. */
  readonly stewardList: StewardListPlugin
  /** Create our MLS group for a new conversation. */
  createMls(conversationId: string, nowMs: number): Promise<MlsService>
  /**
   * Join from a Welcome; `undefined` when it is not for us. `accept` (see
   * `MlsClient.joinFromWelcome`) may refuse the group before our key
   * package is consumed; an implementation that ignores it loses the key
   * package to a refused Welcome (the session checks the group again).
   * `retainKeyPackage` (see `JoinFromWelcomeOptions`) keeps the key package
   * after the join: a joiner re-joins from the Welcome of the other side of
   * a fork with it. An implementation that ignores it only loses that.
   */
  welcomeMls(
    welcome: Uint8Array,
    accept?: (group: MlsService) => void | Promise<void>,
    options?: { retainKeyPackage?: boolean },
  ): Promise<MlsService | undefined>
  /** A fresh key package to announce. */
  generateKeyPackage(nowMs: number): Promise<Uint8Array>
  /** The per-conversation scoring service. */
  makeScoring(init: ScoringInit): PeerScoringPlugin
  /** The per-conversation steward-list service, running {@link ConversationPluginsFactory.stewardList}. */
  makeStewardList(conversationId: string, init: { config: StewardListConfigInit; maxRetries: number }): StewardListService
}

/**
 * The plug-in list carried in `ConversationSync.demls_plugins`.
 *
 * @example
 * ```ts
 * import { defaultPlugins, pluginVersions } from '@demls/session'
 * const plugins = await defaultPlugins(crypto.getRandomValues(new Uint8Array(32)))
 * const versions = pluginVersions(plugins, plugins.makeScoring({})) // what joiners compare with theirs
 * ```
 */
export function pluginVersions(f: ConversationPluginsFactory, scoring: PeerScoringPlugin): PluginVersionInit[] {
  return [
    { role: 'mls', id: f.mlsIdentity.id, version: f.mlsIdentity.version },
    { role: 'consensus', id: f.consensus.id, version: f.consensus.version },
    { role: 'steward-list', id: f.stewardList.id, version: f.stewardList.version },
    { role: 'scoring', id: scoring.id, version: scoring.version },
  ]
}
