// Benchmark of @demls/mls: our wrapper (crypto 'auto' = node:crypto backend)
// vs raw ts-mls on the same provider (wrapper overhead) vs raw ts-mls on its
// default provider, next to the crypto floor measured in the same run.
// Run: `pnpm bench` (or `npx tsx bench/run.ts`) in packages/mls after a
// build (`#crypto-backend` resolves to dist/ at run time).
// Writes docs/bench/demls-mls.json.
//
// Group of N = creator + (N-1) members added by ONE commit. Every flavour
// runs the same protocol: one proposal message per add (authored by the
// committer) + a commit by reference with the ratchet tree in the Welcome.
import { createCipheriv, createDecipheriv, generateKeyPairSync, sign, verify } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { type Comparison, type Measurement, compare, measure, measureInterleaved, summarise, writeReport } from '@demls-dev/bench-kit'
import {
  type CiphersuiteImpl,
  type ClientState,
  type CryptoProvider,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type PrivateMessage,
  createApplicationMessage,
  createCommit,
  createGroup,
  createProposal,
  decodeMlsMessage,
  defaultCapabilities,
  defaultCryptoProvider,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
} from '#ts-mls'
import { defaultClientConfig } from '#ts-mls/clientConfig.js'
import { ED25519_SPKI_PREFIX } from '../src/crypto/backend.js'
import { nodeCryptoBackend } from '../src/crypto/node-backend.js'
import { loadLibsodiumVerify } from '../src/crypto/node-libsodium.js'
import { cryptoProviderFromBackend } from '../src/crypto/provider.js'
import { membersOf, walkMembers } from '../src/group/members.js'
import { type MlsClient, type MlsService, createMlsClient } from '../src/index.js'

const SIZES = (process.env.BENCH_SIZES ?? '10,100,500').split(',').map(Number)
const SUITE = getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519')
const PAYLOAD = 256
const measurements: Measurement[] = []
const comparisons: Comparison[] = []
const notes: string[] = []
const push = (m: Measurement) => {
  measurements.push(m)
  return m
}
/**
 * Run the flavours' samples interleaved (A B C A B C …) so that JIT warm-up,
 * GC and machine drift hit every flavour alike; returns one measurement each.
 */
async function duel(
  entries: { name: string; fn: (i: number) => Promise<unknown>; samples?: number }[],
  samples: number,
  params: Record<string, number>,
  warmup = 0,
): Promise<Measurement[]> {
  for (let w = 0; w < warmup; w++) for (const e of entries) await e.fn(-1 - w)
  const times = entries.map(() => [] as number[])
  for (let i = 0; i < samples; i++) {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[(k + i) % entries.length]!
      if (i >= (e.samples ?? samples)) continue
      const t0 = performance.now()
      await e.fn(i)
      times[(k + i) % entries.length]!.push(performance.now() - t0)
    }
  }
  return entries.map((e, k) => push(summarise(e.name, times[k]!, params)))
}

const rid = () => crypto.getRandomValues(new Uint8Array(20))
const payload = crypto.getRandomValues(new Uint8Array(PAYLOAD))
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

interface Flavour {
  label: string
  impl: CiphersuiteImpl
}
const implOf = (p: CryptoProvider) => getCiphersuiteImpl(SUITE, p)
const FAST: Flavour = { label: 'raw ts-mls (same node:crypto provider)', impl: await implOf(cryptoProviderFromBackend(nodeCryptoBackend())) }
const DEF: Flavour = { label: 'raw ts-mls (default provider)', impl: await implOf(defaultCryptoProvider) }
const OURS = 'demls'

