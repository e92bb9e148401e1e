#!/usr/bin/env node
/**
 * demls-node: an always-on libp2p node for de-MLS peers, run on a public
 * host. Members give its address as a bootstrap peer; it relays for
 * members behind NATs (circuit relay v2, bounded), answers the DHT
 * (/demls/kad/1.0.0: peer routing and the members' rendezvous records) and
 * tells peers which of their addresses are reachable (AutoNAT). It is never
 * a member of a group. See README.md.
 */
import { USAGE, UsageError, parseOptions } from './options.js'

let parsed: ReturnType<typeof parseOptions>
try {
  parsed = parseOptions(process.argv.slice(2))
} catch (err) {
  if (!(err instanceof UsageError)) throw err
  console.error(`${err.message}\n\n${USAGE}`)
  process.exit(2)
}
if (parsed === 'help') {
  console.log(USAGE)
  process.exit(0)
}
const config = parsed

// Loaded only now: --help and a mistyped option answer without loading libp2p.
const { startNode } = await import('./node.js')
let running: Awaited<ReturnType<typeof startNode>>
try {
  running = await startNode(config)
} catch (err) {
  console.error(`demls-node: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}
const { node } = running
const addrs = node.getMultiaddrs().map(String)
console.log(`demls-node ${node.peerId.toString()}${running.created ? ` (new identity, key in ${config.keyFile})` : ''}`)
for (const a of addrs) console.log(`  listening on ${a}`)
if (config.relay === false) console.log('  relay: off')
else
  console.log(
    `  relay: ${config.relay.maxReservations} reservations, ${config.relay.durationLimitMs / 1000} s and ${config.relay.dataLimitBytes / 1024 / 1024} MiB per relayed connection, ${config.relay.connectsPerPeerPerMinute} connects per peer a minute`,
  )
if (running.store !== undefined) {
  const l = running.store.limits
  console.log(
    `  store: ${running.store.served().join(', ')} in ${config.store!.directory}; ${l.maxAgeMs / 3_600_000} h, ${l.maxBytesPerTopic / 1024 / 1024} MiB per conversation, ${l.maxTotalBytes / 1024 / 1024} MiB in all, ${running.store.stats().packets} packets kept`,
  )
}
console.log(`demls-node-ready ${JSON.stringify({ peerId: node.peerId.toString(), multiaddrs: addrs })}`)

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    console.error(`demls-node: ${signal} again, exiting now`)
    process.exit(1)
  }
  stopping = true
  console.log(`demls-node: ${signal}, stopping`)
  const force = setTimeout(() => {
    console.error('demls-node: did not stop within 10 s, exiting')
    process.exit(1)
  }, 10_000)
  force.unref()
  try {
    await running.stop()
    console.log('demls-node: stopped')
    process.exit(0)
  } catch (err) {
    console.error(`demls-node: stop failed: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
