// The consensus plug-in of the benches' aggregated runs (issue 55): BLS
// aggregation from @demls/bls, its key derived from the member's key.
import { blsConsensusPlugin } from '@demls/bls'
import type { ConsensusSigner, EthereumSigner } from '@demls/consensus'

/** Which consensus a bench group runs: the reference (every vote to everyone) or BLS aggregation. */
export type BenchConsensus = 'reference' | 'aggregated'

/** The BLS plug-in factory for the member whose secp256k1 key is `privateKey`. */
export function aggregatedConsensus(privateKey: Uint8Array) {
  return (signer: ConsensusSigner) => blsConsensusPlugin(signer as EthereumSigner, { memberSecretKey: privateKey })
}

/** The consensus variants to run (LARGE_CONSENSUS=reference,aggregated; both by default). */
export function consensusVariants(): BenchConsensus[] {
  return (process.env.LARGE_CONSENSUS ?? 'reference,aggregated').split(',').map((v) => {
    if (v !== 'reference' && v !== 'aggregated') throw new Error(`LARGE_CONSENSUS: unknown variant ${v}`)
    return v
  })
}