// ---------------------------------------------------------------- crypto floor
// One application message, sent and received, needs at least: one Ed25519
// signature (sender), one verification (receiver), and AES-128-GCM twice on
// each side (the content and the sender data). That is the floor: node:crypto
// with keys already imported as KeyObjects, and the verification on the
// fastest verifier this process has (libsodium when sodium-native loads, as
// the node backend uses; else OpenSSL). (The ~10 HKDF/HMAC derivations of the
// secret-tree ratchet and sender-data key are NOT counted: pure overhead to us.)
const { privateKey: edSk, publicKey: edPk } = generateKeyPairSync('ed25519')
const edPkRaw = new Uint8Array(edPk.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length))
const fastVerify = loadLibsodiumVerify()
const VERIFIER = fastVerify === undefined ? 'OpenSSL' : 'libsodium'
const verifyFloor = (m: Uint8Array, s: Uint8Array): boolean => (fastVerify === undefined ? verify(null, m, edPk, s) : fastVerify(edPkRaw, m, s))
const aesKey = crypto.getRandomValues(new Uint8Array(16))
const nonce = crypto.getRandomValues(new Uint8Array(12))
const tbs = crypto.getRandomValues(new Uint8Array(PAYLOAD + 80))
function gcm(pt: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-gcm', aesKey, nonce)
  const ct = Buffer.concat([c.update(pt), c.final(), c.getAuthTag()])
  const d = createDecipheriv('aes-128-gcm', aesKey, nonce)
  d.setAuthTag(ct.subarray(ct.length - 16))
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()])
}
const FLOOR_NAME = `crypto floor: 1 app message (Ed25519 sign + verify on ${VERIFIER}, 4× AES-128-GCM, node:crypto)`
function floorOnce(): void {
  const sig = sign(null, tbs, edSk)
  if (!verifyFloor(tbs, sig)) throw new Error('verify')
  gcm(payload)
  gcm(new Uint8Array(12))
}
// Measured here once for the notes; each group size measures it again,
// interleaved with its own application messages (the ratio's baseline), as
// a single measurement at start-up varied 0.16-0.24 ms between runs.
const floorRoundTrip = push(await measure(FLOOR_NAME, floorOnce, { minTimeMs: 300 }))
push(await measure('crypto floor: Ed25519 sign (node:crypto)', () => sign(null, tbs, edSk), { minTimeMs: 200 }))
const edSig = sign(null, tbs, edSk)
const [verifyOpenssl, verifySodium] = measureInterleaved(
  [
    { name: 'Ed25519 verify · OpenSSL (node:crypto)', batch: 20, fn: () => verify(null, tbs, edPk, edSig) },
    ...(fastVerify === undefined ? [] : [{ name: 'Ed25519 verify · libsodium (sodium-native)', batch: 20, fn: () => fastVerify(edPkRaw, tbs, edSig) }]),
  ],
  { minTimeMs: 1000 },
) as [Measurement, Measurement | undefined]
push(verifyOpenssl)
if (verifySodium !== undefined) {
  push(verifySodium)
  comparisons.push(compare('Ed25519 verify: OpenSSL vs libsodium', verifyOpenssl, verifySodium))
}
push(await measure('crypto floor: AES-128-GCM seal+open 256 B (node:crypto)', () => gcm(payload), { minTimeMs: 200 }))

// ---------------------------------------------------------------- key packages
const kpClient = await createMlsClient({ memberId: rid() })
const sigFast = await FAST.impl.signature.keygen()
const cred = () => ({ credentialType: 'basic' as const, identity: rid() })
const [kpOurs, kpFast, kpDef] = (await duel(
  [
    { name: 'key package generate · demls', fn: () => kpClient.generateKeyPackage() },
    {
      name: `key package generate · ${FAST.label}`,
      fn: async () => {
        const kp = await generateKeyPackageWithKey(cred(), defaultCapabilities(), defaultLifetime, [], sigFast, FAST.impl)
        encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: kp.publicPackage })
      },
    },
    {
      name: `key package generate · ${DEF.label}`,
      fn: () => generateKeyPackage(cred(), defaultCapabilities(), defaultLifetime, [], DEF.impl),
    },
  ],
  400,
  {},
  20,
)) as [Measurement, Measurement, Measurement]
comparisons.push(compare('key package: demls vs raw ts-mls, same provider', kpOurs, kpFast, 1.1))
comparisons.push(compare('key package: demls vs raw ts-mls default provider', kpOurs, kpDef))
const nodeBackend = nodeCryptoBackend()
notes.push(`crypto floor per app message = ${floorRoundTrip.meanMs.toFixed(3)} ms (${floorRoundTrip.opsPerSec.toFixed(0)}/s); Ed25519 verification on ${VERIFIER} (the node backend: ${nodeBackend.ed25519}; DEMLS_ED25519_BACKEND=openssl forces OpenSSL); SHA-256 and HMAC of the node backend on ${nodeBackend.hash} (DEMLS_HASH_BACKEND=openssl forces OpenSSL); HPKE's X25519 of the node backend on ${nodeBackend.x25519?.name ?? '@hpke/core'} (DEMLS_X25519_BACKEND=openssl forces OpenSSL; the default provider and the web backend keep @hpke/core); each group size also measures the floor interleaved with its application messages, and its ratio uses that measurement`)

