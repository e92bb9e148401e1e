// The MLS costs of the scale bench at one group size N: a group of N built
// by one creator (adds in batches of up to 1,000; members are key packages
// except `SENDERS` vote senders and one receiver, real @demls/mls clients),
// then the receiver's cost of decrypting one vote message from each sender
// (the first message of that sender in the epoch, as a vote is: the median
// over every such message of the timed rounds, each timed on its own), and
// of authenticating, staging and merging an add and a remove commit.
import { summarise } from '@demls-dev/bench-kit'
import { type MlsClient, type MlsService, createMlsClient } from '@demls/mls'
import { cpuNow, cpuPerOp } from './scale-cpu.js'

/**
 * Real vote senders: each round times this many first-of-the-epoch
 * decryptions one by one (a handful made the mean swing threefold with one
 * collection of a heap holding N key packages).
 */
const SENDERS = 16
const rid = () => crypto.getRandomValues(new Uint8Array(20))

/** CPU ms per operation at one group size (see {@link mlsCostsAt}). */
export interface MlsCosts {
  /** Receiver decrypts one vote message (first message of its sender in the epoch): the median over every one timed. */
  decrypt: number
  /** A sender encrypts its vote message. */
  encrypt: number
  /** authenticateCommit of the steward's candidate (an add commit). */
  authenticate: number
  /** Receiver stages + merges an add commit (one add, no update path). */
  stageAdd: number
  /** Receiver stages + merges a remove commit (one remove, with an update path). */
  stageRemove: number
  /** The committer builds + merges the add commit. */
  commitAdd: number
  /** The committer builds + merges the remove commit. */
  commitRemove: number
  /** Bytes of one encrypted vote message. */
  voteCiphertextBytes: number
}

/** A group of `n`: the creator, the receiver (last) and the senders; the rest are key packages. */
async function groupOf(n: number): Promise<{ creator: MlsService; receiver: { client: MlsClient; group: MlsService }; senders: { client: MlsClient; group: MlsService }[] }> {
  const creator = await (await createMlsClient({ memberId: rid() })).createGroup(`scale-${n}`)
  const real = await Promise.all(Array.from({ length: SENDERS + 1 }, () => createMlsClient({ memberId: rid() })))
  const joined: MlsService[] = []
  for (let size = 1; size < n; ) {
    const count = Math.min(1000, n - size)
    const last = size + count === n
    const kps: Uint8Array[] = []
    for (let i = 0; i < count - (last ? real.length : 0); i++) kps.push(await (await createMlsClient({ memberId: rid() })).generateKeyPackage())
    if (last) for (const c of real) kps.push(await c.generateKeyPackage())
    const cand = await creator.createCommitCandidate(kps.map((keyPackage) => ({ action: 'add' as const, keyPackage })))
    await creator.mergeOwnCommit()
    if (last) for (const c of real) joined.push((await c.joinFromWelcome(cand.welcome!))!)
    size += count
  }
  const pairs = real.map((client, i) => ({ client, group: joined[i]! }))
  return { creator, receiver: pairs.at(-1)!, senders: pairs.slice(0, -1) }
}

/** Stage + merge `c` on `g`; CPU ms. */
async function stageAndMerge(g: MlsService, c: { proposals: Uint8Array[]; commit: Uint8Array }): Promise<number> {
  return cpuPerOp(1, async () => {
    const r = await g.stageRemoteCommit(c)
    if (r.status !== 'staged') throw new Error(`stage refused: ${r.reason}`)
    await g.mergeStagedCommit()
  })
}

/** Measure the MLS costs at `n` over `rounds` epochs (each round: one add and one remove commit). */
export async function mlsCostsAt(n: number, rounds: number, voteMessage: Uint8Array): Promise<MlsCosts> {
  if (n < SENDERS + 2) throw new Error(`n must be at least ${SENDERS + 2}`)
  const { creator, receiver, senders } = await groupOf(n)
  const decrypts: number[] = []
  const sum = { encrypt: 0, authenticate: 0, stageAdd: 0, stageRemove: 0, commitAdd: 0, commitRemove: 0 }
  let bytes = 0
  const everyone = [receiver, ...senders]
  for (let r = 0; r <= rounds; r++) {
    // Vote messages of a fresh epoch: each sender's first message, decrypted once each by the receiver.
    let cts: Uint8Array[] = []
    const enc = await cpuPerOp(senders.length, async () => {
      cts = []
      for (const s of senders) cts.push(await s.group.encrypt(voteMessage))
    })
    const dec: number[] = []
    for (const ct of cts) dec.push(await cpuPerOp(1, () => receiver.group.decrypt(ct)))
    bytes = cts[0]!.length
    // Next epoch by an add commit (authenticated first, as a candidate is), then a remove.
    const joiner = await createMlsClient({ memberId: rid() })
    const kp = await joiner.generateKeyPackage()
    const c0 = cpuNow()
    const add = await creator.createCommitCandidate([{ action: 'add', keyPackage: kp }])
    await creator.mergeOwnCommit()
    const commitAdd = cpuNow() - c0
    const auth = await cpuPerOp(1, async () => {
      if ((await receiver.group.authenticateCommit(add.commit)).status !== 'authenticated') throw new Error('not authenticated')
    })
    const stageAdd = await stageAndMerge(receiver.group, add)
    for (const s of senders) await stageAndMerge(s.group, add)
    const c1 = cpuNow()
    const remove = await creator.createCommitCandidate([{ action: 'remove', memberId: joiner.memberId }])
    await creator.mergeOwnCommit()
    const commitRemove = cpuNow() - c1
    const stageRemove = await stageAndMerge(receiver.group, remove)
    for (const s of senders) await stageAndMerge(s.group, remove)
    if (everyone.some((m) => m.group.epoch() !== creator.epoch())) throw new Error('members diverged')
    if (r === 0) continue // warm-up round
    const k = 1 / rounds
    sum.encrypt += enc * k
    decrypts.push(...dec)
    sum.authenticate += auth * k
    sum.stageAdd += stageAdd * k
    sum.stageRemove += stageRemove * k
    sum.commitAdd += commitAdd * k
    sum.commitRemove += commitRemove * k
  }
  return { ...sum, decrypt: summarise('decrypt', decrypts).p50Ms, voteCiphertextBytes: bytes }
}
