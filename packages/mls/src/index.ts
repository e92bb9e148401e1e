/**
 * The de-MLS MLS layer: member identity and credentials, key packages,
 * groups, commit candidates (our own, pending until merged; remote ones,
 * staged before merging), application-message encryption and state
 * export — behind the {@link MlsClient} / {@link MlsService} interfaces, so
 * that the MLS library (ts-mls 1.6.4 today) and the crypto backend stay
 * local to this package.
 *
 * Ciphersuite: `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519`. Member id =
 * 20-byte Ethereum address, used as the MLS basic-credential identity.
 *
 * @example
 * ```ts
 * import { createMlsClient, memberIdFromHex } from '@demls/mls'
 *
 * const alice = await createMlsClient({ memberId: memberIdFromHex('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266') })
 * const bob = await createMlsClient({ memberId: memberIdFromHex('0x70997970C51812dc3A010C7d01b50e0d17dc79C8') })
 *
 * const group = await alice.createGroup('my-conversation')
 * const candidate = await group.createCommitCandidate([{ action: 'add', keyPackage: await bob.generateKeyPackage() }])
 * await group.mergeOwnCommit()
 * const bobGroup = await bob.joinFromWelcome(candidate.welcome!)
 *
 * const { plaintext, sender } = await bobGroup!.decrypt(await group.encrypt(new TextEncoder().encode('hi')))
 * console.log(new TextDecoder().decode(plaintext), sender.length) // hi 20
 * ```
 *
 * @packageDocumentation
 */
export type {
  AbortedStage,
  AbortOptions,
  AuthenticatedCommit,
  AuthenticateOptions,
  AuthenticateResult,
  CommitCandidate,
  CommitInput,
  CommitOptions,
  DecryptedMessage,
  DecryptOptions,
  GenerateKeyPackageOptions,
  JoinFromWelcomeOptions,
  MembershipAction,
  MembershipChange,
  MergeResult,
  MlsClient,
  MlsService,
  MlsSnapshot,
  RemoteCandidate,
  StageAbortReason,
  StagedCommit,
  StageResult,
} from './types.js'
export {
  AbortError,
  CryptoBackendError,
  DemlsError,
  type DemlsErrorOptions,
  GroupInactiveError,
  IdentityBindingError,
  type IdentityBindingFailure,
  InvalidCommitError,
  InvalidCommitInputError,
  InvalidKeyPackageError,
  InvalidMemberIdError,
  InvalidStateError,
  InvalidWelcomeError,
  MlsAuthenticationError,
  TsMlsUnpatchedError,
  MlsDecodeError,
  PendingCommitError,
  ReplayError,
  UnexpectedMessageKindError,
  WrongEpochError,
  WrongGroupError,
} from './errors.js'
export { createMlsClient, type KeyRetention, type MlsClientInit } from './client/mls-client.js'
export type { CryptoBackend, MaybePromise, X25519Backend } from './crypto/backend.js'
export { type CryptoChoice, platformCryptoBackend } from './crypto/select.js'
export { webCryptoBackend } from './crypto/web-backend.js'
export { CIPHERSUITE_NAME } from './crypto/provider.js'
export {
  MEMBER_ID_LENGTH,
  assertMemberId,
  isMemberId,
  memberIdFromHex,
  memberIdToHex,
} from './identity/member-id.js'
export {
  type BindableLeaf,
  type IdentitySigner,
  LEAF_BINDING_EXTENSION_TYPE,
  LEAF_BINDING_LABEL,
  LEAF_BINDING_PROOF_LENGTH,
  leafBindingDigest,
  leafBindingFailure,
  leafBindingSignedHash,
  recoverLeafBinding,
} from './identity/leaf-binding.js'
export { decodeKeyPackage, type KeyPackageInfo } from './key-package/codec.js'
export {
  DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS,
  type KeyPackageLifetime,
} from './key-package/lifetime.js'
export { inspectMessageEpoch, inspectMessageKind, type MessageKind } from './message/inspect.js'
