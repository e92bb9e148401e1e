// One gossipsub peer in its own OS process, for `many-processes.test.ts`.
// Plain JavaScript on the package's built `dist` (loading libp2p through a
// TypeScript loader costs about 2.5× the CPU, and 30 of these load on 2
// cores); the test rebuilds `dist` first when `src` is newer. It talks to
// the test only over IPC (`protocol.ts`) and exits on `stop`, when the IPC
// channel closes (parent gone), or after DEMLS_PEER_LIFETIME_MS whatever
// happens.
import { topicFor } from '@demls/wire'
import { gossipsubTransport } from '../../dist/index.js'

const lifetimeMs = Number(process.env.DEMLS_PEER_LIFETIME_MS ?? 120_000)
setTimeout(() => process.exit(3), lifetimeMs).unref()
process.on('disconnect', () => process.exit(0))

let transport
let conversationId = ''
let index = -1
const received = new Set()

let seq = 0
function reply(r) {
  if (process.connected) process.send?.({ ...r, seq })
}

async function handle(cmd) {
  seq = cmd.seq
  switch (cmd.type) {
    case 'start': {
      index = cmd.index
      conversationId = cmd.conversationId
      transport = gossipsubTransport({ bootstrap: cmd.bootstrap, ...(cmd.scoring ? { scoring: cmd.scoring } : {}) })
      transport.addEventListener('message', (e) => received.add(new TextDecoder().decode(e.detail.envelope.payload)))
      await transport.start()
      transport.subscribe(topicFor(conversationId, 'app'))
      reply({ type: 'started', addr: transport.multiaddrs()[0].toString() })
      return
    }
    case 'status': {
      const r = transport.readiness(topicFor(conversationId, 'app'))
      reply({
        type: 'status',
        status: {
          ready: r.ready,
          meshPeers: r.meshPeers,
          subscribers: r.subscribers,
          connections: transport.node?.getConnections().length ?? 0,
          received: [...received],
          publishStats: typeof transport.publishStats === 'function' ? transport.publishStats() : undefined,
        },
      })
      return
    }
    case 'publish': {
      const recipients = []
      for (let k = 0; k < cmd.count; k++) {
        const payload = new TextEncoder().encode(`${index}:${k}`)
        const r = await transport.publish({ conversationId, subtopic: 'app', payload }, { allowNoPeers: true })
        recipients.push(r.recipients)
      }
      reply({ type: 'published', recipients })
      return
    }
    case 'stop': {
      await transport?.stop().catch(() => undefined)
      process.exit(0)
    }
  }
}

// One command at a time, in order (the test never sends the next before the reply).
let queue = Promise.resolve()
process.on('message', (cmd) => {
  queue = queue.then(() =>
    handle(cmd).catch((err) => reply({ type: 'error', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })),
  )
})
if (process.connected) process.send?.({ type: 'hello' })
