import type { AuthenticationService, Credential } from '#ts-mls'
import { isMemberId } from './member-id.js'

/**
 * The MLS authentication service used by every demls group: a credential
 * is valid only when it is a basic credential whose identity is a
 * well-formed member id (exactly 20 bytes).
 *
 * Binding the identity to the member's secp256k1 key is checked elsewhere
 * (`leaf-binding.ts`): ts-mls 1.6.4 calls `validateCredential(credential,
 * signaturePublicKey)` without the leaf node, so this hook cannot see the
 * binding extension. The client checks it on key packages, on every leaf of
 * a Welcome's tree after `joinGroup`, and on every leaf a staged commit
 * adds or changes.
 */
export const memberIdAuthenticationService: AuthenticationService = {
  async validateCredential(credential: Credential, _signaturePublicKey: Uint8Array): Promise<boolean> {
    return isCredentialWellFormed(credential)
  },
}

/** Synchronous form of the {@link memberIdAuthenticationService} rule. */
export function isCredentialWellFormed(credential: Credential): boolean {
  return credential.credentialType === 'basic' && isMemberId(credential.identity)
}
