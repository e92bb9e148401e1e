import type { AbortOptions, DemlsError } from '@demls/wire'
import type { KeyPackageInfo } from './key-package/codec.js'
import type { MessageKind } from './message/inspect.js'

export type { AbortOptions } from '@demls/wire'

/**
 * Direction of a membership change.
 *
 * @example
 * ```ts
 * import { type MembershipAction, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * const result = await group.mergeOwnCommit()
 * const added = result.changes.filter((c) => c.action === ('add' satisfies MembershipAction))
 * ```
 */
export type MembershipAction = 'add' | 'remove'

/**
 * One (action, target member id) pair of a commit.
 *
 * @example
 * ```ts
 * import { type MembershipChange, type MlsService, memberIdToHex } from '@demls/mls'
 * declare const group: MlsService
 * const { changes } = await group.mergeStagedCommit()
 * for (const change of changes as MembershipChange[]) console.log(change.action, memberIdToHex(change.memberId))
 * ```
 */
export interface MembershipChange {
  /** Whether the target is added or removed. */
  action: MembershipAction
  /** The 20-byte member id of the target. */
  memberId: Uint8Array
}

/**
 * One input of {@link MlsService.createCommitCandidate}.
 *
 * @example
 * ```ts
 * import { type CommitInput, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const carol = await createMlsClient({ memberId: new Uint8Array(20).fill(3) })
 * const inputs: CommitInput[] = [
 *   { action: 'add', keyPackage: await carol.generateKeyPackage() },
 *   { action: 'remove', memberId: new Uint8Array(20).fill(2) },
 * ]
 * ```
 */
export type CommitInput =
  | {
      /** Add the owner of `keyPackage`. */
      action: 'add'
      /** Key-package bytes as produced by {@link MlsClient.generateKeyPackage}. */
      keyPackage: Uint8Array
    }
  | {
      /** Remove the member `memberId`. */
      action: 'remove'
      /** 20-byte member id of a current member other than ourselves. */
      memberId: Uint8Array
    }

/**
 * Our commit candidate: MLS proposal messages authored by us, plus a commit
 * that references them (by reference), plus the Welcome for added members.
 * It stays pending until {@link MlsService.mergeOwnCommit} or
 * {@link MlsService.discardOwnCommit}.
 *
 * @example
 * ```ts
 * import { type CommitCandidate, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const group = await alice.createGroup('chat')
 * const candidate: CommitCandidate = await group.createCommitCandidate([{ action: 'add', keyPackage: await bob.generateKeyPackage() }])
 * console.log(candidate.epoch, candidate.joiners.length, candidate.welcome !== undefined) // 0n 1 true
 * ```
 */
export interface CommitCandidate {
  /** One MLS proposal message per input, in input order. Receivers process them before the commit. */
  proposals: Uint8Array[]
  /** The MLS commit message. */
  commit: Uint8Array
  /** Welcome for the added members (ratchet tree included), when the batch adds anyone. */
  welcome: Uint8Array | undefined
  /** Member ids of the added members, in input order. */
  joiners: Uint8Array[]
  /** Deduplicated, sorted (action, target) set of the batch. */
  changes: MembershipChange[]
  /** Epoch the commit was built in (the group moves to `epoch + 1` when it is merged). */
  epoch: bigint
}

/**
 * Options of {@link MlsService.createCommitCandidate}.
 *
 * @example
 * ```ts
 * import { type CommitOptions, type MlsService } from '@demls/mls'
 * declare const group: MlsService
 * const options: CommitOptions = { nowMs: Date.now(), signal: AbortSignal.timeout(5_000) }
 * const candidate = await group.createCommitCandidate([{ action: 'remove', memberId: new Uint8Array(20).fill(2) }], options)
 * ```
 */
export interface CommitOptions extends AbortOptions {
  /**
   * Clock (ms since the Unix epoch) used to check the added key packages'
   * lifetimes, both by demls and by ts-mls while it builds the commit (no
   * check uses the wall clock). @default Date.now()
   */
  nowMs?: number
}

