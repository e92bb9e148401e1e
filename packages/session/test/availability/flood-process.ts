// Run in its own process with --expose-gc by flood-memory.test.ts: a
// 4-member group (three in it, one to add after), an outsider floods every
// member with 1 MiB packets of every kind network input can store, then
// the heap is measured after a forced GC and the group is used again.
// Prints one JSON line.
import { encodeAppMessage } from '@demls/wire'
import { Bed } from '../sansio.js'
import { memberIdOf } from '../scenarios/harness.js'
import { attestation, futureCiphertext } from './forge.js'
import { keyFor } from '../scenarios/harness.js'

const ID = 'flood'
const MiB = 1024 * 1024
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

function memory(): number {
  gc!()
  gc!()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const bed = await Bed.create(ID, 4)
await bed.add(1)
await bed.add(2)
const members = [0, 1, 2]
const forget = () => {
  for (const p of bed.peers) {
    p.events.length = 0
    p.sent.length = 0
  }
}
forget()
const base = memory()
const epoch = bed.conv(0).epoch()
const junk = (n: number) => new Uint8Array(n).fill(0x5a)
async function inject(payload: Uint8Array): Promise<void> {
  for (const i of members) {
    await bed.conv(i).receive({ subtopic: 'app', payload }, bed.now)
    bed.conv(i).drainEvents()
  }
}
const counts = { future: 0, beyondHorizon: 0, welcomes: 0, candidates: 0, attestations: 0 }
for (let k = 0; k < 100; k++, counts.future++) await inject(futureCiphertext(ID, epoch + 1n + BigInt(k % 60), MiB - 256))
for (let k = 0; k < 100; k++, counts.beyondHorizon++) await inject(futureCiphertext(ID, epoch + 1_000_000n + BigInt(k), MiB - 256))
for (let k = 0; k < 50; k++, counts.welcomes++) {
  await inject(encodeAppMessage({ memberWelcome: { welcomeBytes: junk(MiB - 256), conversationSyncBytes: junk(16), joinerIdentities: [memberIdOf(3)] } }))
}
for (let k = 0; k < 50; k++, counts.candidates++) {
  const commitMessage = futureCiphertext(ID, epoch + 1n + BigInt(k % 10), MiB - 512)
  commitMessage[3] = 0x01 // wire format: public message (a commit is framed as a handshake)
  await inject(encodeAppMessage({ commitCandidate: { conversationId: new TextEncoder().encode(ID), mlsProposals: [], commitMessage, stewardMemberId: memberIdOf(0) } }))
}
for (let k = 0; k < 500; k++, counts.attestations++) await inject(attestation(ID, keyFor(8), { epoch: epoch + BigInt(k), signedAtMs: BigInt(bed.now) }, memberIdOf(k % 3)))
forget()
const after = memory()

// The group still works after the flood: it admits member 3 and chats.
await bed.run(5_000, 250)
await bed.add(3)
await bed.conv(3).sendMessage(new TextEncoder().encode('after the flood'), bed.now)
await bed.flush()
const delivered = [0, 1, 2].filter((i) => bed.eventsOf(i, 'message').some((m) => new TextDecoder().decode(m.body) === 'after the flood')).length

console.log(JSON.stringify({ baseMiB: base / MiB, afterMiB: after / MiB, growthPerMemberMiB: (after - base) / MiB / members.length, counts, delivered, epochs: bed.peers.map((p) => String(p.conversation?.epoch())) }))
