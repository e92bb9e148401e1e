import type { AuthenticationService, Credential } from 'ts-mls'
import { isMemberId } from './member-id.js'

/**
 * The MLS authentication service used by every demls group: a credential
 * is valid only when it is a basic credential whose identity is a
 * well-formed member id (exactly 20 bytes). Binding the identity to a
 * secp256k1 key is the job of the layers above (consensus signatures).
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
