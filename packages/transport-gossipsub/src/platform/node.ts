import { autoNAT } from '@libp2p/autonat'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import type { PeerId } from '@libp2p/interface'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { InvalidReachConfigError } from '../errors.js'
import { CappedMemoryDatastore } from '../node/capped-datastore.js'
import {
  DEMLS_DHT_PROTOCOL,
  DHT_MAX_RECORDS,
  DEMLS_MDNS_SERVICE_TAG,
  DEMLS_RELAY_LIMITS,
  type DhtInit,
  type GossipsubNode,
  type GossipsubNodeInit,
  type NatInit,
  type NodePlatform,
  type RelayServerInit,
  buildGossipsubNode,
} from '../node/create-node.js'
import { GossipsubTransport } from '../transport/gossipsub-transport.js'
import { nodeNoiseCrypto, nodeSha256 } from './node-noise.js'
import type { GossipsubTransportInit } from '../transport/init.js'

/**
 * The default listen addresses in Node: TCP and WebSockets on loopback,
 * any free ports. The WebSocket address is the one browsers dial.
 */
export const DEFAULT_LISTEN: readonly string[] = Object.freeze(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'])

/** `nat` with every field filled in, or undefined when NAT traversal is off. */
export function natOptions(nat: GossipsubNodeInit['nat']): { autonat: boolean; relayReservations: number; dcutr: boolean } | undefined {
  if (nat === undefined || nat === false) return undefined
  const n: NatInit = nat === true ? {} : nat
  const r = n.relayReservations ?? 1
  const reservations = r === true ? 1 : r === false ? 0 : r
  if (!Number.isInteger(reservations) || reservations < 0 || reservations > 8) throw new InvalidReachConfigError('nat.relayReservations', 'an integer from 0 to 8')
  return { autonat: n.autonat ?? true, relayReservations: reservations, dcutr: n.dcutr ?? true }
}

/** `dht` as a {@link DhtInit}, or undefined when off. */
export function dhtOptions(dht: GossipsubNodeInit['dht']): DhtInit | undefined {
  if (dht === undefined || dht === false) return undefined
  return typeof dht === 'string' ? { mode: dht } : dht
}

/** `relay` with every limit filled in, or undefined when the relay server is off. */
export function relayOptions(relay: GossipsubNodeInit['relay']): Required<RelayServerInit> | undefined {
  if (relay === undefined || relay === false) return undefined
  const r = { ...DEMLS_RELAY_LIMITS, ...(relay === true ? {} : relay) }
  for (const [k, v] of Object.entries(r)) if (!Number.isSafeInteger(v) || v <= 0) throw new InvalidReachConfigError(`relay.${k}`, 'a positive integer')
  return r
}

/**
 * A per-peer limit of relayed connections opened through us: at most
 * `perMinute` in any fixed one-minute window, for at most 4,096 peers
 * tracked at once (then the oldest windows are forgotten).
 */
export function relayedConnectLimiter(perMinute: number, now: () => number = Date.now): (source: PeerId, destination: PeerId) => boolean {
  const windows = new Map<string, { start: number; count: number }>()
  return (source) => {
    const t = now()
    const key = source.toString()
    let w = windows.get(key)
    if (w === undefined || t - w.start >= 60_000) {
      windows.delete(key)
      if (windows.size >= 4096) windows.delete(windows.keys().next().value as string)
      w = { start: t, count: 0 }
      windows.set(key, w)
    }
    w.count++
    return w.count > perMinute
  }
}

/** Node: TCP and WebSockets, and with the options a relay server, relayed dialling and listening, AutoNAT, DCUtR, a DHT and mDNS. */
export const nodePlatform: NodePlatform = {
  transports: (init) => (natOptions(init.nat) === undefined ? [tcp(), webSockets()] : [tcp(), webSockets(), circuitRelayTransport()]),
  defaultListen: () => [...DEFAULT_LISTEN],
  datastore: (init) => {
    const dht = dhtOptions(init.dht)
    return dht === undefined ? undefined : new CappedMemoryDatastore('/dht/', dht.maxRecords ?? DHT_MAX_RECORDS)
  },
  extraListen: (init) => Array.from({ length: natOptions(init.nat)?.relayReservations ?? 0 }, () => '/p2p-circuit'),
  limitedConnections: (init) => natOptions(init.nat) !== undefined,
  denyOutboundRelayedConnection: (init) => {
    const relay = relayOptions(init.relay)
    return relay === undefined ? undefined : relayedConnectLimiter(relay.connectsPerPeerPerMinute)
  },
  sha256: nodeSha256,
  noiseCrypto: nodeNoiseCrypto,
  services: (init) => {
    const services: ReturnType<NodePlatform['services']> = {}
    const relay = relayOptions(init.relay)
    if (relay !== undefined) {
      services.relay = circuitRelayServer({
        maxInboundHopStreams: relay.maxInboundHopStreams,
        reservations: {
          maxReservations: relay.maxReservations,
          reservationTtl: relay.reservationTtlMs,
          applyDefaultLimit: true,
          defaultDurationLimit: relay.durationLimitMs,
          defaultDataLimit: BigInt(relay.dataLimitBytes),
        },
      })
    }
    const nat = natOptions(init.nat)
    if (nat?.autonat === true) services.autonat = autoNAT()
    if (nat?.dcutr === true) services.dcutr = dcutr()
    const dht = dhtOptions(init.dht)
    if (dht !== undefined) {
      services.ping = ping()
      services.dht = kadDHT({
        protocol: dht.protocol ?? DEMLS_DHT_PROTOCOL,
        clientMode: dht.mode === 'client',
        peerInfoMapper: dht.privateAddresses === true ? passthroughMapper : removePrivateAddressesMapper,
      })
    }
    if (init.mdns !== undefined && init.mdns !== false) {
      services.mdns = mdns({ serviceTag: DEMLS_MDNS_SERVICE_TAG, ...(init.mdns === true ? {} : init.mdns) })
    }
    return services
  },
}

/**
 * Create (without starting) the libp2p node the transport uses when none
 * is passed in: TCP and WebSockets, noise, yamux, identify and gossipsub
 * (and, as asked, a circuit relay server, NAT traversal, a DHT and mDNS),
 * with the connection monitor's abort-on-ping-failure turned off (under
 * load, pings time out and libp2p would close every connection, and
 * nothing redials). In browsers the package's browser entry makes a
 * WebSockets-only node instead.
 *
 * @example
 * ```ts
 * import { createGossipsubNode, gossipsubTransport } from '@demls/transport-gossipsub'
 * const node = await createGossipsubNode({ gossipsub: { heartbeatInterval: 500 } })
 * const transport = gossipsubTransport({ node, ownNode: true })
 * ```
 */
export function createGossipsubNode(init: GossipsubNodeInit = {}): Promise<GossipsubNode> {
  return buildGossipsubNode(nodePlatform, init)
}

/**
 * Create a demls `Transport` (from `@demls/wire`) over js-libp2p gossipsub.
 *
 * @example
 * ```ts
 * import { gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport({ bootstrap: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…'] })
 * await transport.start()
 * ```
 */
export function gossipsubTransport(init: GossipsubTransportInit = {}): GossipsubTransport {
  return new GossipsubTransport(init, createGossipsubNode)
}