/**
 * A remote candidate to stage: the committer's proposal messages and its commit.
 *
 * @example
 * ```ts
 * import { type MlsService, type RemoteCandidate } from '@demls/mls'
 * declare const group: MlsService
 * declare const proposals: Uint8Array[] // MLS proposals from the steward's batch
 * declare const commit: Uint8Array
 * const candidate: RemoteCandidate = { proposals, commit }
 * const staged = await group.stageRemoteCommit(candidate)
 * if (staged.status === 'staged') await group.mergeStagedCommit()
 * ```
 */
export interface RemoteCandidate {
  /** MLS proposal messages, processed in order before the commit. */
  proposals: readonly Uint8Array[]
  /** The MLS commit message. */
  commit: Uint8Array
}

/**
 * Why a remote candidate could not be staged (the reference's "Abort" cases: no penalty).
 *
 * @example
 * ```ts
 * import { type MlsService, type RemoteCandidate, type StageAbortReason } from '@demls/mls'
 * declare const group: MlsService
 * declare const candidate: RemoteCandidate
 * const retryLater: StageAbortReason[] = ['future-epoch']
 * const r = await group.stageRemoteCommit(candidate)
 * if (r.status === 'aborted' && retryLater.includes(r.reason)) console.log('keep it until we catch up')
 * ```
 */
export type StageAbortReason =
  | 'malformed'
  | 'wrong-group'
  | 'older-epoch'
  | 'future-epoch'
  | 'not-a-proposal'
  | 'not-a-commit'
  | 'mls-failure'

/**
 * A remote candidate that was processed and is held, unmerged, in the staged slot.
 *
 * @example
 * ```ts
 * import { type MlsService, type RemoteCandidate, type StagedCommit } from '@demls/mls'
 * declare const group: MlsService
 * declare const candidate: RemoteCandidate
 * const r = await group.stageRemoteCommit(candidate)
 * if (r.status === 'staged') {
 *   const staged: StagedCommit = r
 *   if (staged.selfRemoved) console.log('this commit removes us')
 *   await group.mergeStagedCommit()
 * }
 * ```
 */
export interface StagedCommit {
  /** Discriminant. */
  status: 'staged'
  /** MLS-verified member id of the committer. */
  committer: Uint8Array
  /** Whether the commit removes us. */
  selfRemoved: boolean
  /** Deduplicated, sorted (action, target) set of everything the commit applies. */
  changes: MembershipChange[]
  /** MLS-verified sender of each bundled proposal, in bundle order. */
  proposalSenders: Uint8Array[]
  /**
   * True when a bundled proposal (or a proposal the commit applies) was not
   * authored by the committer. de-MLS treats this as a broken commit.
   */
  bundleSenderMismatch: boolean
  /** Number of applied proposals that are neither Add nor Remove. */
  otherProposals: number
  /** The epoch the group reaches when the staged commit is merged. */
  epoch: bigint
}

/**
 * A remote candidate that could not be staged. Nothing changed.
 *
 * @example
 * ```ts
 * import { type AbortedStage, type MlsService, type RemoteCandidate } from '@demls/mls'
 * declare const group: MlsService
 * declare const candidate: RemoteCandidate // a steward's proposals and commit from the wire
 * const staged = await group.stageRemoteCommit(candidate)
 * if (staged.status === 'aborted') {
 *   const { reason, error }: AbortedStage = staged
 *   console.log(`ignored the commit (${reason}): ${error.code}`)
 * }
 * ```
 */
export interface AbortedStage {
  /** Discriminant. */
  status: 'aborted'
  /** Typed reason. */
  reason: StageAbortReason
  /** The underlying typed error (e.g. `WrongEpochError`, `InvalidCommitError`). */
  error: DemlsError
}

/**
 * Options of {@link MlsService.authenticateCommit}.
 *
 * @example
 * ```ts
 * import type { AuthenticateOptions, MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const candidate: { commit: Uint8Array; proposals: Uint8Array[] }
 * const options: AuthenticateOptions = { proposals: candidate.proposals }
 * const r = await group.authenticateCommit(candidate.commit, options) // 'aborted' when the proposals are not the commit's
 * ```
 */
export interface AuthenticateOptions extends AbortOptions {
  /** The MLS proposal messages sent with the commit: they must be exactly the proposals it references. */
  proposals?: readonly Uint8Array[]
}

