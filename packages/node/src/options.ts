import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export const USAGE = `usage: demls-node [--dir <path>] [--listen <multiaddr>]… [--announce <multiaddr>]… [--bootstrap <multiaddr>]… [options]

An always-on libp2p node for de-MLS peers: bootstrap, circuit relay v2
(bounded), Kademlia DHT server (/demls/kad/1.0.0), AutoNAT. It is never a
member of a group and holds no group keys.

  --dir <path>                   state directory (the identity key): default ~/.demls-node
  --key <file>                   the identity key file: default <dir>/peer.key (created on first run)
  --listen <addr>                where to listen (repeatable): default /ip4/0.0.0.0/tcp/4001 and /ip4/0.0.0.0/tcp/4002/ws
  --announce <addr>              a public address to announce (repeatable), e.g. /ip4/203.0.113.7/tcp/4001
  --bootstrap <addr>             another demls-node to connect to (repeatable)
  --relay-reservations <n>       relay reservations held at once: default 128
  --relay-duration <seconds>     longest life of one relayed connection: default 3600
  --relay-data <MiB>             data one relayed connection may carry: default 64
  --relay-connects <n>           relayed connections one peer may open per minute: default 30
  --no-relay                     do not relay
  --max-connections <n>          connections held at once: default 1024
  --lan                          keep private addresses in DHT answers (a LAN or a test network)
  --help                         this text

At start it prints one line "demls-node-ready {json}" with its peer id and
multiaddrs (give these to members as --bootstrap). SIGINT or SIGTERM stop it.`

/** A command line that cannot be run: the message is shown with the usage, exit code 2. */
export class UsageError extends Error {
  readonly code = 'NODE_USAGE'
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** What the node runs with. */
export interface NodeConfig {
  keyFile: string
  listen: string[]
  announce: string[]
  bootstrap: string[]
  relay: false | { maxReservations: number; durationLimitMs: number; dataLimitBytes: number; connectsPerPeerPerMinute: number }
  maxConnections: number
  lan: boolean
}

const OPTIONS = {
  dir: { type: 'string' },
  key: { type: 'string' },
  listen: { type: 'string', multiple: true },
  announce: { type: 'string', multiple: true },
  bootstrap: { type: 'string', multiple: true },
  'relay-reservations': { type: 'string' },
  'relay-duration': { type: 'string' },
  'relay-data': { type: 'string' },
  'relay-connects': { type: 'string' },
  'no-relay': { type: 'boolean' },
  'max-connections': { type: 'string' },
  lan: { type: 'boolean' },
  help: { type: 'boolean' },
} as const

function int(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name}: a whole number, not '${value}'`)
  const n = Number(value)
  if (n < 1 || n > max) throw new UsageError(`--${name}: from 1 to ${max}`)
  return n
}

/** Multiaddr strings are checked by libp2p when used; here only that they look like one and are bounded. */
function addrs(name: string, list: string[] | undefined): string[] {
  for (const a of list ?? []) if (!a.startsWith('/') || a.length > 1024) throw new UsageError(`--${name}: not a multiaddr: '${a.slice(0, 80)}'`)
  return [...(list ?? [])]
}

/** Parse the command line: `'help'` for --help, or the configuration. */
export function parseOptions(argv: string[]): 'help' | NodeConfig {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values']
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err))
  }
  if (values.help) return 'help'
  const dir = values.dir ?? join(homedir(), '.demls-node')
  const listen = addrs('listen', values.listen)
  return {
    keyFile: values.key ?? join(dir, 'peer.key'),
    listen: listen.length > 0 ? listen : ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'],
    announce: addrs('announce', values.announce),
    bootstrap: addrs('bootstrap', values.bootstrap),
    relay:
      values['no-relay'] === true
        ? false
        : {
            maxReservations: int('relay-reservations', values['relay-reservations'], 128, 100_000),
            durationLimitMs: int('relay-duration', values['relay-duration'], 3600, 86_400) * 1000,
            dataLimitBytes: int('relay-data', values['relay-data'], 64, 4096) * 1024 * 1024,
            connectsPerPeerPerMinute: int('relay-connects', values['relay-connects'], 30, 10_000),
          },
    maxConnections: int('max-connections', values['max-connections'], 1024, 1_000_000),
    lan: values.lan === true,
  }
}
