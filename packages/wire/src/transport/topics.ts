import { InvalidTopicError } from '../errors/wire-errors.js'

/**
 * The channels of a conversation: `app` carries the group's traffic
 * (MLS ciphertexts, plaintext commit candidates and welcomes); `welcome`
 * carries what non-members send or need (key-package announcements,
 * Welcomes, join probes); `votes` (demls only) carries members'
 * aggregatable votes to the aggregators of a group whose consensus plug-in
 * aggregates votes, so the other members never receive them.
 *
 * @example
 * ```ts
 * import { type SubtopicName, topicFor } from '@demls/wire'
 * const subtopics: SubtopicName[] = ['app', 'welcome']
 * const topics = subtopics.map((s) => topicFor('chat', s))
 * ```
 */
export type SubtopicName = 'app' | 'welcome' | 'votes'

/** Version segment of every topic (the reference's `CONVERSATION_VERSION`). */
export const CONVERSATION_VERSION = '1'

const WIRE_SUBTOPIC: Record<SubtopicName, string> = { app: 'app_msg', welcome: 'welcome', votes: 'demls_votes' }
const FROM_WIRE: Record<string, SubtopicName> = { app_msg: 'app', welcome: 'welcome', demls_votes: 'votes' }

/**
 * The pub/sub topic of a conversation's subtopic:
 * `/{conversationId}/1/{app_msg|welcome|demls_votes}/proto`, the reference's Waku content
 * topic layout (`demls_votes` is demls only). The conversation id is percent-encoded, so ids containing
 * `/` still round-trip; ids of letters, digits, `-`, `_`, `.` and `~` appear
 * unchanged (identical to the reference).
 *
 * @example
 * ```ts
 * import { topicFor } from '@demls/wire'
 * topicFor('chat', 'app') // '/chat/1/app_msg/proto'
 * ```
 *
 * @throws {InvalidTopicError} on an empty or non-well-formed id or an unknown subtopic
 */
export function topicFor(conversationId: string, subtopic: SubtopicName): string {
  if (conversationId.length === 0) throw new InvalidTopicError('', 'empty conversation id')
  const sub = Object.hasOwn(WIRE_SUBTOPIC, subtopic) ? WIRE_SUBTOPIC[subtopic] : undefined
  if (sub === undefined) throw new InvalidTopicError(String(subtopic), 'unknown subtopic')
  let encoded: string
  try {
    encoded = encodeURIComponent(conversationId)
  } catch {
    throw new InvalidTopicError(conversationId, 'conversation id is not well-formed Unicode (lone surrogate)')
  }
  return `/${encoded}/${CONVERSATION_VERSION}/${sub}/proto`
}

/**
 * Parse a topic made by {@link topicFor}; the inverse of it.
 *
 * @throws {InvalidTopicError} when `topic` is not exactly what `topicFor` returns for some id and subtopic
 *
 * @example
 * ```ts
 * import { parseTopic } from '@demls/wire'
 * const { conversationId, subtopic } = parseTopic('/chat/1/app_msg/proto') // 'chat', 'app'
 * ```
 */
export function parseTopic(topic: string): { conversationId: string; subtopic: SubtopicName } {
  const known = PARSED.get(topic)
  if (known !== undefined) return { conversationId: known.conversationId, subtopic: known.subtopic }
  const parsed = parseTopicUncached(topic)
  // Every packet names its topic, and a node follows a few: remember the newest valid ones (bounded in bytes too).
  if (topic.length <= PARSED_TOPIC_MAX) {
    if (PARSED.size >= PARSED_KEPT) PARSED.delete(PARSED.keys().next().value as string)
    PARSED.set(topic, parsed)
  }
  return { conversationId: parsed.conversationId, subtopic: parsed.subtopic }
}

/** Valid topics parsed lately (only valid ones: an invalid topic is refused afresh each time). */
const PARSED = new Map<string, { readonly conversationId: string; readonly subtopic: SubtopicName }>()
/** How many parsed topics {@link parseTopic} remembers. */
const PARSED_KEPT = 256
/** The longest topic (UTF-16 code units) it remembers. */
const PARSED_TOPIC_MAX = 512

function parseTopicUncached(topic: string): { conversationId: string; subtopic: SubtopicName } {
  const parts = topic.split('/')
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== 'proto') {
    throw new InvalidTopicError(topic, 'expected /{conversation}/{version}/{subtopic}/proto')
  }
  if (parts[2] !== CONVERSATION_VERSION) throw new InvalidTopicError(topic, `unsupported version ${parts[2]}`)
  const wireSub = parts[3] ?? ''
  const subtopic = Object.hasOwn(FROM_WIRE, wireSub) ? FROM_WIRE[wireSub] : undefined
  if (subtopic === undefined) throw new InvalidTopicError(topic, `unknown subtopic ${parts[3]}`)
  let conversationId: string
  let canonical: boolean
  try {
    conversationId = decodeURIComponent(parts[1] ?? '')
    // One topic per conversation: refuse other spellings of the same id
    // (`%61` for `a`, lower-case hex, a raw `é`), which would bypass topic matching.
    canonical = encodeURIComponent(conversationId) === parts[1]
  } catch {
    throw new InvalidTopicError(topic, 'malformed conversation id')
  }
  if (conversationId.length === 0) throw new InvalidTopicError(topic, 'empty conversation id')
  if (!canonical) throw new InvalidTopicError(topic, 'conversation id is not in canonical percent-encoding')
  return { conversationId, subtopic }
}
