// What the Node and the browser entries of the package share: everything
// but the node factory, its default listen addresses and gossipsubTransport.
export { DialFailedError, InvalidNodeError, InvalidReachConfigError, PublishFailedError } from './errors.js'
export {
  DEMLS_DHT_PROTOCOL,
  DEMLS_MDNS_SERVICE_TAG,
  DEMLS_RELAY_LIMITS,
  DEMLS_SCORING,
  DHT_MAX_RECORDS,
  type DemlsScoringInit,
  type DhtInit,
  type DhtMode,
  MDNS_DIALS_PER_MINUTE,
  type MdnsInit,
  type NatInit,
  type RelayServerInit,
  type GossipsubNode,
  type GossipsubNodeInit,
  type GossipsubServices,
  type Libp2pTransportFactory,
  type PeerScoreParamsInit,
  demlsGossipsubOptions,
  demlsScoreParams,
} from './node/create-node.js'
export type { RedialInit } from './redial/redialer.js'
export { GossipsubTransport, type GossipsubNodeFactory, type ReachStats } from './transport/gossipsub-transport.js'
export { RENDEZVOUS_DOMAIN, type RendezvousInit, rendezvousKey } from './discovery/rendezvous.js'
export type { GossipsubTransportInit } from './transport/init.js'
export {
  STORE_FRAME_LIMITS,
  STORE_PROTOCOL,
  type StoreRefusal,
  type StoreReply,
  type StoreRequest,
  type StoredPacket,
  StoreFrameError,
  decodeStoreReply,
  decodeStoreRequest,
  encodeStoreReply,
  encodeStoreRequest,
} from './store/codec.js'
export { type FetchFromStoreOptions, fetchFromStore } from './store/client.js'
export { InvalidStoreConfigError, StoreFetchError, StoreRefusedError } from './store/errors.js'
