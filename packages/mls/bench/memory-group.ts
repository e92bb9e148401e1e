// One group size of the memory bench (`bench/memory.ts` runs this file in
// a child process per N, with `--expose-gc` and a large heap). Prints one
// JSON line (`MemoryResult`) on stdout.
//
// The creator (an @demls/mls client) adds N-1 members in batches of up to
// BATCH, one commit per batch. Members are key packages only (raw ts-mls on
// our node:crypto provider), except the last two of the last batch: real
// @demls/mls clients that join from the Welcome and then process the
// commits the creator makes at N (one add, one remove, `ROUNDS` times).
import { performance } from 'node:perf_hooks'
import { defaultCapabilities, encodeMlsMessage, generateKeyPackage, getCiphersuiteFromName, getCiphersuiteImpl } from '#ts-mls'
import { nodeCryptoBackend } from '../src/crypto/node-backend.js'
import { cryptoProviderFromBackend } from '../src/crypto/provider.js'
import { type MlsClient, type MlsService, createMlsClient } from '../src/index.js'

const N = Number(process.argv[2])
const BATCH = Number(process.env.MEMORY_BATCH ?? 1000)
const ROUNDS = Number(process.env.MEMORY_ROUNDS ?? (N >= 5000 ? 2 : 3))
const impl = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), cryptoProviderFromBackend(nodeCryptoBackend()))
const rid = () => crypto.getRandomValues(new Uint8Array(20))
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

/** A filler member: an encoded key package whose private half is dropped. */
async function fillerKeyPackage(): Promise<Uint8Array> {
  const kp = await generateKeyPackage({ credentialType: 'basic', identity: rid() }, defaultCapabilities(), { notBefore: 0n, notAfter: 2n ** 62n }, [], impl)
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: kp.publicPackage })
}

/** CPU (user + system, all threads of the process) and wall time of `fn`, in ms. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; cpuMs: number; wallMs: number }> {
  const c0 = process.cpuUsage()
  const w0 = performance.now()
  const value = await fn()
  const c = process.cpuUsage(c0)
  return { value, cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - w0 }
}

function memory(): { heapUsedMB: number; rssMB: number; externalMB: number } {
  gc!()
  gc!()
  const m = process.memoryUsage()
  const mb = (b: number) => b / 2 ** 20
  return { heapUsedMB: mb(m.heapUsed), rssMB: mb(m.rss), externalMB: mb(m.external) }
}

/** One member's processing of a commit: stage + merge. */
async function processCommit(member: MlsService, c: { proposals: Uint8Array[]; commit: Uint8Array }) {
  return timed(async () => {
    const r = await member.stageRemoteCommit(c)
    if (r.status !== 'staged') throw new Error(`member refused the commit: ${r.reason}`)
    await member.mergeStagedCommit()
  })
}

const baseline = memory()
const creatorClient = await createMlsClient({ memberId: rid() })
const creator = await creatorClient.createGroup(`memory-${N}`)
const realClients: MlsClient[] = [await createMlsClient({ memberId: rid() }), await createMlsClient({ memberId: rid() })]

// ---- formation: batches of adds, the two real members in the last batch
const formation = { cpuMs: 0, wallMs: 0, commits: 0, keyPackageCpuMs: 0 }
let members: MlsService[] = []
let lastWelcome = 0
let lastJoinCpuMs = 0
for (let size = 1; size < N; ) {
  const count = Math.min(BATCH, N - size)
  const last = size + count === N
  const kps = await timed(async () => {
    const out: Uint8Array[] = []
    for (let i = 0; i < count - (last ? 2 : 0); i++) out.push(await fillerKeyPackage())
    if (last) for (const c of realClients) out.push(await c.generateKeyPackage())
    return out
  })
  formation.keyPackageCpuMs += kps.cpuMs
  const commit = await timed(async () => {
    const cand = await creator.createCommitCandidate(kps.value.map((keyPackage) => ({ action: 'add' as const, keyPackage })))
    await creator.mergeOwnCommit()
    return cand
  })
  formation.cpuMs += commit.cpuMs
  formation.wallMs += commit.wallMs
  formation.commits++
  size += count
  console.error(`[memory N=${N}] ${size} members, batch commit ${commit.cpuMs.toFixed(0)} ms CPU`)
  if (last) {
    lastWelcome = commit.value.welcome!.length
    for (const c of realClients) {
      const j = await timed(() => c.joinFromWelcome(commit.value.welcome!))
      if (j.value === undefined) throw new Error('the Welcome was not for a real member')
      members.push(j.value)
      lastJoinCpuMs = j.cpuMs
    }
  }
}
if (creator.members().length !== N) throw new Error(`group has ${creator.members().length} members, expected ${N}`)
const formed = memory()
const creatorState = creator.exportState().length
const memberState = members[0]!.exportState().length

// ---- one add and one remove at N, ROUNDS times (the joiner is removed again)
const rounds: Record<string, number>[] = []
for (let r = 0; r < ROUNDS; r++) {
  const joinerClient = await createMlsClient({ memberId: rid() })
  const kp = await joinerClient.generateKeyPackage()
  const add = await timed(async () => {
    const cand = await creator.createCommitCandidate([{ action: 'add', keyPackage: kp }])
    await creator.mergeOwnCommit()
    return cand
  })
  const addMember = []
  for (const m of members) addMember.push(await processCommit(m, add.value))
  const join = await timed(() => joinerClient.joinFromWelcome(add.value.welcome!))
  const remove = await timed(async () => {
    const cand = await creator.createCommitCandidate([{ action: 'remove', memberId: joinerClient.memberId }])
    await creator.mergeOwnCommit()
    return cand
  })
  const removeMember = []
  for (const m of members) removeMember.push(await processCommit(m, remove.value))
  const bytes = (c: { proposals: Uint8Array[]; commit: Uint8Array }) => c.commit.length + c.proposals.reduce((s, p) => s + p.length, 0)
  rounds.push({
    addCreatorCpuMs: add.cpuMs,
    addCreatorWallMs: add.wallMs,
    addMemberCpuMs: addMember[0]!.cpuMs,
    addMemberWallMs: addMember[0]!.wallMs,
    joinCpuMs: join.cpuMs,
    removeCreatorCpuMs: remove.cpuMs,
    removeCreatorWallMs: remove.wallMs,
    removeMemberCpuMs: removeMember[0]!.cpuMs,
    removeMemberWallMs: removeMember[0]!.wallMs,
    addWelcomeBytes: add.value.welcome!.length,
    addMessageBytes: bytes(add.value),
    removeMessageBytes: bytes(remove.value),
  })
  console.error(`[memory N=${N}] round ${r + 1}: add ${add.cpuMs.toFixed(0)} ms, remove ${remove.cpuMs.toFixed(0)} ms CPU (creator)`)
}

// The two members' share of the heap: measure, drop them, measure again.
const afterRounds = memory()
members = []
const creatorOnly = memory()
const result = {
  n: N,
  batch: BATCH,
  baseline,
  formed,
  afterRounds,
  creatorOnly,
  formation: { ...formation, lastBatchWelcomeBytes: lastWelcome, lastBatchJoinCpuMs: lastJoinCpuMs },
  exportedStateBytes: { creator: creatorState, member: memberState },
  rounds,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
}
console.log(JSON.stringify(result))
