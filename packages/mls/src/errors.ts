import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

export { AbortError, DemlsError, type DemlsErrorOptions } from '@demls/wire'

/**
 * Bytes are not a well-formed MLS message, key package, Welcome or exported state.
 *
 * @example
 * ```ts
 * import { MlsDecodeError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * await group.decrypt(new Uint8Array([0xff])).catch((err) => {
 *   if (err instanceof MlsDecodeError) console.log(err.code, err.what) // 'MLS_DECODE' …
 * })
 * ```
 */
export class MlsDecodeError extends DemlsError {
  /** What was being decoded (`MLSMessage`, `KeyPackage`, `GroupState`, …). */
  readonly what: string

  constructor(what: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`cannot decode ${what}: ${reason}`, 'MLS_DECODE', options)
    this.name = 'MlsDecodeError'
    this.what = what
  }
}

/**
 * A message belongs to a different MLS group.
 *
 * @example
 * ```ts
 * import { WrongGroupError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const otherGroupsMessage: Uint8Array
 * await group.decrypt(otherGroupsMessage).catch((err) => {
 *   if (err instanceof WrongGroupError) console.log(err.code) // 'MLS_WRONG_GROUP'
 * })
 * ```
 */
export class WrongGroupError extends DemlsError {
  constructor(options: DemlsErrorOptions = {}) {
    super('the message belongs to another group', 'MLS_WRONG_GROUP', options)
    this.name = 'WrongGroupError'
  }
}

/**
 * A message is not for the current epoch. Application messages are only
 * accepted in the current epoch (de-MLS `decrypt_application_only`), so a
 * message from an old epoch is refused even when its keys are still retained.
 *
 * @example
 * ```ts
 * import { WrongEpochError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const ciphertext: Uint8Array
 * await group.decrypt(ciphertext).catch((err) => {
 *   if (err instanceof WrongEpochError && err.direction === 'future') console.log(`we are behind: ${err.currentEpoch} < ${err.messageEpoch}`)
 * })
 * ```
 */
export class WrongEpochError extends DemlsError {
  /** The epoch the message claims. */
  readonly messageEpoch: bigint
  /** The group's current epoch. */
  readonly currentEpoch: bigint
  /** `past` when the message is older than the group, `future` otherwise. */
  readonly direction: 'past' | 'future'

  constructor(messageEpoch: bigint, currentEpoch: bigint, options: DemlsErrorOptions = {}) {
    const direction = messageEpoch < currentEpoch ? 'past' : 'future'
    super(
      `message epoch ${messageEpoch} is in the ${direction} (current ${currentEpoch})`,
      'MLS_WRONG_EPOCH',
      options,
    )
    this.name = 'WrongEpochError'
    this.messageEpoch = messageEpoch
    this.currentEpoch = currentEpoch
    this.direction = direction
  }
}

/**
 * The message was already decrypted (its ratchet key is gone).
 *
 * @example
 * ```ts
 * import { ReplayError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const ciphertext: Uint8Array
 * await group.decrypt(ciphertext)
 * await group.decrypt(ciphertext).catch((err) => {
 *   if (err instanceof ReplayError) console.log('a gossip duplicate:', err.code) // 'MLS_REPLAY'
 * })
 * ```
 */
export class ReplayError extends DemlsError {
  constructor(options: DemlsErrorOptions = {}) {
    super('the message was already processed (replay) or its key is no longer retained', 'MLS_REPLAY', options)
    this.name = 'ReplayError'
  }
}

/**
 * A message decoded but failed decryption, signature or membership-tag checks.
 *
 * @example
 * ```ts
 * import { MlsAuthenticationError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const tampered: Uint8Array
 * await group.decrypt(tampered).catch((err) => {
 *   if (err instanceof MlsAuthenticationError) console.log('forged or corrupted:', err.code) // 'MLS_AUTHENTICATION'
 * })
 * ```
 */
export class MlsAuthenticationError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`message authentication failed: ${reason}`, 'MLS_AUTHENTICATION', options)
    this.name = 'MlsAuthenticationError'
  }
}

/**
 * A message of the wrong kind was given (e.g. a commit to `decrypt`).
 *
 * @example
 * ```ts
 * import { UnexpectedMessageKindError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const commit: Uint8Array
 * await group.decrypt(commit).catch((err) => {
 *   if (err instanceof UnexpectedMessageKindError) console.log(err.expected, err.actual) // 'application' 'commit'
 * })
 * ```
 */
export class UnexpectedMessageKindError extends DemlsError {
  /** The kind that was expected. */
  readonly expected: string
  /** The kind that was found. */
  readonly actual: string