// ---------------------------------------------------------------- per group size
type Raw = { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage }
const config = { ...defaultClientConfig, lifetimeConfig: { ...defaultClientConfig.lifetimeConfig } }

async function rawKp(impl: CiphersuiteImpl): Promise<Raw> {
  return generateKeyPackage(cred(), defaultCapabilities(), { notBefore: 0n, notAfter: 2n ** 62n }, [], impl)
}

/** Raw ts-mls doing our operation: key-package bytes in, proposal/commit/Welcome bytes out. */
async function rawCommitAdd(base: ClientState, kpBytes: Uint8Array[], impl: CiphersuiteImpl, tree = true) {
  let s = base
  const proposalBytes: Uint8Array[] = []
  for (const bytes of kpBytes) {
    const m = decodeMlsMessage(bytes, 0)![0]
    if (m.wireformat !== 'mls_key_package') throw new Error('kp')
    const r = await createProposal(s, false, { proposalType: 'add', add: { keyPackage: m.keyPackage } }, impl)
    s = r.newState
    proposalBytes.push(encodeMlsMessage(r.message))
  }
  const c = await createCommit({ state: s, cipherSuite: impl }, { ratchetTreeExtension: tree })
  const welcomeBytes = encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: c.welcome! })
  return { ...c, proposalBytes, welcomeBytes, commitBytes: encodeMlsMessage(c.commit) }
}

function pm(m: MLSMessage) {
  if (m.wireformat !== 'mls_private_message') throw new Error('expected private message')
  return m.privateMessage
}