/**
 * A plaintext commit whose sender MLS authenticated ({@link MlsService.authenticateCommit}).
 *
 * @example
 * ```ts
 * import type { AuthenticatedCommit, MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const commit: Uint8Array
 * const r = await group.authenticateCommit(commit)
 * if (r.status === 'authenticated') console.log('committed by', (r satisfies AuthenticatedCommit).committer)
 * ```
 */
export interface AuthenticatedCommit {
  /** Discriminant. */
  status: 'authenticated'
  /** MLS-verified member id of the committer (its leaf signed the commit). */
  committer: Uint8Array
}

/**
 * Outcome of {@link MlsService.authenticateCommit}.
 *
 * @example
 * ```ts
 * import type { AuthenticateResult, MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const commit: Uint8Array
 * const r: AuthenticateResult = await group.authenticateCommit(commit)
 * console.log(r.status === 'authenticated' ? 'a member committed it' : `refused: ${r.reason}`)
 * ```
 */
export type AuthenticateResult = AuthenticatedCommit | AbortedStage

/**
 * Outcome of {@link MlsService.stageRemoteCommit}.
 *
 * @example
 * ```ts
 * import { type MlsService, type RemoteCandidate, type StageResult } from '@demls/mls'
 * declare const group: MlsService
 * declare const candidate: RemoteCandidate
 * const result: StageResult = await group.stageRemoteCommit(candidate)
 * console.log(result.status === 'staged' ? `epoch ${result.epoch}` : result.reason)
 * ```
 */
export type StageResult = StagedCommit | AbortedStage

/**
 * What a merge did.
 *
 * @example
 * ```ts
 * import { type MergeResult, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const group = await alice.createGroup('chat')
 * await group.createCommitCandidate([{ action: 'add', keyPackage: await bob.generateKeyPackage() }])
 * const merged: MergeResult = await group.mergeOwnCommit()
 * console.log(merged.epoch, merged.changes, merged.welcome?.length) // 1n [add bob] …
 * ```
 */
export interface MergeResult {
  /** The new epoch. */
  epoch: bigint
  /** Sorted (action, target) set that was applied. */
  changes: MembershipChange[]
  /** Whether the merged commit removed us (the group is then inactive). */
  selfRemoved: boolean
  /** The Welcome to distribute (own commits that added members only). */
  welcome: Uint8Array | undefined
}

/**
 * A decrypted application message.
 *
 * @example
 * ```ts
 * import { type DecryptedMessage, type MlsService, memberIdToHex } from '@demls/mls'
 * declare const group: MlsService
 * declare const ciphertext: Uint8Array // an MLS application message from the wire
 * const { plaintext, sender, epoch }: DecryptedMessage = await group.decrypt(ciphertext)
 * console.log(`${memberIdToHex(sender)} @${epoch}: ${new TextDecoder().decode(plaintext)}`)
 * ```
 */
export interface DecryptedMessage {
  /** The plaintext. */
  plaintext: Uint8Array
  /** MLS-authenticated sender member id. */
  sender: Uint8Array
  /** Epoch it was sent in: the current epoch, or a retained past one with {@link DecryptOptions.retainedEpochs}. */
  epoch: bigint
}

/**
 * Options of {@link MlsService.decrypt}.
 *
 * @example
 * ```ts
 * import type { DecryptOptions, MlsService } from '@demls/mls'
 * declare const group: MlsService
 * declare const keptPacket: Uint8Array // chat a member kept for us while we were down
 * const options: DecryptOptions = { retainedEpochs: true }
 * const { epoch } = await group.decrypt(keptPacket, options) // may be a past epoch
 * ```
 */
export interface DecryptOptions extends AbortOptions {
  /**
   * Also accept an application message of a past epoch whose receiver keys
   * are still retained (`KeyRetention.retainKeysForEpochs`), as ts-mls
   * keeps them for late messages. Off by default: de-MLS reads application
   * messages of the current epoch only (`decrypt_application_only`). For
   * chat backfill after a restart, where the kept packets predate a commit
   * the member caught up with first.
   */
  retainedEpochs?: boolean
}

