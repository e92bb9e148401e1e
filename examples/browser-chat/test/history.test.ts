// The page's chat history (src/page/history.ts) on a real store: chat is
// delivered at least once, so a message that comes again (after a reload)
// with the same id is kept once, across a reopen too.
import { memoryStorage } from '@demls/storage'
import { describe, expect, it } from 'vitest'
import { ChatHistory } from '../src/page/history.js'

describe('chat history', () => {
  it('keeps a repeated message (same id) once, also after reopening the store; lines without an id are all kept', async () => {
    const store = await memoryStorage()
    const h = await ChatHistory.open(store)
    await h.add('g', { from: 'aa', text: 'hello', at: 1, id: '01' })
    await h.add('g', { from: 'aa', text: 'hello', at: 2, id: '01' })
    await h.add('g', { from: 'aa', text: 'hello', at: 3, id: '02' }) // the same words sent again: another message
    await h.add('g', { from: 'me', text: 'mine', at: 4 })
    await h.add('g', { from: 'me', text: 'mine', at: 5 })
    expect(h.lines('g').map((l) => `${l.text}@${l.at}`)).toEqual(['hello@1', 'hello@3', 'mine@4', 'mine@5'])
    const reopened = await ChatHistory.open(store)
    await reopened.add('g', { from: 'aa', text: 'hello', at: 6, id: '01' })
    expect(reopened.lines('g')).toHaveLength(4)
  })
})
