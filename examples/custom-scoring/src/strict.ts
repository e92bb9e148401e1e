/**
 * The custom scoring plug-in of this example: stewards who stall pay more.
 *
 * Scores decide who is removed. Every member keeps a score per member
 * (100 to start). Protocol events move it by a delta from a table, and a
 * member whose score falls to the threshold (0) or below is removed by a
 * SCORE_BELOW_THRESHOLD emergency proposal. The default table (the
 * reference's) takes 40 points from an epoch steward whose approved work a
 * backup steward had to commit (`CensorshipInactivity`). This plug-in
 * takes 200, so a single stall removes the steward.
 */
import { DEFAULT_SCORE_DELTAS, type PeerScoringPlugin, defaultPeerScoring } from '@demls/scoring'
import type { ScoringInit } from '@demls/session'

/** Identity of the strict table: change `version` whenever a delta changes. */
export const STRICT_ID = 'example/strict-stewards'
/** Version of the strict table. */
export const STRICT_VERSION = '1'

/** The default deltas, with a stall costing 200 instead of 40. */
export const STRICT_DELTAS = { ...DEFAULT_SCORE_DELTAS, CensorshipInactivity: -200n }

/**
 * A scoring factory for `PluginOverrides.makeScoring`: the session calls it
 * once per conversation with the starting score and threshold it uses.
 */
export function strictStewardScoring(init: ScoringInit): PeerScoringPlugin {
  return defaultPeerScoring({ ...init, deltas: STRICT_DELTAS, id: STRICT_ID, version: STRICT_VERSION })
}
