import { type ConversationConfigInit, LAN_TIMING } from '@demls/session'

/**
 * The protocol timers of this example, shared by the page and the Node
 * peer: {@link LAN_TIMING} (seconds, for real networks of small machines)
 * with time for a person to vote. A member that does not click Yes or No
 * votes automatically (YES) after 10 s; a proposal resolves as soon as
 * enough members voted, and at the latest after 15 s.
 */
export const CHAT_TIMING: Readonly<ConversationConfigInit> = Object.freeze({
  ...LAN_TIMING,
  votingDelayMs: 10_000,
  consensusTimeoutMs: 15_000,
})
