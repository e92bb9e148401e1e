import type { Clock } from '@demls/wire'
import type { Observable } from 'rxjs'
import type { ConversationEvent } from '../conversation/events.js'

/** A conversation event tagged with its conversation. */
export type UserEvent =
  | (ConversationEvent & { conversationId: string })
  | { type: 'conversation-created'; conversationId: string }
  | { type: 'conversation-removed'; conversationId: string }

/** A decrypted chat message. */
export interface ChatMessage {
  conversationId: string
  sender: Uint8Array
  body: Uint8Array
  epoch: bigint
}

/**
 * What a `ConversationHandle` needs from its user (the `User` class
 * implements it). Its own type so that the handle does not import the user
 * (no import cycle).
 *
 * @internal
 */
export interface HandleOwner {
  /** Whether `stop()` was called. */
  readonly isStopped: boolean
  /** The clock that supplies every `now`. */
  readonly clock: Clock
  /** Decrypted chat messages of every conversation. */
  readonly messages$: Observable<ChatMessage>
  /** The events of one conversation. */
  eventsOf(conversationId: string): Observable<UserEvent>
}
