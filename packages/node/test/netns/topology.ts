/**
 * A small internet in Linux network namespaces, built and torn down by the
 * test (root only):
 *
 *   pub  : the public segment, bridge `br0` 7.7.7.1/24, where demls-node runs
 *   rX   : the router of home X: `wan` 7.7.7.(10+i) on the public bridge,
 *          bridge `lan` 192.168.i.1/24, forwarding, nftables masquerade out of `wan`
 *   hX…  : hosts of home X on its `lan`, 192.168.i.(2+k), default route via rX
 *
 * The public segment uses 7.7.7.0/24 because libp2p treats RFC 1918 and the
 * documentation ranges as private (DCUtR and AutoNAT ignore private
 * addresses); the namespaces have no link to the host's own network, so no
 * packet leaves them. Every namespace name starts with `dmlsnt<pid>-`, so
 * `removeStale` can delete those of earlier runs whose process is gone.
 */
import { execFileSync } from 'node:child_process'

export const NS_PREFIX = 'dmlsnt'

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Why namespaces cannot be made here, or undefined when they can. */
export function cannotBuild(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'network namespaces need root (run the test as root, as CI does)'
  try {
    sh('ip', ['-V'])
  } catch {
    return "the 'ip' command (iproute2) is missing"
  }
  return undefined
}

/** Install nftables from Debian's packages when `nft` is missing. */
export function ensureNft(): void {
  try {
    sh('nft', ['--version'])
    return
  } catch {
    // install below
  }
  try {
    execFileSync('apt-get', ['install', '-y', 'nftables'], { stdio: 'ignore', timeout: 180_000 })
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 180_000 })
    execFileSync('apt-get', ['install', '-y', 'nftables'], { stdio: 'ignore', timeout: 180_000 })
  }
  sh('nft', ['--version'])
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Kill every process inside `ns` and delete it (best effort). */
function deleteNs(ns: string): void {
  try {
    for (const pid of sh('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // gone already
      }
    }
  } catch {
    // no such namespace
  }
  try {
    sh('ip', ['netns', 'del', ns])
  } catch {
    // already gone
  }
}

/** Delete the namespaces of earlier runs of this test whose process is gone (a crash left them). */
export function removeStale(): string[] {
  const removed: string[] = []
  for (const line of sh('ip', ['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? ''
    const m = new RegExp(`^${NS_PREFIX}(\\d+)-`).exec(name)
    if (m === null) continue
    const pid = Number(m[1])
    if (pid === process.pid || pidAlive(pid)) continue
    deleteNs(name)
    removed.push(name)
  }
  return removed
}

export interface Home {
  router: string
  /** Host namespaces on the home LAN, and their addresses. */
  hosts: { ns: string; ip: string }[]
  /** The router's public address. */
  wanIp: string
}

export class Topology {
  readonly prefix = `${NS_PREFIX}${process.pid}-`
  readonly namespaces: string[] = []
  readonly pub: string
  readonly pubIp = '7.7.7.1'
  readonly homes = new Map<string, Home>()
  #veth = 0

  constructor() {
    this.pub = this.#addNs('pub')
    this.#in(this.pub, 'ip', ['link', 'add', 'br0', 'type', 'bridge'])
    this.#in(this.pub, 'ip', ['addr', 'add', `${this.pubIp}/24`, 'dev', 'br0'])
    this.#in(this.pub, 'ip', ['link', 'set', 'br0', 'up'])
  }

  /** Run a command inside `ns`. */
  exec(ns: string, cmd: string, args: string[]): string {
    return this.#in(ns, cmd, args)
  }

  #in(ns: string, cmd: string, args: string[]): string {
    return sh('ip', ['netns', 'exec', ns, cmd, ...args])
  }

  #addNs(name: string): string {
    const ns = `${this.prefix}${name}`
    sh('ip', ['netns', 'add', ns])
    this.namespaces.push(ns)
    this.#in(ns, 'ip', ['link', 'set', 'lo', 'up'])
    return ns
  }

  /** A veth pair: `aName` in `aNs`, `bName` in `bNs` (made in the root namespace under unique names, then moved). */
  #pair(aNs: string, aName: string, bNs: string, bName: string): void {
    const tag = `dn${process.pid % 100000}x${this.#veth++}`
    sh('ip', ['link', 'add', `${tag}a`, 'type', 'veth', 'peer', 'name', `${tag}b`])
    sh('ip', ['link', 'set', `${tag}a`, 'netns', aNs])
    sh('ip', ['link', 'set', `${tag}b`, 'netns', bNs])
    this.#in(aNs, 'ip', ['link', 'set', `${tag}a`, 'name', aName])
    this.#in(bNs, 'ip', ['link', 'set', `${tag}b`, 'name', bName])
  }

  /**
   * A home behind a masquerading router, with `hosts` hosts on its LAN
   * (the `index`th home gets 192.168.index.0/24 and 7.7.7.(10+index)).
   */
  addHome(name: string, index: number, hosts: number): Home {
    const router = this.#addNs(`r${name}`)
    const wanIp = `7.7.7.${10 + index}`
    this.#pair(this.pub, `p${name}`, router, 'wan')
    this.#in(this.pub, 'ip', ['link', 'set', `p${name}`, 'master', 'br0'])
    this.#in(this.pub, 'ip', ['link', 'set', `p${name}`, 'up'])
    this.#in(router, 'ip', ['addr', 'add', `${wanIp}/24`, 'dev', 'wan'])
    this.#in(router, 'ip', ['link', 'set', 'wan', 'up'])
    this.#in(router, 'ip', ['link', 'add', 'lan', 'type', 'bridge'])
    this.#in(router, 'ip', ['addr', 'add', `192.168.${index}.1/24`, 'dev', 'lan'])
    this.#in(router, 'ip', ['link', 'set', 'lan', 'up'])
    this.#in(router, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1'])
    this.#in(router, 'nft', [
      `add table ip nat; add chain ip nat post { type nat hook postrouting priority 100 ; } ; add rule ip nat post oifname "wan" masquerade`,
    ])
    const home: Home = { router, hosts: [], wanIp }
    for (let k = 0; k < hosts; k++) {
      const ns = this.#addNs(`h${name}${k}`)
      const ip = `192.168.${index}.${2 + k}`
      this.#pair(router, `l${k}`, ns, 'eth0')
      this.#in(router, 'ip', ['link', 'set', `l${k}`, 'master', 'lan'])
      this.#in(router, 'ip', ['link', 'set', `l${k}`, 'up'])
      this.#in(ns, 'ip', ['addr', 'add', `${ip}/24`, 'dev', 'eth0'])
      this.#in(ns, 'ip', ['link', 'set', 'eth0', 'up'])
      this.#in(ns, 'ip', ['route', 'add', 'default', 'via', `192.168.${index}.1`])
      home.hosts.push({ ns, ip })
    }
    this.homes.set(name, home)
    return home
  }

  /** Forward TCP `port` on home `name`'s public address to `toIp:port` (a port forward on its router). */
  portForward(name: string, port: number, toIp: string): void {
    const home = this.homes.get(name)
    if (home === undefined) throw new Error(`no home ${name}`)
    this.exec(home.router, 'nft', [
      `add chain ip nat pre { type nat hook prerouting priority -100 ; } ; add rule ip nat pre iifname "wan" tcp dport ${port} dnat to ${toIp}:${port}`,
    ])
  }

  /** Kill every process in our namespaces and delete them (idempotent). */
  destroy(): void {
    for (const ns of this.namespaces.splice(0).reverse()) deleteNs(ns)
  }
}
