import { type GossipsubNode, StoreService, createGossipsubNode } from '@demls/transport-gossipsub'
import { multiaddr } from '@multiformats/multiaddr'
import { loadOrCreatePeerKey } from './identity.js'
import type { NodeConfig } from './options.js'

/** A running demls-node. */
export interface RunningNode {
  node: GossipsubNode
  /** Whether the identity key was made on this start. */
  created: boolean
  /** The store for encrypted traffic, when configured (`--serve`). */
  store: StoreService | undefined
  /** Stop redialling bootstrap nodes and stop libp2p. */
  stop(): Promise<void>
}

/** The largest packet a store keeps (a commit of a large group fits; a chat message is far smaller). */
const STORE_PACKET_BYTES = 1024 * 1024

/** How often bootstrap nodes we are not connected to are dialled again (ms). */
const BOOTSTRAP_REDIAL_MS = 30_000

/**
 * Start the node: its persistent identity, TCP and WebSockets, a circuit
 * relay server with bounded limits, a DHT server, AutoNAT (so public
 * addresses it is reachable at are found and announced), identify, ping and
 * gossipsub (subscribed to nothing: the node is never a member; a store
 * would subscribe the topics it serves).
 */
export async function startNode(config: NodeConfig): Promise<RunningNode> {
  const { privateKey, created } = await loadOrCreatePeerKey(config.keyFile)
  const node = await createGossipsubNode({
    privateKey,
    listen: config.listen,
    announce: config.announce,
    relay: config.relay === false ? false : { ...config.relay, reservationTtlMs: 60 * 60_000 },
    dht: { mode: 'server', privateAddresses: config.lan, maxRecords: config.dhtRecords },
    // AutoNAT only: the node holds no reservations and punches no holes.
    nat: { autonat: true, relayReservations: 0, dcutr: false },
    maxConnections: config.maxConnections,
  })
  await node.start()
  let store: StoreService | undefined
  if (config.store !== undefined) {
    const { directory, serve, ...limits } = config.store
    try {
      store = await StoreService.open({ node, directory, serve, limits: { ...limits, maxPacketBytes: Math.min(limits.maxBytesPerTopic, STORE_PACKET_BYTES) } })
    } catch (err) {
      await node.stop()
      throw err
    }
  }
  const dialBootstrap = () => {
    for (const a of config.bootstrap) {
      const ma = multiaddr(a)
      const id = ma.getComponents().find((c) => c.name === 'p2p')?.value
      if (id !== undefined && node.getConnections().some((c) => c.remotePeer.toString() === id)) continue
      node.dial(ma, { signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => {
        console.error(`bootstrap ${a}: ${err instanceof Error ? err.message : String(err)}`)
      })
    }
  }
  dialBootstrap()
  const timer = config.bootstrap.length > 0 ? setInterval(dialBootstrap, BOOTSTRAP_REDIAL_MS) : undefined
  return {
    node,
    created,
    store,
    async stop() {
      if (timer !== undefined) clearInterval(timer)
      await store?.close()
      await node.stop()
    },
  }
}
