/**
 * The browser entry of `@demls/transport-gossipsub` (chosen by bundlers
 * through the `browser` export condition): the same API as the Node entry,
 * but nodes use js-libp2p's WebSockets transport, listen nowhere and dial
 * Node peers' `/ws` addresses. Nothing here imports a Node built-in (no
 * TCP, `net` or `fs`). To dial plain `ws://` on loopback or a LAN, pass
 * `dialInsecure: true` (libp2p's browser defaults refuse both). For direct
 * page-to-page connections pass `webRTC: webRTC()` from `@libp2p/webrtc`:
 * the node then also listens on a circuit relay slot of a Node peer run
 * with `relay: true` and accepts WebRTC through it.
 *
 * @example
 * ```ts
 * import { gossipsubTransport } from '@demls/transport-gossipsub'
 * const transport = gossipsubTransport({ dialInsecure: true, bootstrap: ['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3Koo…'] })
 * await transport.start()
 * ```
 *
 * @packageDocumentation
 */
import './polyfill/with-resolvers.js'

export * from './shared.js'
export { DEFAULT_LISTEN, WEBRTC_LISTEN, createGossipsubNode, gossipsubTransport } from './platform/browser.js'
