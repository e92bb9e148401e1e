import type { DemlsScoringInit } from '../../src/index.js'

/** What the test sends a peer process (`peer.mjs`) over IPC; each carries a `seq` its reply echoes. */
export type PeerCommand = PeerRequest & { seq: number }

/** A command without its `seq`. */
export type PeerRequest =
  | { type: 'start'; index: number; bootstrap: string[]; conversationId: string; scoring?: DemlsScoringInit }
  | { type: 'status' }
  | { type: 'publish'; count: number }
  | { type: 'stop' }

/** A peer's view of the group topic. */
export interface PeerStatus {
  ready: boolean
  meshPeers: number
  subscribers: number
  connections: number
  /** Distinct payloads received from other peers. */
  received: string[]
  /** The transport's `publishStats()`. */
  publishStats: unknown
}

/** What a peer process answers: `hello` once loaded, then one reply per command with its `seq`. */
export type PeerReply = { type: 'hello' } | (PeerAnswer & { seq: number })

/** A reply without its `seq`. */
export type PeerAnswer =
  | { type: 'started'; addr: string }
  | { type: 'status'; status: PeerStatus }
  | { type: 'published'; recipients: number[] }
  | { type: 'error'; error: string }
