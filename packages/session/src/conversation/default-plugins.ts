import { type ConsensusPlugin, EthereumSigner, defaultConsensusPlugin, ethereumAddress } from '@demls/consensus'
import { CIPHERSUITE_NAME, type CryptoChoice, type MlsClient, createMlsClient } from '@demls/mls'
import { type PeerScoringPlugin, defaultPeerScoring } from '@demls/scoring'
import { DEFAULT_STEWARD_LIST_PLUGIN, type StewardListPlugin, StewardListService } from '@demls/steward'
import type { ConversationPluginsFactory, PluginIdentity, ScoringInit } from '../core/plugins.js'

/** Identity of the default MLS layer. */
export const DEFAULT_MLS_PLUGIN: PluginIdentity = Object.freeze({ id: `ts-mls/${CIPHERSUITE_NAME}`, version: '1' })

/**
 * Overrides of {@link defaultPlugins}: replace any one plug-in.
 *
 * @example
 * ```ts
 * import { type PluginOverrides, User } from '@demls/session'
 * import { PeerScoringService } from '@demls/scoring'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const plugins: PluginOverrides = { makeScoring: (init) => new PeerScoringService({ ...init, id: 'my-app/scoring', deltas: { CensorshipInactivity: -100 } }) }
 * const net = new MemoryNetwork()
 * const alice = await User.create({ privateKey: crypto.getRandomValues(new Uint8Array(32)), transport: net.createTransport('alice'), clock: net.clock, plugins })
 * ```
 */
export interface PluginOverrides {
  /** A consensus plug-in (e.g. another result rule). @default hashgraph-like with an Ethereum signer from the key */
  consensus?: ConsensusPlugin | ((signer: EthereumSigner) => ConsensusPlugin)
  /** A steward-list algorithm. @default the deterministic SHA-256 list */
  stewardList?: StewardListPlugin
  /** A scoring factory. @default the reference delta table */
  makeScoring?: (init: ScoringInit) => PeerScoringPlugin
  /** An MLS client. @default a ts-mls client for the key's member id */
  mls?: MlsClient
  /** Identity of a custom MLS client. @default {@link DEFAULT_MLS_PLUGIN} */
  mlsIdentity?: PluginIdentity
  /** Crypto backend of the default MLS client. @default 'auto' */
  crypto?: CryptoChoice
  /**
   * Refuse MLS leaves not bound to their member id by the member's key (key
   * packages, Welcome trees, leaves added or changed by commits); see
   * docs/security.md, "Identity". Our own leaves are always bound. Set
   * `false` only to admit reference (Rust) peers, whose leaves carry no
   * binding (docs/deviations.md). Ignored with a custom `mls`.
   * @default true
   */
  requireIdentityBinding?: boolean
}

/**
 * The default plug-ins for a member whose secp256k1 key is `privateKey`:
 * member id = its 20-byte Ethereum address, ts-mls with the fastest crypto
 * backend and every MLS leaf bound to that key (required of peers too),
 * hashgraph-like consensus with EIP-191 vote signatures, the deterministic
 * steward list and the reference score table. Override any one through
 * `overrides`.
 *
 * @example
 * ```ts
 * import { defaultPlugins } from '@demls/session'
 * const plugins = await defaultPlugins(crypto.getRandomValues(new Uint8Array(32)), { crypto: 'auto' })
 * console.log(plugins.consensus.id, plugins.stewardList.id, plugins.mlsIdentity.id)
 * ```
 */
export async function defaultPlugins(
  privateKey: Uint8Array,
  overrides: PluginOverrides = {},
): Promise<ConversationPluginsFactory> {
  const memberId = ethereumAddress(privateKey)
  const signer = new EthereumSigner(privateKey)
  const consensus =
    typeof overrides.consensus === 'function'
      ? overrides.consensus(signer)
      : (overrides.consensus ?? defaultConsensusPlugin(signer))
  const mls =
    overrides.mls ??
    (await createMlsClient({
      memberId,
      identitySigner: signer,
      requireIdentityBinding: overrides.requireIdentityBinding ?? true,
      ...(overrides.crypto ? { crypto: overrides.crypto } : {}),
    }))
  const makeScoring = overrides.makeScoring ?? ((init: ScoringInit) => defaultPeerScoring(init))
  const stewardList = overrides.stewardList ?? DEFAULT_STEWARD_LIST_PLUGIN
  return {
    mls,
    mlsIdentity: overrides.mlsIdentity ?? DEFAULT_MLS_PLUGIN,
    consensus,
    stewardList,
    makeStewardList: (conversationId, init) =>
      new StewardListService({ config: init.config, conversationId, maxRetries: init.maxRetries, plugin: stewardList }),
    createMls: (conversationId, nowMs) => mls.createGroup(conversationId, { nowMs }),
    welcomeMls: (welcome, accept, options = {}) => mls.joinFromWelcome(welcome, accept === undefined ? options : { ...options, accept }),
    generateKeyPackage: (nowMs) => mls.generateKeyPackage({ nowMs }),
    makeScoring,
  }
}