/**
 * An in-memory copy of a group's state at one moment, taken by
 * {@link MlsService.snapshot}: what {@link MlsService.exportState} would
 * serialise then (the MLS group state and our pending own commit, not the
 * staged remote commit), without serialising it. ts-mls never changes a
 * state in place, so taking one costs no copy whatever the group size; the
 * group it was taken of (and any group restored from it) goes on without
 * disturbing it. Restore a group from it with {@link MlsClient.restoreGroup},
 * or serialise it on demand with {@link MlsSnapshot.exportState} (bytes for
 * {@link MlsClient.importGroup}).
 *
 * While a snapshot is reachable, the groups sharing its epochs (the group it
 * was taken of, the groups restored from it) do not wipe the secrets of
 * those epochs that an operation consumes (a message's ratchet secret, the
 * init secret a merge leaves behind): the snapshot still needs them. Drop a
 * snapshot when done with it. **It holds secrets, as exported state does.**
 *
 * @example
 * ```ts
 * import { type MlsSnapshot, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const group = await alice.createGroup('chat')
 * const before: MlsSnapshot = group.snapshot() // cheap: no serialisation
 * await group.createCommitCandidate([{ action: 'add', keyPackage: await bob.generateKeyPackage() }])
 * await group.mergeOwnCommit()
 * const rolledBack = await alice.restoreGroup(before) // the group as it was before the merge
 * console.log(before.epoch(), rolledBack.epoch(), group.epoch()) // 0n 0n 1n
 * const saved = before.exportState() // the bytes group.exportState() returned at the snapshot
 * ```
 */
export interface MlsSnapshot {
  /** Conversation id of the group it was taken of. */
  readonly conversationId: string
  /** Our member id. */
  readonly memberId: Uint8Array
  /** The epoch the group was at. */
  epoch(): bigint
  /** Whether our own commit candidate was pending (a restored group has it pending again). */
  hasPendingCommit(): boolean
  /**
   * The bytes {@link MlsService.exportState} returned when the snapshot was
   * taken (serialised on the first call and kept; each call returns a copy).
   * **The bytes are secret: encrypt them at rest.**
   */
  exportState(): Uint8Array
}

/**
 * One MLS group as seen by one member: the de-MLS `MlsService`. All
 * mutating calls are serialised internally, so concurrent calls are safe.
 *
 * Epochs are `bigint` (MLS epochs are u64); compare with `===` or `<`.
 *
 * Pending slots: at most one own commit (from {@link createCommitCandidate})
 * and one staged remote commit (from {@link stageRemoteCommit}) exist at a
 * time. Staging never touches our own pending commit; merging either one
 * clears both.
 *
 * @example
 * ```ts
 * import { type MlsService, createMlsClient } from '@demls/mls'
 * const alice = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * const group: MlsService = await alice.createGroup('chat')
 * const ciphertext = await group.encrypt(new TextEncoder().encode('hello'))
 * const saved = group.exportState() // restore later with alice.importGroup(saved)
 * console.log(group.epoch(), group.members().length) // 0n 1
 * ```
 */
