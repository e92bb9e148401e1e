import { homedir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

export const USAGE = `usage: demls-node [--dir <path>] [--listen <multiaddr>]… [--announce <multiaddr>]… [--bootstrap <multiaddr>]… [options]

An always-on libp2p node for de-MLS peers: bootstrap, circuit relay v2
(bounded), Kademlia DHT server (/demls/kad/1.0.0), AutoNAT. It is never a
member of a group and holds no group keys. With --serve it is also a store
for encrypted traffic: it keeps the packets of the conversations named (as
ciphertext) for members that were away, who fetch them over /demls/store/1.0.0.

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
  --dht-records <n>              DHT records kept for other peers at most: default 100000
  --lan                          keep private addresses in DHT answers (a LAN or a test network)
  --serve <conversation id|topic>  keep this conversation's encrypted packets for members that were
                                 away (repeatable; turns the store on): members list this node in
                                 their stores
  --store-dir <path>             where the store keeps them (LevelDB): default <dir>/store
  --store-max-age <hours>        how long a packet is kept: default 168
  --store-topic-mib <MiB>        bytes kept per conversation: default 64
  --store-total-mib <MiB>        bytes kept in all: default 1024
  --store-requests <n>           history requests one peer may make per 10 s: default 30
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
  dhtRecords: number
  lan: boolean
  /** The store for encrypted traffic, when `--serve` was given. */
  store?: { directory: string; serve: string[]; maxAgeMs: number; maxBytesPerTopic: number; maxTotalBytes: number; requestsPerPeer: number }
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
  'dht-records': { type: 'string' },
  lan: { type: 'boolean' },
  serve: { type: 'string', multiple: true },
  'store-dir': { type: 'string' },
  'store-max-age': { type: 'string' },
  'store-topic-mib': { type: 'string' },
  'store-total-mib': { type: 'string' },
  'store-requests': { type: 'string' },
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
  const store = storeConfig(values, dir)
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
    dhtRecords: int('dht-records', values['dht-records'], 100_000, 10_000_000),
    lan: values.lan === true,
    ...(store ? { store } : {}),
  }
}

/** The store options: on with at least one `--serve`; its other options are refused without one. */
function storeConfig(values: Record<string, string | boolean | string[] | undefined>, dir: string): NodeConfig['store'] {
  const serve = (values.serve as string[] | undefined) ?? []
  for (const id of serve) if (id.length === 0 || id.length > 256) throw new UsageError(`--serve: a conversation id or topic of 1 to 256 characters, not '${id.slice(0, 80)}'`)
  const given = ['store-dir', 'store-max-age', 'store-topic-mib', 'store-total-mib', 'store-requests'].filter((k) => values[k] !== undefined)
  if (serve.length === 0) {
    if (given.length > 0) throw new UsageError(`--${given[0]}: the store is on only with --serve`)
    return undefined
  }
  const str = (k: string) => values[k] as string | undefined
  const topicMiB = int('store-topic-mib', str('store-topic-mib'), 64, 1024 * 1024)
  const totalMiB = int('store-total-mib', str('store-total-mib'), 1024, 1024 * 1024)
  if (topicMiB > totalMiB) throw new UsageError('--store-topic-mib: above --store-total-mib')
  return {
    directory: str('store-dir') ?? join(dir, 'store'),
    serve,
    maxAgeMs: int('store-max-age', str('store-max-age'), 168, 24 * 365 * 10) * 3_600_000,
    maxBytesPerTopic: topicMiB * 1024 * 1024,
    maxTotalBytes: totalMiB * 1024 * 1024,
    requestsPerPeer: int('store-requests', str('store-requests'), 30, 100_000),
  }
}
