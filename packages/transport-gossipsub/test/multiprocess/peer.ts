/**
 * One gossipsub peer in its own OS process, for `many-processes.test.ts`.
 * Run with `node --import tsx`; it talks to the test only over IPC and
 * exits on `stop`, when the IPC channel closes (parent gone) or after
 * `lifetimeMs` whatever happens.
 */
import { topicFor } from '@demls/wire'
import { type DemlsScoringInit, type GossipsubTransport, gossipsubTransport } from '../../src/index.js'

export type PeerCommand =
  | { type: 'start'; index: number; bootstrap: string[]; conversationId: string; scoring?: DemlsScoringInit }
  | { type: 'status' }
  | { type: 'publish'; count: number }
  | { type: 'stop' }

export interface PeerStatus {
  ready: boolean
  meshPeers: number
  subscribers: number
  connections: number
  /** Distinct message ids received from other peers. */
  received: string[]
  publishStats?: unknown
}

export type PeerReply =
  | { type: 'hello' }
  | { type: 'started'; addr: string }
  | { type: 'status'; status: PeerStatus }
  | { type: 'published'; recipients: number[] }
  | { type: 'error'; error: string }

const lifetimeMs = Number(process.env.DEMLS_PEER_LIFETIME_MS ?? 120_000)
setTimeout(() => process.exit(3), lifetimeMs).unref()
process.on('disconnect', () => process.exit(0))

let transport: GossipsubTransport | undefined
let conversationId = ''
let index = -1
const received = new Set<string>()

function reply(r: PeerReply): void {
  if (process.connected) process.send?.(r)
}

async function handle(cmd: PeerCommand): Promise<void> {
  switch (cmd.type) {
    case 'start': {
      index = cmd.index
      conversationId = cmd.conversationId
      transport = gossipsubTransport({ bootstrap: cmd.bootstrap, ...(cmd.scoring ? { scoring: cmd.scoring } : {}) })
      transport.addEventListener('message', (e) => {
        received.add(new TextDecoder().decode(e.detail.envelope.payload))
      })
      await transport.start()
      transport.subscribe(topicFor(conversationId, 'app'))
      reply({ type: 'started', addr: transport.multiaddrs()[0]!.toString() })
      return
    }
    case 'status': {
      const t = transport!
      const r = t.readiness(topicFor(conversationId, 'app'))
      reply({
        type: 'status',
        status: {
          ready: r.ready,
          meshPeers: r.meshPeers,
          subscribers: r.subscribers,
          connections: t.node?.getConnections().length ?? 0,
          received: [...received],
          ...('publishStats' in t && typeof t.publishStats === 'function' ? { publishStats: t.publishStats() } : {}),
        },
      })
      return
    }
    case 'publish': {
      const recipients: number[] = []
      for (let k = 0; k < cmd.count; k++) {
        const payload = new TextEncoder().encode(`${index}:${k}`)
        const r = await transport!.publish({ conversationId, subtopic: 'app', payload }, { allowNoPeers: true })
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

process.on('message', (cmd: PeerCommand) => {
  handle(cmd).catch((err: unknown) => reply({ type: 'error', error: err instanceof Error ? err.stack ?? err.message : String(err) }))
})
reply({ type: 'hello' })
