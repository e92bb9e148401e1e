// One de-MLS member in its own process, started by the namespace test with
// `ip netns exec <ns> node peer.mjs` and driven over IPC (JSON commands,
// one reply each; chat messages are reported as events). It uses the
// built packages, as an app would: a `User` from @demls/session over the
// gossipsub transport with discovery and NAT traversal, its state in
// LevelDB and its libp2p key in the state directory (so a restart keeps
// both its member and its peer identity).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LAN_TIMING, User } from '@demls/session'
import { levelStorage } from '@demls/storage'
import { gossipsubTransport } from '@demls/transport-gossipsub'
import { systemClock, toHex, topicFor } from '@demls/wire'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'

let user
let transport

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const send = (m) => process.connected && process.send(m)

async function peerKey(dir) {
  const file = join(dir, 'libp2p.key')
  try {
    return privateKeyFromProtobuf(readFileSync(file))
  } catch {
    const key = await generateKeyPair('Ed25519')
    writeFileSync(file, privateKeyToProtobuf(key), { mode: 0o600 })
    return key
  }
}

function connections() {
  return (transport?.node?.getConnections() ?? []).map((c) => ({
    peer: c.remotePeer.toString(),
    addr: c.remoteAddr.toString(),
    limited: c.limits !== undefined,
    status: c.status,
  }))
}

async function run(cmd) {
  switch (cmd.type) {
    case 'start': {
      mkdirSync(cmd.dir, { recursive: true })
      transport = gossipsubTransport({
        listen: cmd.listen,
        bootstrap: cmd.bootstrap,
        privateKey: await peerKey(cmd.dir),
        ...(cmd.announce ? { announce: cmd.announce } : {}),
        ...(cmd.dht ? { dht: 'client', rendezvous: { intervalMs: 2_000 } } : {}),
        ...(cmd.nat ? { nat: true } : {}),
        ...(cmd.mdns ? { mdns: { interval: 1_000 } } : {}),
        ...(cmd.stores ? { stores: cmd.stores } : {}),
      })
      const privateKey = new Uint8Array(createHash('sha256').update(`demls netns member ${cmd.name}`).digest())
      const storage = await levelStorage({ location: join(cmd.dir, 'state') })
      user = await User.create({ privateKey, transport, clock: systemClock, config: LAN_TIMING, storage })
      user.events$.subscribe((e) => {
        if (e.type === 'message') send({ type: 'event', at: Date.now(), conversation: e.conversationId, by: toHex(e.sender), text: new TextDecoder().decode(e.body) })
        // What came back from history (a member's reply or a store), and failures (a store that could not be reached).
        else if (e.type === 'backfill') send({ type: 'note', at: Date.now(), conversation: e.conversationId, kind: 'backfill', packets: e.packets, messages: e.messages })
        else if (e.type === 'error') send({ type: 'note', at: Date.now(), conversation: e.conversationId, kind: 'error', detail: `${e.operation}: ${e.error?.message}` })
      })
      return { memberId: toHex(user.memberId), peerId: transport.peerId.toString(), addrs: transport.multiaddrs().map(String), restored: user.conversations() }
    }
    case 'addrs':
      return { addrs: transport.multiaddrs().map(String) }
    case 'create':
      await user.createConversation(cmd.conversationId, { admission: 'open' })
      return {}
    case 'join': {
      // Find members first (the DHT rendezvous or mDNS), then announce our key package once it can reach one.
      const deadline = Date.now() + cmd.timeoutMs
      const welcome = topicFor(cmd.conversationId, 'welcome')
      while (Date.now() < deadline && !user.transport.readiness(welcome).ready) {
        await transport.findMembers(cmd.conversationId, { signal: AbortSignal.timeout(10_000) }).catch(() => 0)
        await sleep(500)
      }
      await user.join(cmd.conversationId, { timeoutMs: Math.max(1_000, deadline - Date.now()), signal: AbortSignal.timeout(cmd.timeoutMs + 1_000) })
      return {}
    }
    case 'send':
      await user.conversation(cmd.conversationId).sendMessage(new TextEncoder().encode(cmd.text))
      return {}
    case 'members': {
      const c = user.conversation(cmd.conversationId)
      return { members: c ? c.members().map(toHex) : [], epoch: c ? String(c.epoch()) : '-' }
    }
    case 'stored': {
      // How many packets of the conversation's app topic the transport's stores hold now.
      let packets = 0
      for await (const _ of transport.fetchStored(topicFor(cmd.conversationId, 'app'), { sinceMs: 0, signal: AbortSignal.timeout(15_000) })) packets++
      return { packets }
    }
    case 'dial':
      await transport.dial(cmd.addr, { signal: AbortSignal.timeout(15_000) })
      return {}
    case 'connections':
      return { connections: connections(), reach: transport.reachStats() }
    case 'stop':
      await user?.stop().catch(() => undefined)
      setTimeout(() => process.exit(0), 50)
      return {}
  }
  throw new Error(`unknown command ${cmd.type}`)
}

process.on('message', (cmd) => {
  run(cmd).then(
    (r) => send({ type: 'reply', seq: cmd.seq, ok: true, ...r }),
    (err) => send({ type: 'reply', seq: cmd.seq, ok: false, error: err instanceof Error ? err.message : String(err) }),
  )
})
process.on('disconnect', () => process.exit(0))