export interface MlsService {
  /** Conversation id (the group id as UTF-8). */
  readonly conversationId: string
  /** MLS group id (UTF-8 bytes of the conversation id). */
  readonly groupId: Uint8Array
  /** Our member id. */
  readonly memberId: Uint8Array
  /** Current epoch. */
  epoch(): bigint
  /** False once a merged commit removed us. */
  isActive(): boolean
  /** Member ids (credential identities) in leaf order. */
  members(): Uint8Array[]
  /** Whether `memberId` is a current member. */
  isMember(memberId: Uint8Array): boolean
  /** The epoch authenticator of the current epoch (equal on all members of an epoch). */
  epochAuthenticator(): Uint8Array
  /** MLS exporter: `MLS-Exporter(label, context, length)` of the current epoch. */
  exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array>
  /** Whether our own commit candidate is pending. */
  hasPendingCommit(): boolean
  /** Whether a remote commit is staged. */
  hasStagedCommit(): boolean
  /**
   * Build our commit candidate from Add/Remove inputs. Fails with
   * `PendingCommitError` if one is already pending, `InvalidKeyPackageError`
   * / `InvalidCommitInputError` for bad inputs, `GroupInactiveError` if we
   * were removed. The group state is unchanged until merged.
   */
  createCommitCandidate(inputs: readonly CommitInput[], options?: CommitOptions): Promise<CommitCandidate>
  /** Apply our pending commit. */
  mergeOwnCommit(): Promise<MergeResult>
  /** Drop our pending commit (and its proposals); no-op if none. */
  discardOwnCommit(): Promise<void>
  /**
   * Process a remote candidate's proposals then its commit without applying
   * them. Replaces any previously staged commit. Never throws for bad input:
   * returns an {@link AbortedStage}.
   */
  stageRemoteCommit(candidate: RemoteCandidate, options?: AbortOptions): Promise<StageResult>
  /**
   * Authenticate a plaintext commit's sender at the current epoch without
   * processing it (membership tag and the sender leaf's signature), so a
   * received candidate can be attributed before it is held. With
   * `options.proposals`, also check that those MLS proposal messages are
   * exactly the ones the commit references (their ProposalRefs), so a copy
   * of a genuine commit with other proposals attached is refused before
   * anyone holds it. Changes nothing and never throws for bad input:
   * returns an {@link AbortedStage}.
   */
  authenticateCommit(commit: Uint8Array, options?: AuthenticateOptions): Promise<AuthenticateResult>
  /** Apply the staged commit (our own pending commit, if any, is discarded). */
  mergeStagedCommit(): Promise<MergeResult>
  /** Drop the staged commit; no-op if none. */
  discardStagedCommit(): Promise<void>
  /** Encrypt an application message for the current epoch. */
  encrypt(plaintext: Uint8Array, options?: AbortOptions): Promise<Uint8Array>
  /**
   * Decrypt an application message: strict (same group, current epoch,
   * application content only). Throws `MlsDecodeError`, `WrongGroupError`,
   * `WrongEpochError`, `UnexpectedMessageKindError`, `ReplayError` or
   * `MlsAuthenticationError`; the state is unchanged on error. With
   * `retainedEpochs`, a past epoch's message is read with that epoch's
   * retained keys ({@link DecryptOptions}).
   */
  decrypt(message: Uint8Array, options?: DecryptOptions): Promise<DecryptedMessage>
  /** Classify MLS bytes without processing them. */
  inspectMessageKind(message: Uint8Array): MessageKind
  /** The epoch a handshake or application message was framed in, without processing it. */
  inspectMessageEpoch(message: Uint8Array): bigint | undefined
  /**
   * Serialise everything needed to continue: the MLS group state (incl.
   * signature and tree private keys and epoch secrets) and our pending own
   * commit, if any. The staged remote commit is NOT included. **The bytes
   * are secret: encrypt them at rest.**
   */
  exportState(): Uint8Array
  /**
   * Take an in-memory {@link MlsSnapshot} of the state {@link exportState}
   * would serialise now, without serialising it (no copy: ts-mls states are
   * immutable). Restore it with {@link MlsClient.restoreGroup}.
   */
  snapshot(): MlsSnapshot
}

/**
 * Options of {@link MlsClient.generateKeyPackage}.
 *
 * @example
 * ```ts
 * import { type GenerateKeyPackageOptions, createMlsClient } from '@demls/mls'
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const options: GenerateKeyPackageOptions = { lifetimeSeconds: 24 * 3600 } // valid for a day
 * const keyPackage = await bob.generateKeyPackage(options)
 * ```
 */
export interface GenerateKeyPackageOptions {
  /** Validity in seconds from now. @default 90 days */
  lifetimeSeconds?: number
  /** Clock, in ms since the epoch. @default Date.now() */
  nowMs?: number
}

/**
 * A member's MLS identity: its member id, Ed25519 signature key, the
 * private halves of the key packages it published, and a crypto provider.
 *
 * @example
 * ```ts
 * import { type MlsClient, createMlsClient, memberIdToHex } from '@demls/mls'
 * const client: MlsClient = await createMlsClient({ memberId: new Uint8Array(20).fill(1) })
 * console.log(memberIdToHex(client.memberId), client.cryptoName)
 * const group = await client.createGroup('chat')
 * ```
 */
