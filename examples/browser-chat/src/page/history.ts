import type { Storage } from '@demls/storage'

/** One line of a group's chat as the page shows it. */
export interface ChatLine {
  /** Member id (hex, no 0x) of the sender. */
  from: string
  text: string
  /** When this page received (or sent) it, ms since the epoch. */
  at: number
  /** The message's id (hex of the session's `id`), for a received message: a repeat delivery is not added twice. */
  id?: string
}

/** Lines kept per group; older ones are deleted as new ones arrive. */
export const HISTORY_LIMIT = 200

/**
 * The chat a page has seen, per group, kept in its own encrypted IndexedDB
 * database (a second `levelStorage`, opened with
 * `encryptionKey: await deriveStorageKey(privateKey)`, the key
 * `User.create` derives for the protocol state), so that a reload shows the conversation so far. The protocol
 * state keeps no plaintext; this is the app's own record of what it
 * displayed, bounded to {@link HISTORY_LIMIT} lines per group.
 */
export class ChatHistory {
  readonly #store: Storage
  readonly #lines = new Map<string, { seq: number; line: ChatLine }[]>()

  private constructor(store: Storage) {
    this.#store = store
  }

  /** Read every group's lines from `store`. */
  static async open(store: Storage): Promise<ChatHistory> {
    const h = new ChatHistory(store)
    for await (const { key, value } of store.entries(['chat'])) {
      const group = key[1]
      if (group === undefined) continue
      const list = h.#lines.get(group) ?? []
      list.push({ seq: Number(key[2]), line: JSON.parse(new TextDecoder().decode(value)) as ChatLine })
      h.#lines.set(group, list)
    }
    for (const list of h.#lines.values()) list.sort((a, b) => a.seq - b.seq)
    return h
  }

  /** The lines of `group`, oldest first. */
  lines(group: string): ChatLine[] {
    return (this.#lines.get(group) ?? []).map((e) => e.line)
  }

  /** Append a line (and drop the oldest beyond the limit), durably. */
  async add(group: string, line: ChatLine): Promise<void> {
    const list = this.#lines.get(group) ?? []
    // Chat is delivered at least once: after a reload a message may come again, with the same id.
    if (line.id !== undefined && list.some((l) => l.line.id === line.id)) return
    const seq = (list.at(-1)?.seq ?? 0) + 1
    list.push({ seq, line })
    this.#lines.set(group, list)
    const dropped = list.length > HISTORY_LIMIT ? list.splice(0, list.length - HISTORY_LIMIT) : []
    await this.#store.batch([
      { type: 'put', key: ['chat', group, String(seq)], value: new TextEncoder().encode(JSON.stringify(line)) },
      ...dropped.map((d) => ({ type: 'del' as const, key: ['chat', group, String(d.seq)] })),
    ])
  }
}
