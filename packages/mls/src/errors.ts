import { DemlsError, type DemlsErrorOptions } from '@demls/wire'

export { AbortError, DemlsError, type DemlsErrorOptions } from '@demls/wire'

/** Bytes are not a well-formed MLS message, key package, Welcome or exported state. */
export class MlsDecodeError extends DemlsError {
  /** What was being decoded (`MLSMessage`, `KeyPackage`, `GroupState`, …). */
  readonly what: string

  constructor(what: string, reason: string, options: DemlsErrorOptions = {}) {
    super(`cannot decode ${what}: ${reason}`, 'MLS_DECODE', options)
    this.name = 'MlsDecodeError'
    this.what = what
  }
}

/** A message belongs to a different MLS group. */
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

/** The message was already decrypted (its ratchet key is gone). */
export class ReplayError extends DemlsError {
  constructor(options: DemlsErrorOptions = {}) {
    super('the message was already processed (replay) or its key is no longer retained', 'MLS_REPLAY', options)
    this.name = 'ReplayError'
  }
}

/** A message decoded but failed decryption, signature or membership-tag checks. */
export class MlsAuthenticationError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`message authentication failed: ${reason}`, 'MLS_AUTHENTICATION', options)
    this.name = 'MlsAuthenticationError'
  }
}

/** A message of the wrong kind was given (e.g. a commit to `decrypt`). */
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

/** A remote commit (or its bundled proposals) could not be applied. */
export class InvalidCommitError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid commit: ${reason}`, 'MLS_INVALID_COMMIT', options)
    this.name = 'InvalidCommitError'
  }
}

/** A key package is malformed, badly signed, expired or carries a bad credential. */
export class InvalidKeyPackageError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid key package: ${reason}`, 'MLS_INVALID_KEY_PACKAGE', options)
    this.name = 'InvalidKeyPackageError'
  }
}

/** A member id is not exactly 20 bytes (an Ethereum address). */
export class InvalidMemberIdError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid member id: ${reason}`, 'MLS_INVALID_MEMBER_ID', options)
    this.name = 'InvalidMemberIdError'
  }
}

/**
 * A commit-candidate input cannot be used: adding an existing member,
 * removing a non-member, removing ourselves, or the same target twice.
 */
export class InvalidCommitInputError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid commit input: ${reason}`, 'MLS_INVALID_COMMIT_INPUT', options)
    this.name = 'InvalidCommitInputError'
  }
}

/** A Welcome is for us but could not be processed. */
export class InvalidWelcomeError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid welcome: ${reason}`, 'MLS_INVALID_WELCOME', options)
    this.name = 'InvalidWelcomeError'
  }
}

/**
 * The pending-commit slots do not allow the call: creating a candidate
 * while one is pending, or merging when nothing is pending / staged.
 */
export class PendingCommitError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(reason, 'MLS_PENDING_COMMIT', options)
    this.name = 'PendingCommitError'
  }
}

/** The group can no longer send: we were removed from it. */
export class GroupInactiveError extends DemlsError {
  constructor(options: DemlsErrorOptions = {}) {
    super('we are no longer a member of this group', 'MLS_GROUP_INACTIVE', options)
    this.name = 'GroupInactiveError'
  }
}

/** Exported state does not belong to this client or is unusable. */
export class InvalidStateError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`invalid group state: ${reason}`, 'MLS_INVALID_STATE', options)
    this.name = 'InvalidStateError'
  }
}

/** The requested crypto backend is unavailable on this platform. */
export class CryptoBackendError extends DemlsError {
  constructor(reason: string, options: DemlsErrorOptions = {}) {
    super(`crypto backend unavailable: ${reason}`, 'MLS_CRYPTO_BACKEND', options)
    this.name = 'CryptoBackendError'
  }
}
