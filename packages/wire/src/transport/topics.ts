import { InvalidTopicError } from '../errors/wire-errors.js'

/**
 * The two channels of a conversation: `app` carries the group's traffic
 * (MLS ciphertexts, plaintext commit candidates and welcomes); `welcome`
 * carries what non-members send or need (key-package announcements,
 * Welcomes, join probes).
 */
export type SubtopicName = 'app' | 'welcome'

/** Version segment of every topic (the reference's `CONVERSATION_VERSION`). */
export const CONVERSATION_VERSION = '1'

const WIRE_SUBTOPIC: Record<SubtopicName, string> = { app: 'app_msg', welcome: 'welcome' }
const FROM_WIRE: Record<string, SubtopicName> = { app_msg: 'app', welcome: 'welcome' }

/**
 * The pub/sub topic of a conversation's subtopic:
 * `/{conversationId}/1/{app_msg|welcome}/proto`, the reference's Waku content
 * topic layout. The conversation id is percent-encoded, so ids containing
 * `/` still round-trip; ids of letters, digits, `-`, `_`, `.` and `~` appear
 * unchanged (identical to the reference).
 *
 * @example
 * ```ts
 * topicFor('chat', 'app') // '/chat/1/app_msg/proto'
 * ```
 */
export function topicFor(conversationId: string, subtopic: SubtopicName): string {
  if (conversationId.length === 0) throw new InvalidTopicError('', 'empty conversation id')
  const sub = WIRE_SUBTOPIC[subtopic]
  if (sub === undefined) throw new InvalidTopicError(String(subtopic), 'unknown subtopic')
  return `/${encodeURIComponent(conversationId)}/${CONVERSATION_VERSION}/${sub}/proto`
}

/** Parse a topic made by {@link topicFor}. */
export function parseTopic(topic: string): { conversationId: string; subtopic: SubtopicName } {
  const parts = topic.split('/')
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== 'proto') {
    throw new InvalidTopicError(topic, 'expected /{conversation}/{version}/{subtopic}/proto')
  }
  if (parts[2] !== CONVERSATION_VERSION) throw new InvalidTopicError(topic, `unsupported version ${parts[2]}`)
  const subtopic = FROM_WIRE[parts[3] ?? '']
  if (subtopic === undefined) throw new InvalidTopicError(topic, `unknown subtopic ${parts[3]}`)
  let conversationId: string
  try {
    conversationId = decodeURIComponent(parts[1] ?? '')
  } catch {
    throw new InvalidTopicError(topic, 'malformed conversation id')
  }
  if (conversationId.length === 0) throw new InvalidTopicError(topic, 'empty conversation id')
  return { conversationId, subtopic }
}
