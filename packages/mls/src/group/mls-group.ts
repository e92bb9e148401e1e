import { throwIfAborted } from '@demls/wire'
import { type ClientState, createApplicationMessage, mlsExporter } from '#ts-mls'
import { unprotectPrivateMessage } from '#ts-mls/messageProtection.js'
import type { SecretTree } from '#ts-mls/secretTree.js'
import { authenticateCommit } from '../candidate/authenticate.js'
import { type BuiltCandidate, buildCandidate } from '../candidate/create.js'
import { type StagedState, stageCandidate } from '../candidate/stage.js'
import {
  GroupInactiveError,
  InvalidMemberIdError,
  PendingCommitError,
  UnexpectedMessageKindError,
  WrongEpochError,
  WrongGroupError,
} from '../errors.js'
import { isMemberId } from '../identity/member-id.js'
import { bytesEqual, utf8Decoder } from '../internal/bytes.js'
import { decodeMls, encodeMls } from '../message/codec.js'
import { type MessageKind, inspectMessageEpoch, inspectMessageKind, kindOf } from '../message/inspect.js'
import { encodeExportedState } from '../state/codec.js'
import type {
  AbortOptions,
  AuthenticateOptions,
  AuthenticateResult,
  CommitCandidate,
  CommitInput,
  CommitOptions,
  DecryptedMessage,
  DecryptOptions,
  MergeResult,
  MlsService,
  MlsSnapshot,
  RemoteCandidate,
  StageResult,
} from '../types.js'
import type { GroupDeps } from './context.js'
import { identityAtLeaf, leafIndexOf, membersOf } from './members.js'
import { mapOpenError } from './decrypt-errors.js'
import type { PendingOwnCommit } from './pending-commit.js'
import { SecretPins, epochKeys } from './pins.js'
import { type SnapshotData, TsMlsSnapshot } from './snapshot.js'

/**
 * Wipe secrets ts-mls reports as consumed (best effort: JS may hold copies).
 * `fill(0)` rather than ts-mls's `zeroOutUint8Array`, which draws random
 * bytes first and costs ~2 µs per buffer on the message hot path.
 */
function zeroAll(secrets: readonly Uint8Array[]): void {
  for (const s of secrets) s.fill(0)
}

/** The ts-mls-backed {@link MlsService}. */
export class TsMlsGroup implements MlsService {
  readonly conversationId: string
  readonly groupId: Uint8Array
  readonly memberId: Uint8Array
  #state: ClientState
  #pending: PendingOwnCommit | undefined
  #staged: StagedState | undefined
  #tail: Promise<void> | undefined
  readonly #deps: GroupDeps
  /** Epochs whose secrets snapshots of this family hold: not wiped (see {@link SecretPins}). */
  readonly #pins: SecretPins
  /**
   * The current epoch's secret tree when this group made it (a decrypt's
   * copy) and nothing else has seen it since: the next decrypts then set
   * the sender's advanced node in place instead of copying all 2n − 1 slots
   * (ts-mls patch §12; at 10,000 members a copy is ~150 µs). Every other
   * call on the group, and {@link snapshot}, clears it, since they may keep
   * the state; a decrypt writes only after the message passed every check,
   * so a rejected message consumes no key.
   */
  #ownedTree: SecretTree | undefined

  constructor(state: ClientState, deps: GroupDeps, pending?: PendingOwnCommit, pins = new SecretPins()) {
    this.#state = state
    this.#deps = deps
    this.#pending = pending
    this.#pins = pins
    this.groupId = state.groupContext.groupId
    this.conversationId = utf8Decoder.decode(this.groupId)
    this.memberId = deps.memberId
  }

  /**
   * A group over the state a snapshot holds (the same objects, with the
   * restoring client's config). Its pending commit consumed no secret of
   * its own (nothing to wipe, as after an import), and it wipes nothing of
   * the snapshot's epochs while it lives: the snapshot, its other restored
   * groups and the group it was taken of share those buffers.
   */
  static fromSnapshot(data: SnapshotData, deps: GroupDeps): TsMlsGroup {
    const withConfig = (s: ClientState): ClientState => (s.clientConfig === deps.clientConfig ? s : { ...s, clientConfig: deps.clientConfig })
    const pending = data.pending && { candidate: data.pending.candidate, newState: withConfig(data.pending.newState), consumed: [] }
    const group = new TsMlsGroup(withConfig(data.state), deps, pending, data.pins)
    data.pins.pin(group, data.epochs)
    return group
  }

  /** Wipe `consumed`, unless a snapshot (or a group restored from one) holds an epoch keyed by `epochs`. */
  #wipe(consumed: readonly Uint8Array[], epochs: readonly Uint8Array[]): void {
    if (consumed.length > 0 && !this.#pins.pinned(epochs)) zeroAll(consumed)
  }

