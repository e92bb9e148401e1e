import type { ConsensusSession, ConsensusStorage } from '../types.js'

/**
 * The default {@link ConsensusStorage}: nested maps, scope → proposal id →
 * session. Stores the session objects themselves (no copies).
 *
 * @example
 * ```ts
 * import { EthereumSigner, InMemoryConsensusStorage, defaultConsensusPlugin } from '@demls/consensus'
 * const storage = new InMemoryConsensusStorage()
 * const plugin = defaultConsensusPlugin(new EthereumSigner(crypto.getRandomValues(new Uint8Array(32))), { storage })
 * console.log(storage.listScopes()) // []
 * ```
 */
export class InMemoryConsensusStorage implements ConsensusStorage {
  readonly #scopes = new Map<string, Map<number, ConsensusSession>>()

  saveSession(session: ConsensusSession): void {
    let scope = this.#scopes.get(session.scope)
    if (scope === undefined) {
      scope = new Map()
      this.#scopes.set(session.scope, scope)
    }
    scope.set(session.proposal.proposalId, session)
  }

  getSession(scope: string, proposalId: number): ConsensusSession | undefined {
    return this.#scopes.get(scope)?.get(proposalId)
  }

  removeSession(scope: string, proposalId: number): boolean {
    const sessions = this.#scopes.get(scope)
    if (sessions === undefined) return false
    const removed = sessions.delete(proposalId)
    if (sessions.size === 0) this.#scopes.delete(scope)
    return removed
  }

  listScopeSessions(scope: string): ConsensusSession[] {
    return [...(this.#scopes.get(scope)?.values() ?? [])]
  }

  listScopes(): string[] {
    return [...this.#scopes.keys()]
  }

  deleteScope(scope: string): void {
    this.#scopes.delete(scope)
  }
}
