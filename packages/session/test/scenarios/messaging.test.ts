import { describe, expect, it } from 'vitest'
import { type Scenario, hex, scenario, text } from './harness.js'

async function bootstrap(s: Scenario, id: string) {
  const [creator, ...joiners] = s.members
  await creator!.user.createConversation(id)
  const joins = joiners.map((m) => m.user.join(id))
  await s.until(() => joiners.every((m) => m.user.conversation(id)?.state() === 'working'))
  await Promise.all(joins)
  await s.until(() => {
    const epochs = s.members.map((m) => m.user.conversation(id)?.epoch())
    return epochs.every((e) => e === epochs[0]) && s.members.every((m) => m.user.conversation(id)?.state() === 'working')
  })
}

describe('protocol_messaging: chat_message_delivered_to_peer', () => {
  it('bootstraps two members and delivers a chat with the authenticated sender', async () => {
    const s = await scenario(2)
    await bootstrap(s, 'chat')
    const [alice, bob] = s.members as [Scenario['members'][0], Scenario['members'][0]]
    const a = alice.user.conversation('chat')!
    const b = bob.user.conversation('chat')!
    expect(a.epoch()).toBe(1n)
    expect(b.epoch()).toBe(1n)
    expect(a.members().map(hex).sort()).toEqual(b.members().map(hex).sort())
    expect(hex(a.epochAuthenticator())).toBe(hex(b.epochAuthenticator()))
    expect(bob.events.some((e) => e.type === 'phase-change' && e.state === 'working')).toBe(true)
    await a.sendMessage(text('hello bob'))
    await s.until(() => bob.events.some((e) => e.type === 'message'))
    const msg = bob.events.find((e) => e.type === 'message')
    expect(msg && msg.type === 'message' && new TextDecoder().decode(msg.body)).toBe('hello bob')
    expect(msg && msg.type === 'message' && hex(msg.sender)).toBe(hex(alice.user.memberId))
    expect(alice.events.some((e) => e.type === 'message')).toBe(false)
    await s.stop()
  })
})
