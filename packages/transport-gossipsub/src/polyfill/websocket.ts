/**
 * `@libp2p/websockets` dials with the global `WebSocket`, which Node has
 * only from 22 (20 hides it behind `--experimental-websocket`). The Node
 * entry imports this module so that a Node 20 peer can dial another peer's
 * `/ws` address: it installs the `ws` package's client (the library
 * `@libp2p/websockets` already uses for its listener) as `globalThis.WebSocket`
 * when, and only when, none exists. The browser entry never imports it.
 */
import { WebSocket as WsWebSocket } from 'ws'

const g = globalThis as { WebSocket?: unknown }
if (typeof g.WebSocket !== 'function') g.WebSocket = WsWebSocket

export {}
