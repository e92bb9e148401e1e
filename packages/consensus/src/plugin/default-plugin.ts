import { consensusResult } from '../rule/consensus-result.js'
import { InMemoryConsensusStorage } from '../storage/in-memory.js'
import type { ConsensusPlugin, ConsensusSigner, ConsensusStorage } from '../types.js'

/** `id` of the default plug-in. */
export const DEFAULT_CONSENSUS_PLUGIN_ID = 'hashgraph-like'
/** `version` of the default plug-in: the crate whose rule and scheme it reproduces. */
export const DEFAULT_CONSENSUS_PLUGIN_VERSION = '0.5.1'

/**
 * Options of {@link defaultConsensusPlugin}.
 *
 * @example
 * ```ts
 * import { type DefaultConsensusPluginInit, EthereumSigner, InMemoryConsensusStorage, defaultConsensusPlugin } from '@demls/consensus'
 * const init: DefaultConsensusPluginInit = { storage: new InMemoryConsensusStorage() }
 * const plugin = defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))), init)
 * ```
 */
export interface DefaultConsensusPluginInit {
  /**
   * Where sessions live.
   * @default new InMemoryConsensusStorage()
   */
  storage?: ConsensusStorage
}

/**
 * The default consensus plug-in: the hashgraph-like-consensus 0.5.1 rule
 * ({@link consensusResult}), the given signer (normally an
 * {@link EthereumSigner}) and in-memory storage.
 *
 * @example
 * ```ts
 * import { ConsensusService, EthereumSigner, defaultConsensusPlugin } from '@demls/consensus'
 * const privateKey = crypto.getRandomValues(new Uint8Array(32))
 * const plugin = defaultConsensusPlugin(new EthereumSigner(privateKey))
 * const service = new ConsensusService({ plugin })
 * ```
 */
export function defaultConsensusPlugin(signer: ConsensusSigner, init: DefaultConsensusPluginInit = {}): ConsensusPlugin {
  return {
    id: DEFAULT_CONSENSUS_PLUGIN_ID,
    version: DEFAULT_CONSENSUS_PLUGIN_VERSION,
    storage: init.storage ?? new InMemoryConsensusStorage(),
    signer,
    rule: consensusResult,
  }
}
