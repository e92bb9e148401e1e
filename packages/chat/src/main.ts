#!/usr/bin/env node
/**
 * demls-chat: end-to-end encrypted group chat in a terminal, with no
 * server. Each run is one member (a profile directory holds its key and its
 * encrypted state); members find each other over libp2p gossipsub, vote on
 * who joins, and rotating stewards commit the changes.
 *
 *   demls-chat --profile alice                         # first terminal
 *   demls-chat --profile bob --peer <alice's address>  # second terminal
 *   demls-chat --profile carol --join demls:…          # with an invite link (/link): nothing else
 *
 * See README.md for the commands.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { systemClock, toHex } from '@demls/wire'
import { HELP, type Session, explain, run } from './commands.js'
import { loadOrCreateKey } from './identity.js'
import { renderEvent, renderJoin } from './render.js'

const USAGE = `usage: demls-chat [--profile <name> | --dir <path>] [--listen <multiaddr>] [--peer <multiaddr>]… [--join <invite link>] [--timing lan|fast|default]

  --profile <name>   keep the identity and state in ~/.demls-chat/<name> (default: "default")
  --dir <path>       … or in this directory
  --listen <addr>    where to listen (default /ip4/127.0.0.1/tcp/0: a free port on this machine)
  --peer <addr>      a member to connect to (repeatable); its address is printed when it starts
  --join <link>      join with an invite link (demls:…, from a member's /link): the link says where the group is
  --timing <name>    protocol timers: lan (default; seconds), fast (tests), default (the reference's minutes)
  --help             this text

${HELP}`

const OPTIONS = {
  profile: { type: 'string' },
  dir: { type: 'string' },
  listen: { type: 'string' },
  peer: { type: 'string', multiple: true },
  join: { type: 'string' },
  timing: { type: 'string' },
  help: { type: 'boolean' },
} as const

let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values']
try {
  values = parseArgs({ options: OPTIONS, strict: true }).values
} catch (err) {
  // An unknown option or a missing value: say which, not a stack trace.
  console.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`)
  process.exit(2)
}

if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

const dir = values.dir ?? join(homedir(), '.demls-chat', values.profile ?? 'default')
const timing = values.timing ?? 'lan'
if (!['lan', 'fast', 'default'].includes(timing)) {
  console.error(`unknown --timing ${timing}\n\n${USAGE}`)
  process.exit(2)
}

// Loaded only now, so that --help and a mistyped option answer at once
// without loading MLS, LevelDB and libp2p.
const [{ FAST_TIMING, LAN_TIMING, User }, { levelStorage }, { gossipsubTransport }] = await Promise.all([
  import('@demls/session'),
  import('@demls/storage'),
  import('@demls/transport-gossipsub'),
])

const { privateKey, created } = loadOrCreateKey(dir)
let storage: Awaited<ReturnType<typeof levelStorage>>
try {
  // No key: User.create unlocks it with a key derived from the private key (encrypted at rest by default).
  storage = await levelStorage({ location: join(dir, 'state') })
} catch (err) {
  console.error(`cannot open ${join(dir, 'state')}: ${err instanceof Error ? err.message : String(err)} (is another demls-chat using this profile?)`)
  process.exit(1)
}
const transport = gossipsubTransport({ listen: [values.listen ?? '/ip4/127.0.0.1/tcp/0'], bootstrap: values.peer ?? [] })
const user = await User.create({
  privateKey,
  transport,
  clock: systemClock,
  storage,
  ...(timing === 'default' ? {} : { config: timing === 'fast' ? FAST_TIMING : LAN_TIMING }),
})

const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ', terminal: process.stdin.isTTY === true })

function print(line: string): void {
  if (process.stdout.isTTY) {
    process.stdout.write('\r\x1b[K')
    process.stdout.write(`${line}\n`)
    rl.prompt(true)
  } else process.stdout.write(`${line}\n`)
}

let stopping = false
const session: Session = {
  user,
  print,
  current: user.conversations()[0],
  addresses: () => transport.multiaddrs().map(String),
  dial: (address, options) => transport.dial(address, options),
  async quit() {
    if (stopping) return
    stopping = true
    print('bye: your groups and messages stay in this profile')
    await user.stop()
    rl.close()
    process.exit(0)
  },
}

user.events$.subscribe((e) => {
  const line = renderEvent(e, user.memberId)
  if (line !== undefined) print(line)
})
user.joinProgress$.subscribe((p) => {
  const line = renderJoin(p)
  if (line !== undefined) print(line)
})

print(`${created ? 'new identity' : 'identity'} 0x${toHex(user.memberId)} (profile ${dir})`)
print(`listening on ${transport.multiaddrs().map(String).join(', ')}`)
const groups = user.conversations()
if (groups.length > 0) print(`back in ${groups.map((g) => `${g} (epoch ${user.conversation(g)?.epoch()})`).join(', ')}; talking in ${session.current}`)
else print('you are in no group yet: /create <group> or /join <group>; /help lists the commands')

// One line at a time, in order.
let chain = Promise.resolve()
const link = values.join
if (link !== undefined) chain = chain.then(() => run(session, `/join ${link}`).catch((err) => print(`! ${explain(err, session.current)}`)))
rl.on('line', (line) => {
  chain = chain.then(() =>
    run(session, line).catch((err) => {
      const words = line.trim().split(/\s+/)
      print(`! ${explain(err, words[0]?.startsWith('/') ? (words[1] ?? session.current) : session.current)}`)
    }),
  )
})
rl.on('close', () => void session.quit())
process.on('SIGINT', () => void session.quit())
process.on('SIGTERM', () => void session.quit())
rl.prompt()