  /**
   * Run `fn` after every earlier mutating call settled. When nothing is in
   * flight `fn` starts at once (no extra microtask hop on the hot path).
   */
  #exclusive<T>(fn: () => Promise<T>, keepsOwnedTree = false): Promise<T> {
    const prev = this.#tail
    const body = keepsOwnedTree
      ? fn
      : () => {
          // Anything but a decrypt may keep the state (and its tree): the next decrypt copies again.
          this.#ownedTree = undefined
          return fn()
        }
    const run = prev === undefined ? body() : prev.then(body, body)
    const tail: Promise<void> = run.then(
      () => this.#settle(tail),
      () => this.#settle(tail),
    )
    this.#tail = tail
    return run
  }

  #settle(tail: Promise<void>): void {
    if (this.#tail === tail) this.#tail = undefined
  }

  #assertActive(): void {
    if (this.#state.groupActiveState.kind !== 'active') throw new GroupInactiveError()
  }

  epoch(): bigint {
    return this.#state.groupContext.epoch
  }

  isActive(): boolean {
    return this.#state.groupActiveState.kind === 'active'
  }

  members(): Uint8Array[] {
    return membersOf(this.#state)
  }

  isMember(memberId: Uint8Array): boolean {
    if (!isMemberId(memberId)) throw new InvalidMemberIdError('expected 20 bytes')
    return leafIndexOf(this.#state, memberId) !== undefined
  }

  epochAuthenticator(): Uint8Array {
    return this.#state.keySchedule.epochAuthenticator.slice()
  }

  exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return mlsExporter(this.#state.keySchedule.exporterSecret, label, context, length, this.#deps.impl)
  }

  hasPendingCommit(): boolean {
    return this.#pending !== undefined
  }

  hasStagedCommit(): boolean {
    return this.#staged !== undefined
  }

  createCommitCandidate(inputs: readonly CommitInput[], options: CommitOptions = {}): Promise<CommitCandidate> {
    return this.#exclusive(async () => {
      throwIfAborted(options.signal)
      this.#assertActive()
      if (this.#pending !== undefined) throw new PendingCommitError('an own commit is already pending')
      const built: BuiltCandidate = await buildCandidate(
        this.#state,
        inputs,
        this.#deps,
        options.nowMs ?? Date.now(),
        options.signal,
      )
      this.#pending = { candidate: built.candidate, newState: built.newState, consumed: built.consumed }
      return built.candidate
    })
  }

  mergeOwnCommit(): Promise<MergeResult> {
    return this.#exclusive(async () => {
      const pending = this.#pending
      if (pending === undefined) throw new PendingCommitError('no own commit is pending')
      // The consumed secrets (the init secret among them) are the epoch we leave.
      const left = epochKeys(this.#state)
      this.#state = pending.newState
      this.#pending = undefined
      this.#staged = undefined
      this.#wipe(pending.consumed, left)
      return {
        epoch: this.#state.groupContext.epoch,
        changes: pending.candidate.changes,
        selfRemoved: false,
        welcome: pending.candidate.welcome,
      }
    })
  }

  discardOwnCommit(): Promise<void> {
    return this.#exclusive(async () => {
      this.#pending = undefined
    })
  }

  stageRemoteCommit(candidate: RemoteCandidate, options: AbortOptions = {}): Promise<StageResult> {
    return this.#exclusive(async () => {
      throwIfAborted(options.signal)
      this.#staged = undefined
      const r = await stageCandidate(this.#state, candidate, this.#deps, options.signal)
      if ('status' in r) return r
      this.#staged = r
      return r.result
    })
  }

  authenticateCommit(commit: Uint8Array, options: AuthenticateOptions = {}): Promise<AuthenticateResult> {
    return this.#exclusive(() => authenticateCommit(this.#state, commit, this.#deps, options.signal, options.proposals))
  }

  mergeStagedCommit(): Promise<MergeResult> {
    return this.#exclusive(async () => {
      const staged = this.#staged
      if (staged === undefined) throw new PendingCommitError('no remote commit is staged')
      const from = this.#state.groupContext.epoch
      const left = epochKeys(this.#state)
      this.#state = staged.newState
      this.#staged = undefined
      this.#pending = undefined
      this.#wipe(staged.consumed, left)
      return {
        // A removed member's state stays at the old epoch (it cannot derive the new one); the group reached `from + 1`.
        epoch: staged.result.selfRemoved ? from + 1n : this.#state.groupContext.epoch,
        changes: staged.result.changes,
        selfRemoved: staged.result.selfRemoved,
        welcome: undefined,
      }
    })
  }

  discardStagedCommit(): Promise<void> {
    return this.#exclusive(async () => {
      this.#staged = undefined
    })
  }

  encrypt(plaintext: Uint8Array, options: AbortOptions = {}): Promise<Uint8Array> {
    return this.#exclusive(async () => {
      throwIfAborted(options.signal)
      this.#assertActive()
      const r = await createApplicationMessage(this.#state, plaintext, this.#deps.impl)
      this.#state = r.newState
      if (this.#pending === undefined && this.#staged === undefined) this.#wipe(r.consumed, [r.newState.keySchedule.senderDataSecret])
      return encodeMls({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: r.privateMessage })
    })
  }

  decrypt(bytes: Uint8Array, options: DecryptOptions = {}): Promise<DecryptedMessage> {
    return this.#exclusive(async () => {
      throwIfAborted(options.signal)
      const message = decodeMls(bytes)
      if (message.wireformat !== 'mls_private_message') {
        throw new UnexpectedMessageKindError('application message', kindOf(message))
      }
      const pm = message.privateMessage
      const state = this.#state
      if (!bytesEqual(pm.groupId, state.groupContext.groupId)) throw new WrongGroupError()
      // A past epoch only on request, and only while its receiver keys are retained.
      const past = pm.epoch < state.groupContext.epoch && options.retainedEpochs === true ? state.historicalReceiverData.get(pm.epoch) : undefined
      if (pm.epoch !== state.groupContext.epoch && past === undefined) throw new WrongEpochError(pm.epoch, state.groupContext.epoch)
      if (pm.contentType !== 'application') throw new UnexpectedMessageKindError('application message', pm.contentType)
      this.#assertActive()
      const epochData = past ?? { senderDataSecret: state.keySchedule.senderDataSecret, secretTree: state.secretTree, ratchetTree: state.ratchetTree, groupContext: state.groupContext }
      let result: Awaited<ReturnType<typeof unprotectPrivateMessage>>
      try {
        result = await unprotectPrivateMessage(
          epochData.senderDataSecret,
          pm,
          epochData.secretTree,
          epochData.ratchetTree,
          epochData.groupContext,
          state.clientConfig.keyRetentionConfig,
          this.#deps.impl,
        )
      } catch (cause) {
        throw mapOpenError(cause)
      }
      const content = result.content.content
      if (content.contentType !== 'application' || content.sender.senderType !== 'member') {
        throw new UnexpectedMessageKindError('application message', content.contentType)
      }
      const sender = identityAtLeaf(epochData, content.sender.leafIndex)
      if (sender === undefined) throw mapOpenError(new Error('sender leaf is blank'))
      if (past === undefined) {
        // `treeUpdate` is patch §12's; a ts-mls without it gets the copy below.
        const update = result.treeUpdate as typeof result.treeUpdate | undefined
        if (update !== undefined && this.#ownedTree === state.secretTree && this.#state === state && this.#pending === undefined && this.#staged === undefined) {
          // Ours alone since our own copy: advance the sender's ratchet in place.
          state.secretTree[update.index] = update.node
        } else {
          const tree = result.tree
          this.#state = { ...state, secretTree: tree }
          this.#ownedTree = tree
        }
      } else {
        const historicalReceiverData = new Map(state.historicalReceiverData)
        historicalReceiverData.set(pm.epoch, { ...past, secretTree: result.tree })
        this.#state = { ...state, historicalReceiverData }
      }
      if (this.#pending === undefined && this.#staged === undefined) this.#wipe(result.consumed, [epochData.senderDataSecret])
      return { plaintext: content.applicationData, sender, epoch: pm.epoch }
    }, true)
  }

  inspectMessageKind(message: Uint8Array): MessageKind {
    return inspectMessageKind(message)
  }

  inspectMessageEpoch(message: Uint8Array): bigint | undefined {
    return inspectMessageEpoch(message)
  }

  exportState(): Uint8Array {
    return encodeExportedState({
      state: this.#state,
      publicHandshakes: this.#deps.publicHandshakes,
      pending: this.#pending,
    })
  }

  snapshot(): MlsSnapshot {
    // The snapshot keeps this state: the next decrypt copies the tree again.
    this.#ownedTree = undefined
    const state = this.#state
    const pending = this.#pending
    return new TsMlsSnapshot(this.conversationId, this.memberId, {
      state,
      pending: pending && { candidate: pending.candidate, newState: pending.newState },
      publicHandshakes: this.#deps.publicHandshakes,
      pins: this.#pins,
      epochs: pending === undefined ? epochKeys(state) : [...epochKeys(state), ...epochKeys(pending.newState)],
    })
  }
}