  constructor(expected: string, actual: string, options: DemlsErrorOptions = {}) {
    super(`expected ${expected}, got ${actual}`, 'MLS_UNEXPECTED_KIND', options)
    this.name = 'UnexpectedMessageKindError'
    this.expected = expected
    this.actual = actual
  }
}

/**
 * A remote commit (or its bundled proposals) could not be applied.
 *
 * @example
 * ```ts
 * import { InvalidCommitError, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * await group.mergeStagedCommit().catch((err) => {
 *   if (err instanceof InvalidCommitError) console.log(err.code) // 'MLS_INVALID_COMMIT'
 * })
 * ```
 */
export class InvalidCommitError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid commit: ${reason}`, 'MLS_INVALID_COMMIT', options)
    this.name = 'InvalidCommitError'
  }
}

/**
 * A key package is malformed, badly signed, expired or carries a bad credential.
 *
 * @example
 * ```ts
 * import { InvalidKeyPackageError, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const stale = await bob.generateKeyPackage({ lifetimeSeconds: 60, nowMs: Date.now() - 86_400_000 })
 * await alice.validateKeyPackage(stale).catch((err) => {
 *   if (err instanceof InvalidKeyPackageError) console.log(err.shortMessage) // expired
 * })
 * ```
 */
export class InvalidKeyPackageError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid key package: ${reason}`, 'MLS_INVALID_KEY_PACKAGE', options)
    this.name = 'InvalidKeyPackageError'
  }
}

/**
 * Why a leaf's identity binding is refused (see {@link IdentityBindingError}).
 *
 * @example
 * ```ts
 * import { type BindableLeaf, type IdentityBindingFailure, leafBindingFailure } from '@demls/mls'
 * declare const leaf: BindableLeaf
 * const failure: IdentityBindingFailure | undefined = leafBindingFailure(leaf)
 * if (failure) console.log(`the leaf's signature key is not bound to its address: ${failure}`)
 * ```
 */
export type IdentityBindingFailure = 'missing' | 'malformed' | 'mismatch'

/**
 * A leaf node (in a key package, a Welcome's ratchet tree or a commit) is
 * not bound to the member id its credential claims: the demls binding
 * extension is `missing`, `malformed` (wrong length, duplicated, not a
 * recoverable signature) or signed by another key (`mismatch`). A
 * {@link InvalidKeyPackageError}, so callers that refuse bad key packages
 * refuse these too.
 *
 * @example
 * ```ts
 * import { IdentityBindingError, createMlsClient } from '@demls/mls'
 * declare const keyPackage: Uint8Array
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1), requireIdentityBinding: true })
 * await alice.validateKeyPackage(keyPackage).catch((err) => {
 *   if (err instanceof IdentityBindingError) console.log(err.reason) // 'missing' | 'malformed' | 'mismatch'
 * })
 * ```
 */
export class IdentityBindingError extends InvalidKeyPackageError {
  /** What is wrong with the binding. */
  readonly reason: IdentityBindingFailure
  /** The member id the leaf claims. */
  readonly memberId: Uint8Array

  constructor(reason: IdentityBindingFailure, memberId: Uint8Array, options: DemlsErrorOptions = {}) {
    const hex = Array.from(memberId, (b) => b.toString(16).padStart(2, '0')).join('')
    super(`identity binding ${reason} for 0x${hex}`, options)
    this.name = 'IdentityBindingError'
    this.reason = reason
    this.memberId = memberId.slice()
  }
}

/**
 * A member id is not exactly 20 bytes (an Ethereum address).
 *
 * @example
 * ```ts
 * import { InvalidMemberIdError, memberIdFromHex } from '@demls/mls'
 * try {
 *   memberIdFromHex('abcd') // not 20 bytes
 * } catch (err) {
 *   if (err instanceof InvalidMemberIdError) console.log(err.code) // 'MLS_INVALID_MEMBER_ID'
 * }
 * ```
 */
export class InvalidMemberIdError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid member id: ${reason}`, 'MLS_INVALID_MEMBER_ID', options)
    this.name = 'InvalidMemberIdError'
  }
}

/**
 * A commit-candidate input cannot be used: adding an existing member,
 * removing a non-member, removing ourselves, or the same target twice.
 *
 * @example
 * ```ts
 * import { InvalidCommitInputError, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const group = await alice.createGroup('chat')
 * await group.createCommitCandidate([{ action: 'remove', memberId: new Uint8Array(20).fill(9) }]).catch((err) => {
 *   if (err instanceof InvalidCommitInputError) console.log(err.shortMessage) // not a member
 * })
 * ```
 */
export class InvalidCommitInputError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid commit input: ${reason}`, 'MLS_INVALID_COMMIT_INPUT', options)
    this.name = 'InvalidCommitInputError'
  }
}

