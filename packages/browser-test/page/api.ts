/**
 * What the bundled page exposes as `window.demls`, the only way the Node
 * side of a test drives it (through `page.evaluate`). Everything crossing
 * the boundary is JSON: member ids and keys as lower-case hex.
 */
export interface PageApi {
  /**
   * Start a `User` on the browser entry of the gossipsub transport, dialling
   * `bootstrap` (`/ws` addresses). With `webrtc`, the transport also gets
   * js-libp2p's WebRTC transport and listens on a relayed address. With
   * `storage`, the user's state lives in the IndexedDB database of that
   * name (`levelStorage({ location })` of `@demls/storage`, encrypted by
   * default: `User.create` unlocks it with the key derived from the private
   * key): after a reload, `start` with the same key and
   * name resumes every conversation. Resolves our member id.
   */
  start(init: { privateKeyHex: string; bootstrap: string[]; webrtc?: boolean; storage?: string }): Promise<string>
  /** The conversations the user is in (after a `start` over a store: those it resumed). */
  conversations(): Array<{ id: string; epoch: string }>
  /** Our libp2p addresses (with `webrtc`, the `…/p2p-circuit/webrtc/p2p/…` one once a relay slot is reserved). */
  addrs(): string[]
  /** Dial a libp2p address; resolves the remote address of the connection. */
  dial(addr: string): Promise<string>
  /** Join `conversationId` once the welcome topic is reachable; resolves when the group's Welcome was applied. */
  join(conversationId: string, timeoutMs: number): Promise<void>
  /** Send a chat message. */
  send(conversationId: string, text: string): Promise<void>
  /** From now on answer every chat `ping N` received in `conversationId` with `pong N` (for round-trip latency). */
  echo(conversationId: string): void
  /** Propose our own removal (self-leave). Resolves whether a proposal was made. */
  leave(conversationId: string): Promise<boolean>
  /** The state of `conversationId` as this page sees it. */
  status(conversationId: string): PageStatus
  /** Chat messages received (not our own), in arrival order. */
  messages(conversationId: string): Array<{ from: string; text: string; at: number }>
  /** Types of every `UserEvent` so far, in order (for diagnostics and assertions). */
  eventTypes(): string[]
  /** Whether the transport reaches a peer subscribed to the conversation's app channel. */
  ready(conversationId: string): boolean
  /** Error events, one line each. */
  errors(): string[]
  /** Stop the user and its transport. */
  stop(): Promise<void>
}

/** One page's view of a conversation. */
export interface PageStatus {
  joined: boolean
  state: string
  epoch: string
  members: string[]
  authenticator: string
  /** Remote addresses of the page's libp2p connections. */
  connections: string[]
}

declare global {
  interface Window {
    demls: PageApi
  }
}
