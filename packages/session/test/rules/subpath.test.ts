import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as rules from '../../src/rules/index.js'

const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))

describe('@demls/session/rules subpath', () => {
  it('is exported by the package manifest and built from src/rules/index.ts', () => {
    expect(manifest.exports['./rules']).toEqual({
      types: './dist/rules/index.d.ts',
      import: './dist/rules/index.js',
      default: './dist/rules/index.js',
    })
  })

  it('carries every rule', () => {
    for (const name of [
      'applyConsensusResult',
      'appliedScores',
      'authenticatorHash',
      'censorshipSuspect',
      'checkReplay',
      'commitPrefix',
      'deferredAdds',
      'electionRegenerates',
      'committerRank',
      'freezeEntryWindowFor',
      'isVotePivotal',
      'judgeJoinedBranch',
      'judgeStaged',
      'noCandidateScores',
      'orderCandidates',
      'precheckCandidate',
      'prefersAttested',
      'probeAnswerDelay',
      'stewardListRefusal',
      'targetOf',
      'targetSatisfied',
      'validateSync',
      'verifyCertificate',
      'verifyVoteBinding',
      'winsFork',
    ]) {
      expect(typeof (rules as Record<string, unknown>)[name], name).toBe('function')
    }
  })
})