/**
 * A Welcome is for us but could not be processed.
 *
 * @example
 * ```ts
 * import { InvalidWelcomeError, createMlsClient } from '@demls/mls'
 * declare const welcome: Uint8Array // decodes, but cannot be processed (or has an unbound leaf)
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2), requireIdentityBinding: true })
 * await bob.joinFromWelcome(welcome).catch((err) => {
 *   if (err instanceof InvalidWelcomeError) console.log(err.code) // 'MLS_INVALID_WELCOME'
 * })
 * ```
 */
export class InvalidWelcomeError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid welcome: ${reason}`, 'MLS_INVALID_WELCOME', options)
    this.name = 'InvalidWelcomeError'
  }
}

/**
 * The pending-commit slots do not allow the call: creating a candidate
 * while one is pending, or merging when nothing is pending / staged.
 *
 * @example
 * ```ts
 * import { PendingCommitError, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const group = await alice.createGroup('chat')
 * await group.createCommitCandidate([{ action: 'add', keyPackage: await bob.generateKeyPackage() }])
 * await group.createCommitCandidate([]).catch((err) => {
 *   if (err instanceof PendingCommitError) console.log('merge or discard the pending commit first')
 * })
 * ```
 */
export class PendingCommitError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(reason, 'MLS_PENDING_COMMIT', options)
    this.name = 'PendingCommitError'
  }
}

/**
 * The group can no longer send: we were removed from it.
 *
 * @example
 * ```ts
 * import { GroupInactiveError, type MlsService } from '@demls/mls'
 * declare const group: MlsService // we were removed by the last commit
 * await group.encrypt(new TextEncoder().encode('hi')).catch((err) => {
 *   if (err instanceof GroupInactiveError) console.log(err.code) // 'MLS_GROUP_INACTIVE'
 * })
 * ```
 */
export class GroupInactiveError extends DemlsError {
  constructor(options: DemlsErrorOptions = {}) {
    super('we are no longer a member of this group', 'MLS_GROUP_INACTIVE', options)
    this.name = 'GroupInactiveError'
  }
}

/**
 * Exported state does not belong to this client or is unusable.
 *
 * @example
 * ```ts
 * import { InvalidStateError, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const bobsState = (await bob.createGroup('chat')).exportState()
 * await alice.importGroup(bobsState).catch((err) => {
 *   if (err instanceof InvalidStateError) console.log(err.code) // 'MLS_INVALID_STATE': another member's state
 * })
 * ```
 */
export class InvalidStateError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid group state: ${reason}`, 'MLS_INVALID_STATE', options)
    this.name = 'InvalidStateError'
  }
}

/**
 * The requested crypto backend is unavailable on this platform.
 *
 * @example
 * ```ts
 * import { CryptoBackendError, createMlsClient } from '@demls/mls'
 * try {
 *   await createMlsClient({ memberId: new Uint8Array(20).fill(1), crypto: 'web' })
 * } catch (err) {
 *   if (err instanceof CryptoBackendError) console.log('no WebCrypto Ed25519 here:', err.shortMessage)
 * }
 * ```
 */
export class CryptoBackendError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`crypto backend unavailable: ${reason}`, 'MLS_CRYPTO_BACKEND', options)
    this.name = 'CryptoBackendError'
  }
}

/**
 * The ts-mls this package runs on (its own copy, `vendor/ts-mls`) does not
 * carry the demls patch (`patches/ts-mls@1.6.4.patch`). Without it Welcomes
 * into some trees fail, a member can misread its own removal, and
 * key-package lifetimes are checked against the wall clock instead of the
 * injected clock. The published package carries a patched copy, so an
 * application never sees this error; in the demls workspace it means the
 * vendored copy was made from an unpatched install (run `pnpm install`).
 *
 * @example
 * ```ts
 * import { TsMlsUnpatchedError, createMlsClient } from '@demls/mls'
 * try {
 *   await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * } catch (err) {
 *   if (err instanceof TsMlsUnpatchedError) console.log(`ts-mls lacks ${err.patchFile}: ${err.message}`)
 * }
 * ```
 */
export class TsMlsUnpatchedError extends DemlsError {
  /** The path of the patch file inside this package. */
  readonly patchFile: string

  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(
      `the ts-mls copy in @demls/mls (vendor/ts-mls) lacks the demls patch (${reason}). The published package carries a ` +
        'patched copy; in the demls workspace, run `pnpm install` (pnpm applies patches/ts-mls@1.6.4.patch and postinstall re-vendors it)',
      'MLS_TS_MLS_UNPATCHED',
      options,
    )
    this.name = 'TsMlsUnpatchedError'
    this.patchFile = 'patches/ts-mls@1.6.4.patch'
  }
}
