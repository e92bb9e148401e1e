// Member i's aggregating consensus plug-in (@demls/bls) for scenarios and
// runs: its BLS key derived from its dev key (`keyFor(i)`), so every run
// of a seed holds the same keys.
import { blsConsensusPlugin } from '@demls/bls'
import type { ConsensusSigner, EthereumSigner } from '@demls/consensus'
import { keyFor } from './harness.js'

/** The plug-in factory `User.create({ plugins: { consensus } })` takes, for member `i`. */
export const blsPluginFor = (i: number) => (signer: ConsensusSigner) =>
  blsConsensusPlugin(signer as EthereumSigner, { memberSecretKey: keyFor(i) })