for (const N of SIZES) {
  const heavy = N >= 500
  const joinSamples = N >= 100 ? 3 : 2
  console.error(`[mls bench] N=${N}: preparing`)

  // Members added by one commit: our clients, raw fast packages, raw default packages, filler.
  const oursJoiners: MlsClient[] = await Promise.all(Array.from({ length: joinSamples + 1 }, () => createMlsClient({ memberId: rid() })))
  const fastJoiners = await Promise.all(Array.from({ length: joinSamples + 1 }, () => rawKp(FAST.impl)))
  const defJoiners = await Promise.all(Array.from({ length: joinSamples + 1 }, () => rawKp(DEF.impl)))
  const fillerCount = N - 1 - oursJoiners.length - fastJoiners.length - defJoiners.length
  if (fillerCount < 0) throw new Error(`N=${N} too small`)
  const filler: Raw[] = []
  for (let i = 0; i < fillerCount; i++) filler.push(await rawKp(FAST.impl))
  // Interleave the flavours' joiners (ours, fast, default, ours, …) so that
  // the i-th joiner of every flavour sits at a comparable tree position: the
  // cost of processing an update path depends on where the leaf is.
  const kpMsg = (k: Raw) => encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: k.publicPackage })
  const interleave = async (oc: MlsClient[], fk: Raw[], dk: Raw[]) => {
    const out: Uint8Array[] = []
    for (let i = 0; i < oc.length; i++) out.push(await oc[i]!.generateKeyPackage(), kpMsg(fk[i]!), kpMsg(dk[i]!))
    return [...out, ...filler.map(kpMsg)]
  }
  const allKpBytes = await interleave(oursJoiners, fastJoiners, defJoiners)
  const inputs = allKpBytes.map((keyPackage) => ({ action: 'add' as const, keyPackage }))

  // ---- commit adding N-1
  const creatorClient = await createMlsClient({ memberId: rid() })
  const creator = await creatorClient.createGroup(`bench-${N}`)
  const otherCreator = await (await createMlsClient({ memberId: rid() })).createGroup(`bench-extra-${N}`)
  const rawCreatorKp = await rawKp(FAST.impl)
  const rawCreatorFast = await createGroup(new TextEncoder().encode(`raw-${N}`), rawCreatorKp.publicPackage, rawCreatorKp.privatePackage, [], FAST.impl, config)
  const defCreatorKp = await rawKp(DEF.impl)
  const rawCreatorDef = await createGroup(new TextEncoder().encode(`def-${N}`), defCreatorKp.publicPackage, defCreatorKp.privatePackage, [], DEF.impl, config)
  console.error(`[mls bench] N=${N}: commit`)
  const commitName = `commit adding ${N - 1} (group of ${N})`
  const [commitOurs, commitFast, commitDef] = await duel(
    [
      {
        name: `${commitName} · ${OURS}`,
        fn: async () => {
          await creator.createCommitCandidate(inputs)
          await creator.discardOwnCommit()
        },
      },
      { name: `${commitName} · ${FAST.label}`, fn: () => rawCommitAdd(rawCreatorFast, allKpBytes, FAST.impl) },
      { name: `${commitName} · ${DEF.label}`, fn: () => rawCommitAdd(rawCreatorDef, allKpBytes, DEF.impl), samples: heavy ? 1 : N >= 100 ? 2 : 5 },
    ],
    heavy ? 4 : N >= 100 ? 8 : 30,
    { N },
    heavy ? 0 : 1,
  )
  // Medians: a commit allocates enough that a GC pause lands in one of the
  // paired samples now and then, which moved the mean ratio by ±0.2.
  comparisons.push(compare(`commit add N=${N}: demls vs raw ts-mls, same provider (medians)`, commitOurs!, commitFast!, 1.1, { stat: 'median' }))
  comparisons.push(compare(`commit add N=${N}: demls vs raw ts-mls default provider`, commitOurs!, commitDef!))

  // The real group: our creator commits, everyone joins from one Welcome.
  const cand = await creator.createCommitCandidate(inputs)
  await creator.mergeOwnCommit()
  const welcomeBytes = cand.welcome!
  const noTree = await rawCommitAdd(rawCreatorFast, allKpBytes, FAST.impl, false)
  const noTreeWelcome = noTree.welcomeBytes
  const proposalsSize = cand.proposals.reduce((sum, p) => sum + p.length, 0)
  notes.push(
    `N=${N} sizes: Welcome with ratchet tree ${kb(welcomeBytes.length)} (without tree ${kb(noTreeWelcome.length)}); ` +
      `commit ${kb(cand.commit.length)} + ${N - 1} add proposals ${kb(proposalsSize)} (avg ${(proposalsSize / (N - 1)).toFixed(0)} B); ` +
      `exported creator state ${kb(creator.exportState().length)}`,
  )

  // ---- branch point: what the session keeps before every merge to roll a
  // fork back (issue 18), an in-memory snapshot vs the serialised state it
  // kept before; and what a fork switch pays to get a group back from it.
  console.error(`[mls bench] N=${N}: branch point`)
  const bpName = `branch point capture (group of ${N})`
  const [bpSnapshot, bpExport] = measureInterleaved(
    [
      { name: `${bpName} · snapshot()`, batch: 50, fn: () => creator.snapshot() },
      { name: `${bpName} · exportState()`, batch: 1, fn: () => creator.exportState() },
    ],
    { minTimeMs: heavy ? 2000 : 1000, minSamples: heavy ? 10 : 20 },
  )
  measurements.push(bpSnapshot!, bpExport!)
  // Subject the serialisation, so that the ratio reads "times the snapshot's cost" (it rounds to 0.00× the other way).
  comparisons.push(compare(`branch point N=${N}: exportState vs snapshot`, bpExport!, bpSnapshot!))
  const bpRestoreName = `branch point capture + restore (group of ${N})`
  const [bpRestored, bpImported] = await duel(
    [
      { name: `${bpRestoreName} · snapshot() + restoreGroup()`, fn: () => creatorClient.restoreGroup(creator.snapshot()) },
      { name: `${bpRestoreName} · exportState() + importGroup()`, fn: () => creatorClient.importGroup(creator.exportState()) },
    ],
    heavy ? 5 : N >= 100 ? 10 : 40,
    { N },
    1,
  )
  comparisons.push(compare(`branch point N=${N}: export + import vs snapshot + restore`, bpImported!, bpRestored!))

  // ---- members(): cached per ratchet tree (src/group/members.ts) vs the
  // tree walk it replaced (walk + copy on every call), same state.
  const grown = noTree.newState
  const [membersCached, membersWalk] = measureInterleaved(
    [
      { name: `members() (group of ${N}) · cached per tree`, batch: 20, fn: () => membersOf(grown) },
      { name: `members() (group of ${N}) · tree walk on every call`, batch: 20, fn: () => walkMembers(grown.ratchetTree).map((id) => id.slice()) },
    ],
    { minTimeMs: 1000 },
  )
  measurements.push(membersCached!, membersWalk!)
  comparisons.push(compare(`members() N=${N}: cached vs tree walk on every call`, membersCached!, membersWalk!))

  // ---- Welcome processing. Each sample is a different joiner; for small N
  // extra rounds (fresh joiners, a candidate built then discarded — its
  // Welcome is still valid) give more samples. The last round is the real group.
  console.error(`[mls bench] N=${N}: join`)
  const joinName = `Welcome processing (join, group of ${N})`
  const joinTimes: [number[], number[], number[]] = [[], [], []]
  const joinRound = async (wBytes: Uint8Array, oc: MlsClient[], fk: Raw[], dk: Raw[]) => {
    const groups: MlsService[] = []
    const fsOut: ClientState[] = []
    const dsOut: ClientState[] = []
    const join = (j: Raw, impl: CiphersuiteImpl) => {
      const w = decodeMlsMessage(wBytes, 0)![0]
      if (w.wireformat !== 'mls_welcome') throw new Error('welcome')
      return joinGroup(w.welcome, j.publicPackage, j.privatePackage, emptyPskIndex, impl, undefined, undefined, config)
    }
    const fns = [
      async (i: number) => groups.push((await oc[i]!.joinFromWelcome(wBytes))!),
      async (i: number) => fsOut.push(await join(fk[i]!, FAST.impl)),
      async (i: number) => dsOut.push(await join(dk[i]!, DEF.impl)),
    ]
    for (let i = 0; i < oc.length; i++) {
      for (let k = 0; k < 3; k++) {
        const f = (k + i) % 3
        const t0 = performance.now()
        await fns[f]!(i)
        joinTimes[f]!.push(performance.now() - t0)
      }
    }
    return { groups, fsOut, dsOut }
  }
  // 24 rounds at N=10 (75 joins a flavour): with 8 (27) one run in three put the median ratio at 1.18×.
  const extraRounds = N >= 500 ? 1 : N >= 100 ? 2 : 24
  for (let r = 0; r < extraRounds; r++) {
    const oc = await Promise.all(oursJoiners.map(() => createMlsClient({ memberId: rid() })))
    const fk = await Promise.all(fastJoiners.map(() => rawKp(FAST.impl)))
    const dk = await Promise.all(defJoiners.map(() => rawKp(DEF.impl)))
    const kpBytes = await interleave(oc, fk, dk)
    const other = await otherCreator.createCommitCandidate(kpBytes.map((keyPackage) => ({ action: 'add' as const, keyPackage })))
    await otherCreator.discardOwnCommit()
    await joinRound(other.welcome!, oc, fk, dk)
  }
  const real = await joinRound(welcomeBytes, oursJoiners, fastJoiners, defJoiners)
  const oursGroups = real.groups
  const fastStates = real.fsOut
  const defStates = real.dsOut
  const [joinOurs, joinFast, joinDef] = [OURS, FAST.label, DEF.label].map((l, k) =>
    push(summarise(`${joinName} · ${l}`, joinTimes[k]!, { N })),
  )
  comparisons.push(compare(`join N=${N}: demls vs raw ts-mls, same provider (medians)`, joinOurs!, joinFast!, 1.1, { stat: 'median' }))
  comparisons.push(compare(`join N=${N}: demls vs raw ts-mls default provider`, joinOurs!, joinDef!))

  // ---- commit processing by a member (a removal: 1 proposal + commit with path)
  console.error(`[mls bench] N=${N}: process commit`)
  const removal = await creator.createCommitCandidate([{ action: 'remove', memberId: creator.members()[N - 1]! }])
  const member = oursGroups[1]!
  const rawProcess = async (state: ClientState, impl: CiphersuiteImpl) => {
    let st = state
    for (const p of removal.proposals) st = (await processPrivateMessage(st, pm(decodeMlsMessage(p, 0)![0]), emptyPskIndex, impl)).newState
    return processPrivateMessage(st, pm(decodeMlsMessage(removal.commit, 0)![0]), emptyPskIndex, impl)
  }
  const stageName = `commit processing by a member (remove 1, group of ${N})`
  const [stageOurs, stageFast, stageDef] = await duel(
    [
      {
        name: `${stageName} · ${OURS}`,
        fn: async () => {
          const r = await member.stageRemoteCommit(removal)
          if (r.status !== 'staged') throw new Error(r.error.message)
          await member.discardStagedCommit()
        },
      },
      { name: `${stageName} · ${FAST.label}`, fn: () => rawProcess(fastStates[1]!, FAST.impl) },
      { name: `${stageName} · ${DEF.label}`, fn: () => rawProcess(defStates[1]!, DEF.impl), samples: heavy ? 3 : 10 },
    ],
    // Enough samples that the ±10 % spread of a mean of a few dozen (a collection landing in one sample) no longer decides
    // a ≤ 1.1× verdict: with 60 at N=10 three runs gave 1.10×, 0.92× and 1.12×, with 600 two gave 1.02× and 1.01×.
    heavy ? 6 : N >= 100 ? 60 : 600,
    { N },
    2,
  )
  comparisons.push(compare(`process commit N=${N}: demls vs raw ts-mls, same provider`, stageOurs!, stageFast!, 1.1))
  comparisons.push(compare(`process commit N=${N}: demls vs raw ts-mls default provider`, stageOurs!, stageDef!))
  await creator.discardOwnCommit()

  // ---- application messages (256 B) between two members, interleaved per message
  console.error(`[mls bench] N=${N}: app messages`)
  // 5,000 messages a flavour: with 1,000 three runs at N=10 gave 1.03×, 1.11× and 1.08×, with 5,000 two gave 1.02× and 1.02×.
  const M = heavy ? 600 : 5000
  const MDEF = heavy ? 100 : 200
  const [sender, receiver] = [oursGroups[0]!, oursGroups[2]!]
  const cOurs: Uint8Array[] = []
  const cFast: Uint8Array[] = []
  const cDef: Uint8Array[] = []
  const wrap = (privateMessage: PrivateMessage) =>
    encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage })
  /** Raw ts-mls on `impl`: `send` from state `s` (message bytes out), `receive` at state `r`; both states advance. */
  const rawPair = (s: ClientState, r: ClientState, impl: CiphersuiteImpl) => ({
    async send(): Promise<Uint8Array> {
      const o = await createApplicationMessage(s, payload, impl)
      s = o.newState
      return wrap(o.privateMessage)
    },
    async receive(bytes: Uint8Array): Promise<void> {
      r = (await processPrivateMessage(r, pm(decodeMlsMessage(bytes, 0)![0]), emptyPskIndex, impl)).newState
    },
  })
  const fast = rawPair(fastStates[0]!, fastStates[2]!, FAST.impl)
  const def = rawPair(defStates[0]!, defStates[2]!, DEF.impl)
  // Warm-up, untimed: N=10 is the first group size to run the send and
  // receive paths, and their first few hundred calls run before the JIT has
  // compiled them; every flavour gets the same warm-up.
  for (let w = 0; w < (heavy ? 100 : 300); w++) {
    await receiver.decrypt(await sender.encrypt(payload))
    await fast.receive(await fast.send())
    if (w < 30) await def.receive(await def.send())
  }
  const encName = `app message encrypt 256 B (group of ${N})`
  const decName = `app message decrypt 256 B (group of ${N})`
  const [encOurs, encFast, floorAtN, encDef] = await duel(
    [
      { name: `${encName} · ${OURS}`, fn: async () => cOurs.push(await sender.encrypt(payload)) },
      { name: `${encName} · ${FAST.label}`, fn: async () => cFast.push(await fast.send()) },
      { name: `${FLOOR_NAME} · interleaved with the group of ${N}`, fn: async () => floorOnce() },
      { name: `${encName} · ${DEF.label}`, samples: MDEF, fn: async () => cDef.push(await def.send()) },
    ],
    M,
    { N },
  )
  const [decOurs, decFast, decDef] = await duel(
    [
      { name: `${decName} · ${OURS}`, fn: (i) => receiver.decrypt(cOurs[i]!) },
      { name: `${decName} · ${FAST.label}`, fn: (i) => fast.receive(cFast[i]!) },
      { name: `${decName} · ${DEF.label}`, samples: MDEF, fn: (i) => def.receive(cDef[i]!) },
    ],
    M,
    { N },
  )
  const round = (e: Measurement, d: Measurement, name: string): Measurement =>
    push({ ...summarise(name, [e.meanMs + d.meanMs], { N }), samples: e.samples })
  const rtOurs = round(encOurs!, decOurs!, `app message encrypt+decrypt (group of ${N}) · ${OURS}`)
  const rtFast = round(encFast!, decFast!, `app message encrypt+decrypt (group of ${N}) · ${FAST.label}`)
  const rtDef = round(encDef!, decDef!, `app message encrypt+decrypt (group of ${N}) · ${DEF.label}`)
  comparisons.push(compare(`app message N=${N}: demls vs crypto floor`, rtOurs, floorAtN!, 3))
  comparisons.push(compare(`app message N=${N}: demls vs raw ts-mls, same provider`, rtOurs, rtFast, 1.1))
  comparisons.push(compare(`app message N=${N}: demls vs raw ts-mls default provider`, rtOurs, rtDef))
  comparisons.push(compare(`app message N=${N}: raw ts-mls default provider vs crypto floor`, rtDef, floorAtN!))
  notes.push(
    `N=${N} app messages/s: demls encrypt ${encOurs!.opsPerSec.toFixed(0)}, decrypt ${decOurs!.opsPerSec.toFixed(0)}; ` +
      `default provider encrypt ${encDef!.opsPerSec.toFixed(0)}, decrypt ${decDef!.opsPerSec.toFixed(0)}; ` +
      `256 B message = ${cOurs[0]!.length} B on the wire`,
  )
}

notes.push(
  'Wrapper-overhead targets (≤ 1.1×) compare demls with raw ts-mls on the same node:crypto provider doing the same protocol; ' +
    'N=500 joins and commits rest on 2–4 samples, so the ±10 % run-to-run noise of this shared 2-core VM can flip a ≤ 1.1× verdict. ' +
    'Crypto floor per app message = one Ed25519 sign + one verify + AES-128-GCM seal and open of the content and of the sender data (node:crypto, pre-imported keys); ' +
    'the ~10 HKDF/HMAC ratchet derivations are deliberately not counted as floor.',
)
const file = writeReport({ package: '@demls/mls', title: 'MLS layer (ts-mls 1.6.4 wrapper)', measurements, comparisons, notes })
for (const n of notes) console.log(n)
console.log(`wrote ${file}`)
