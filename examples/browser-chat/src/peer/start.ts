/**
 * `pnpm --filter @demls-dev/browser-chat start`: a Node demls peer for the
 * browser chat page to connect to, and the page itself.
 *
 * 1. Builds the page with Vite (`dist/`).
 * 2. Starts a demls `User` (in memory) on the Node entry of
 *    `@demls/transport-gossipsub`, listening on 127.0.0.1 over TCP and
 *    WebSockets, and creates a group (`--group`, default `lobby`).
 * 3. Serves the page on http://127.0.0.1:`--port` (default 5173) and prints
 *    its URL with the peer's WebSockets address as `?peer=`.
 *
 * Lines typed here are sent to the group as this peer; what the group says
 * and does is printed. Ctrl-C stops it.
 */
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { User } from '@demls/session'
import { gossipsubTransport } from '@demls/transport-gossipsub'
import { DemlsError, systemClock, toHex } from '@demls/wire'
import { build } from 'vite'
import { describe, who } from '../page/words.js'
import { CHAT_TIMING } from '../timing.js'
import { serveStatic } from './static-server.js'

const USAGE = `usage: start [--port <n>] [--group <name>] [--no-build]

  --port <n>       serve the page on http://127.0.0.1:<n>/ (default 5173; 0 picks a free port)
  --group <name>   the group this peer creates (default lobby)
  --no-build       serve the dist/ an earlier build wrote
  --help           this text`

const { values } = parseArgs({
  options: { port: { type: 'string' }, group: { type: 'string' }, 'no-build': { type: 'boolean' }, help: { type: 'boolean' } },
  strict: true,
})
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const port = Number(values.port ?? 5173)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port must be a port number (got ${values.port})\n\n${USAGE}`)
  process.exit(2)
}
const group = values.group ?? 'lobby'
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

if (!values['no-build']) {
  console.log('building the page with Vite…')
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' })
}

// An in-memory member with a fresh key: a random scalar below the curve order.
const privateKey = new Uint8Array(randomBytes(32))
privateKey[0] = privateKey[0]! & 0x7f
privateKey[31] = privateKey[31]! | 1
const transport = gossipsubTransport() // TCP and WebSockets on 127.0.0.1, free ports
const user = await User.create({ privateKey, transport, clock: systemClock, config: CHAT_TIMING })
const self = toHex(user.memberId)
try {
  await user.createConversation(group)
} catch (err) {
  console.error(`cannot create group ${group}: ${err instanceof DemlsError ? err.shortMessage : String(err)}`)
  await user.stop()
  process.exit(2)
}
const ws = transport.multiaddrs().map(String).find((a) => a.includes('/ws/'))
if (ws === undefined) throw new Error('the Node peer has no WebSockets address')

let server: Awaited<ReturnType<typeof serveStatic>>
try {
  server = await serveStatic(join(root, 'dist'), port)
} catch (err) {
  const busy = (err as NodeJS.ErrnoException).code === 'EADDRINUSE'
  console.error(busy ? `port ${port} is in use: pass --port <another> (0 picks a free one)` : `cannot serve the page: ${String(err)}`)
  await user.stop()
  process.exit(2)
}

const url = new URL(server.url)
url.searchParams.set('peer', ws)
url.searchParams.set('group', group)
console.log(`node peer 0x${self} created group ${group}`)
console.log(`listening on ${transport.multiaddrs().map(String).join(', ')}`)
console.log(`open ${url}`)
console.log(`type a line here to send it to ${group} as this peer; Ctrl-C stops`)

user.events$.subscribe((e) => {
  const at = `[${e.conversationId}]`
  switch (e.type) {
    case 'message':
      return console.log(`${at} ${who(e.sender, self)}: ${new TextDecoder().decode(e.body)}`)
    case 'member-joined':
      return console.log(`${at} ${who(e.memberId, self)} joined`)
    case 'member-left':
      return console.log(`${at} ${who(e.memberId, self)} left`)
    case 'vote-requested':
      // This peer hosts an open lobby: it approves every join at once (the
      // others still vote). Anything else it leaves to the automatic vote.
      if (e.request?.payload === 'memberInvite') {
        console.log(`${at} #${e.proposalId} ${describe(e.request, self)}: this peer votes yes (it admits everyone)`)
        user
          .conversation(e.conversationId)
          ?.vote(e.proposalId, true)
          .catch((err) => console.log(`${at} ! vote: ${err instanceof DemlsError ? err.shortMessage : String(err)}`))
        return
      }
      return console.log(`${at} vote requested on #${e.proposalId}: ${describe(e.request, self)} (this peer votes yes after 10 s)`)
    case 'consensus-reached':
      return console.log(`${at} #${e.proposalId} ${describe(e.request, self)}: ${e.approved ? 'approved' : 'rejected'}`)
    case 'commit-applied':
      return e.empty ? undefined : console.log(`${at} epoch ${e.epoch} committed by ${who(e.committer, self)}`)
    case 'error':
      return console.log(`${at} ! ${e.operation}: ${e.error instanceof DemlsError ? e.error.shortMessage : e.error.message}`)
    default:
      return undefined
  }
})

const rl = createInterface({ input: process.stdin, terminal: false })
rl.on('line', (line) => {
  const text = line.trim()
  if (text === '') return
  const h = user.conversation(group)
  if (h === undefined) return console.log(`! this peer is no longer in ${group}`)
  h.sendMessage(new TextEncoder().encode(text)).then(
    () => console.log(`[${group}] you: ${text}`),
    (err) => console.log(`! not sent: ${err instanceof DemlsError ? err.shortMessage : String(err)}`),
  )
})

let stopping = false
async function stop(): Promise<void> {
  if (stopping) return
  stopping = true
  rl.close()
  await server.close()
  await user.stop()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