export interface MlsClient {
  /** Our 20-byte member id. */
  readonly memberId: Uint8Array
  /** Our Ed25519 MLS signature public key. */
  readonly signaturePublicKey: Uint8Array
  /** Name of the crypto backend in use (`node`, `web`, `ts-mls-default`, …). */
  readonly cryptoName: string
  /**
   * Generate a key package (MLSMessage bytes) to announce. Its private keys
   * are kept in memory until a Welcome consumes them.
   */
  generateKeyPackage(options?: GenerateKeyPackageOptions): Promise<Uint8Array>
  /** Number of generated key packages not yet consumed by a Welcome. */
  pendingKeyPackages(): number
  /**
   * Verify a key package's signatures, credential and lifetime, and (when the
   * client requires identity binding) that its leaf is bound to its member id.
   * Throws `InvalidKeyPackageError` (`IdentityBindingError` for the binding) / `MlsDecodeError`.
   */
  validateKeyPackage(keyPackage: Uint8Array, options?: { nowMs?: number }): Promise<KeyPackageInfo>
  /**
   * Create a one-member group whose group id is the UTF-8 of
   * `conversationId`. `nowMs` sets our leaf's key-package lifetime start.
   */
  createGroup(conversationId: string, options?: AbortOptions & { nowMs?: number }): Promise<MlsService>
  /**
   * Join from Welcome bytes; resolves `undefined` when the Welcome holds no
   * secrets for any of our key packages. Throws `MlsDecodeError` /
   * `InvalidWelcomeError` when it is for us but unusable.
   *
   * The key package the Welcome was for is consumed only when the join
   * succeeds: a Welcome that fails (or that `accept` refuses) leaves it in
   * place, so a later Welcome for the same key package still works.
   */
  joinFromWelcome(welcome: Uint8Array, options?: JoinFromWelcomeOptions): Promise<MlsService | undefined>
  /**
   * The key package (MLSMessage bytes) a group of `conversationId` was
   * joined with under {@link JoinFromWelcomeOptions.retainKeyPackage},
   * while it is retained; `undefined` otherwise.
   */
  retainedKeyPackage(conversationId: string): Uint8Array | undefined
  /**
   * Forget the key package retained for `conversationId` (its private keys
   * are dropped: no further Welcome for it can be processed). Returns
   * whether one was retained.
   */
  releaseKeyPackage(conversationId: string): boolean
  /**
   * Restore a group from {@link MlsService.exportState} bytes. Throws
   * `MlsDecodeError` for bytes that do not decode, and `InvalidStateError`
   * for another member's state or one whose ratchet tree (or its pending
   * commit's) does not hash to the tree hash its group context commits to
   * (a corrupt or altered store). The check hashes the whole tree once, so
   * the first commit after the import re-hashes only the nodes it changes.
   */
  importGroup(state: Uint8Array, options?: AbortOptions): Promise<MlsService>
  /**
   * A group in the state of `snapshot` ({@link MlsService.snapshot}): what
   * {@link importGroup} of the bytes exported at the snapshot gives (same
   * epoch, members, secrets and pending own commit), without serialising.
   * Each call gives an independent group; the snapshot stays usable. As with
   * imported state, never send from two groups restored from the same
   * state (that reuses ratchet keys). Throws `InvalidStateError` when the
   * snapshot is not one `MlsService.snapshot()` took or belongs to another
   * member.
   */
  restoreGroup(snapshot: MlsSnapshot, options?: AbortOptions): Promise<MlsService>
}

/**
 * Options of {@link MlsClient.joinFromWelcome}.
 *
 * @example
 * ```ts
 * import { type JoinFromWelcomeOptions, createMlsClient } from '@demls/mls'
 * declare const welcome: Uint8Array
 * const bob = await createMlsClient({ memberId: new Uint8Array(20).fill(2) })
 * const options: JoinFromWelcomeOptions = {
 *   accept: (group) => { if (group.conversationId !== 'chat') throw new Error('not the group I asked for') },
 * }
 * const group = await bob.joinFromWelcome(welcome, options) // undefined if the Welcome is not for us
 * ```
 */
export interface JoinFromWelcomeOptions extends AbortOptions {
  /**
   * Inspect the group the Welcome leads to before our key package is
   * consumed (its members, group id, epoch). Throw to refuse it: the
   * error propagates and the key package stays usable for another Welcome.
   */
  accept?: (group: MlsService) => void | Promise<void>
  /**
   * Keep the key package after a successful join, so that another Welcome
   * for it (the other side of a fork of the group) can still be processed,
   * until {@link MlsClient.releaseKeyPackage}. One key package is retained
   * per conversation (a later retained join replaces and drops the earlier
   * one). Keeping private init keys longer weakens forward secrecy for that
   * window only: release as soon as the group is confirmed.
   * @default false
   */
  retainKeyPackage?: boolean
}
