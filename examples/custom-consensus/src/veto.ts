/**
 * The custom consensus plug-in of this example: a veto.
 *
 * A consensus plug-in is three things plus its name (`ConsensusPlugin`
 * from `@demls/consensus`): where sessions are stored, how votes are
 * signed and verified, and the result `rule`. Only the rule changes here;
 * storage and the Ethereum vote signer are the defaults'.
 *
 * The rule is a pure function from a tally (expected voters, YES and NO
 * votes so far, whether silent voters lean YES, whether the timeout has
 * passed) to `'yes' | 'no' | 'undecided' | 'failed'`. Every member runs it
 * on the same votes, so every member must run the same rule: that is why
 * the plug-in carries an `id` and a `version`, which travel in the signed
 * join beacon and in the Welcome's ConversationSync.
 */
import { type ConsensusPlugin, type ConsensusRule, type ConsensusSigner, defaultConsensusPlugin } from '@demls/consensus'

/** Identity of the veto rule: change `version` whenever an outcome could change. */
export const VETO_ID = 'example/veto'
/** Version of the veto rule. */
export const VETO_VERSION = '1'

/**
 * Any NO rejects at once; YES needs every expected voter. Silent voters
 * never count, so a proposal nobody objects to but somebody ignores
 * fails at the timeout (the default rule would let them lean YES).
 */
export const vetoRule: ConsensusRule = ({ expectedVoters, yes, no, timedOut }) => {
  if (no > 0) return 'no'
  if (yes >= expectedVoters) return 'yes'
  return timedOut ? 'failed' : 'undecided'
}

/** The default plug-in with the veto rule and its own identity. */
export function vetoConsensus(signer: ConsensusSigner): ConsensusPlugin {
  return { ...defaultConsensusPlugin(signer), id: VETO_ID, version: VETO_VERSION, rule: vetoRule }
}
