import type { Clock } from '@demls/wire'
import type { Observable } from 'rxjs'
import type { ConversationEvent } from '../core/events.js'
import type { KnockAnsweredEvent, KnockComponents, KnockEvent } from '../join/knock.js'

/**
 * A conversation event tagged with its conversation.
 *
 * @example
 * ```ts
 * import type { User, UserEvent } from '@demls/session'
 * declare const alice: User
 * alice.events$.subscribe((e: UserEvent) => {
 *   if (e.type === 'member-joined') console.log(`${e.conversationId}: a member joined at epoch ${e.epoch}`)
 *   else if (e.type === 'conversation-removed') console.log(`left ${e.conversationId}`)
 * })
 * ```
 */
export type UserEvent =
  | (ConversationEvent & { conversationId: string })
  /** An outsider knocked on a conversation we are in (see `User.knock`). */
  | (KnockEvent & { conversationId: string })
  /** A member answered a knock (let in or declined). */
  | (KnockAnsweredEvent & { conversationId: string })
  | { type: 'conversation-created'; conversationId: string }
  | { type: 'conversation-removed'; conversationId: string }

/**
 * A decrypted chat message.
 *
 * @example
 * ```ts
 * import type { ChatMessage, User } from '@demls/session'
 * import { toHex } from '@demls/wire'
 * declare const alice: User
 * alice.messages$.subscribe((m: ChatMessage) => console.log(`[${m.conversationId}] ${toHex(m.sender)}: ${new TextDecoder().decode(m.body)}`))
 * ```
 */
export interface ChatMessage {
  conversationId: string
  sender: Uint8Array
  body: Uint8Array
  epoch: bigint
  /** SHA-256 of the ciphertext it came in: a message delivered again (at least once after a restart) has the same id. */
  id: Uint8Array
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
  /** The members' side of knocking on one conversation (undefined once we left it). */
  knockDesk(conversationId: string): KnockComponents | undefined
  /** Resolves once what was queued for publishing so far has gone out. */
  published(): Promise<unknown>
}
