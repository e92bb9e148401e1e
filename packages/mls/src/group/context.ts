import type { CiphersuiteImpl, ClientConfig } from 'ts-mls'

/** Everything a group needs from its client (internal). */
export interface GroupDeps {
  /** Ciphersuite implementation (crypto provider applied). */
  readonly impl: CiphersuiteImpl
  /** Client config re-attached to every state (auth service, key retention). */
  readonly clientConfig: ClientConfig
  /** Our member id. */
  readonly memberId: Uint8Array
  /** Send proposals and commits as PublicMessage instead of PrivateMessage. */
  readonly publicHandshakes: boolean
}
