import { throwIfAborted } from '@demls/wire'
import {
  type CiphersuiteImpl,
  type ClientState,
  type ClientConfig,
  type KeyPackage,
  type PrivateKeyPackage,
  createGroup,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
} from '#ts-mls'
import { makeKeyPackageRef } from '#ts-mls/keyPackage.js'
import { treeHashRoot } from '#ts-mls/treeHash.js'
import { CIPHERSUITE_NAME } from '../crypto/provider.js'
import { type CryptoChoice, resolveCrypto } from '../crypto/select.js'
import {
  IdentityBindingError,
  InvalidMemberIdError,
  InvalidStateError,
  InvalidWelcomeError,
  UnexpectedMessageKindError,
} from '../errors.js'
import type { GroupDeps } from '../group/context.js'
import { identityAtLeaf } from '../group/members.js'
import { TsMlsGroup } from '../group/mls-group.js'
import { TsMlsSnapshot } from '../group/snapshot.js'
import { memberIdAuthenticationService } from '../identity/authentication-service.js'
import {
  type IdentitySigner,
  LEAF_BINDING_EXTENSION_TYPE,
  assertLeafBinding,
  leafBindingExtension,
  leafBindingFailure,
  signLeafBinding,
} from '../identity/leaf-binding.js'
import { assertMemberId } from '../identity/member-id.js'
import { bytesEqual, toHex, utf8 } from '../internal/bytes.js'
import { assertTsMlsPatched } from '../internal/patch-check.js'
import type { KeyPackageInfo } from '../key-package/codec.js'
import { encodeKeyPackageMessage } from '../key-package/codec.js'
import { DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS, lifetimeFrom } from '../key-package/lifetime.js'
import { validateKeyPackageInternal } from '../key-package/validate.js'
import { decodeMls } from '../message/codec.js'
import { kindOf } from '../message/inspect.js'
import { decodeExportedState } from '../state/codec.js'
import type { AbortOptions, GenerateKeyPackageOptions, JoinFromWelcomeOptions, MlsClient, MlsService, MlsSnapshot } from '../types.js'

/**
 * How many past messages / epochs a member can still decrypt.
 *
 * @example
 * ```ts
 * import { type KeyRetention, createMlsClient } from '@demls/mls'
 * const keyRetention: Partial<KeyRetention> = { retainKeysForEpochs: 8 } // decrypt late messages of 8 past epochs
 * const client = await createMlsClient({ memberId: new Uint8Array(20).fill(1), keyRetention })
 * ```
 */
export interface KeyRetention {
  /** Out-of-order generations kept per sender. @default 10 */
  retainKeysForGenerations: number
  /** Past epochs whose receiver keys are kept, for `DecryptOptions.retainedEpochs` (late packets of an epoch already left). @default 4 */
  retainKeysForEpochs: number
  /** Largest generation jump accepted from one sender. @default 200 */
  maximumForwardRatchetSteps: number
}

/**
 * Options of {@link createMlsClient}.
 *
 * @example
 * ```ts
 * import { type MlsClientInit, createMlsClient } from '@demls/mls'
 * import { EthereumSigner } from '@demls/consensus'
 * const signer = new EthereumSigner(crypto.getRandomValues(new Uint8Array(32)))
 * const init: MlsClientInit = { memberId: signer.identity, identitySigner: signer, requireIdentityBinding: true }
 * const client = await createMlsClient(init)
 * ```
 */
export interface MlsClientInit {
  /** Our 20-byte member id (Ethereum address of our secp256k1 key). */
  memberId: Uint8Array
  /** Crypto implementation. @default 'auto' */
  crypto?: CryptoChoice
  /**
   * Ed25519 MLS signature key to reuse (32-byte seed + public key), e.g.
   * restored from storage. @default a fresh key
   */
  signatureKey?: { privateKey: Uint8Array; publicKey: Uint8Array }
  /** Key retention. @default `{ 10, 4, 200 }` as ts-mls */
  keyRetention?: Partial<KeyRetention>
  /**
   * Send proposals and commits as MLS PublicMessage (signed + membership
   * tag, not encrypted) instead of PrivateMessage. Receivers accept both.
   * @default false
   */
  publicHandshakes?: boolean
  /**
   * The member's secp256k1 key, as an EIP-191 signer whose `identity` is
   * `memberId` (`@demls/consensus`'s `EthereumSigner` fits). It signs, once,
   * the binding of our MLS signature key to our member id, carried in every
   * leaf we create (key packages, our own group) as the
   * `LEAF_BINDING_EXTENSION_TYPE` LeafNode extension. Without it our leaves
   * carry no binding and peers that require one refuse them.
   */
  identitySigner?: IdentitySigner
  /**
   * Refuse leaves that are not bound to their member id: key packages in
   * `validateKeyPackage` and commit candidates, every leaf of a Welcome's
   * ratchet tree, and every leaf a remote commit adds or changes.
   * Reference (Rust) de-MLS peers send no binding: set `false` to admit
   * them (see docs/deviations.md). `true` needs an `identitySigner`.
   * @default true when `identitySigner` is given, false otherwise
   */
  requireIdentityBinding?: boolean
}

const DEFAULT_RETENTION: KeyRetention = {
  retainKeysForGenerations: 10,
  retainKeysForEpochs: 4,
  maximumForwardRatchetSteps: 200,
}

interface StoredKeyPackage {
  publicPackage: KeyPackage
  privatePackage: PrivateKeyPackage
}

class TsMlsClient implements MlsClient {
  readonly memberId: Uint8Array
  readonly signaturePublicKey: Uint8Array
  readonly cryptoName: string
  readonly #signKey: Uint8Array
  readonly #impl: CiphersuiteImpl
  readonly #config: ClientConfig
  readonly #publicHandshakes: boolean
  readonly #requireBinding: boolean
  readonly #bindingProof: Uint8Array | undefined
  readonly #keyPackages = new Map<string, StoredKeyPackage>()
  readonly #refs = new Map<string, string>()
  /** Key packages kept after a join (`retainKeyPackage`): conversation id → init key hex. */
  readonly #retained = new Map<string, string>()

  constructor(
    init: MlsClientInit,
    impl: CiphersuiteImpl,
    cryptoName: string,
    sig: { signKey: Uint8Array; publicKey: Uint8Array },
    bindingProof: Uint8Array | undefined,
  ) {
    this.memberId = init.memberId.slice()
    this.#impl = impl
    this.cryptoName = cryptoName
    this.#signKey = sig.signKey
    this.signaturePublicKey = sig.publicKey
    this.#publicHandshakes = init.publicHandshakes ?? false
    this.#bindingProof = bindingProof
    this.#requireBinding = init.requireIdentityBinding ?? bindingProof !== undefined
    this.#config = {
      keyRetentionConfig: { ...DEFAULT_RETENTION, ...init.keyRetention },
      lifetimeConfig: defaultLifetimeConfig,
      keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
      paddingConfig: defaultPaddingConfig,
      authService: memberIdAuthenticationService,
    }
  }

  #deps(publicHandshakes = this.#publicHandshakes): GroupDeps {
    return {
      impl: this.#impl,
      clientConfig: this.#config,
      memberId: this.memberId,
      publicHandshakes,
      requireIdentityBinding: this.#requireBinding,
    }
  }

  async #newKeyPackage(lifetimeSeconds: number, nowMs: number): Promise<StoredKeyPackage> {
    const capabilities = defaultCapabilities()
    const proof = this.#bindingProof
    if (proof !== undefined) capabilities.extensions = [...capabilities.extensions, LEAF_BINDING_EXTENSION_TYPE]
    return generateKeyPackageWithKey(
      { credentialType: 'basic', identity: this.memberId },
      capabilities,
      lifetimeFrom(nowMs, lifetimeSeconds),
      [],
      { signKey: this.#signKey, publicKey: this.signaturePublicKey },
      this.#impl,
      proof === undefined ? [] : [leafBindingExtension(proof)],
    )
  }

  async generateKeyPackage(options: GenerateKeyPackageOptions = {}): Promise<Uint8Array> {
    const kp = await this.#newKeyPackage(
      options.lifetimeSeconds ?? DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS,
      options.nowMs ?? Date.now(),
    )
    // Keyed by init key; the KeyPackageRef (a hash) is computed only when a
    // Welcome arrives, keeping generation at raw ts-mls cost.
    this.#keyPackages.set(toHex(kp.publicPackage.initKey), kp)
    return encodeKeyPackageMessage(kp.publicPackage)
  }

  pendingKeyPackages(): number {
    return this.#keyPackages.size - this.#retained.size
  }

  async validateKeyPackage(keyPackage: Uint8Array, options: { nowMs?: number } = {}): Promise<KeyPackageInfo> {
    const { keyPackage: kp, info } = await validateKeyPackageInternal(keyPackage, this.#impl, options.nowMs ?? Date.now())
    if (this.#requireBinding) assertLeafBinding(kp.leafNode)
    return info
  }

  async createGroup(conversationId: string, options: AbortOptions & { nowMs?: number } = {}): Promise<MlsService> {
    throwIfAborted(options.signal)
    const kp = await this.#newKeyPackage(DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS, options.nowMs ?? Date.now())
    throwIfAborted(options.signal)
    const state = await createGroup(utf8.encode(conversationId), kp.publicPackage, kp.privatePackage, [], this.#impl, this.#config)
    return new TsMlsGroup(state, this.#deps())
  }

  async joinFromWelcome(welcomeBytes: Uint8Array, options: JoinFromWelcomeOptions = {}): Promise<MlsService | undefined> {
    throwIfAborted(options.signal)
    const message = decodeMls(welcomeBytes, 'Welcome')
    if (message.wireformat !== 'mls_welcome') throw new UnexpectedMessageKindError('welcome', kindOf(message))
    const welcome = message.welcome
    const targets = new Set(welcome.secrets.map((s) => toHex(s.newMember)))
    let refHex: string | undefined
    let stored: StoredKeyPackage | undefined
    for (const [initKey, kp] of this.#keyPackages) {
      if (!this.#refs.has(initKey)) this.#refs.set(initKey, toHex(await makeKeyPackageRef(kp.publicPackage, this.#impl.hash)))
      if (targets.has(this.#refs.get(initKey) as string)) {
        refHex = initKey
        stored = kp
        break
      }
    }
    if (stored === undefined || refHex === undefined) return undefined
    if (welcome.cipherSuite !== CIPHERSUITE_NAME) throw new InvalidWelcomeError(`ciphersuite ${welcome.cipherSuite}`)
    let state: Awaited<ReturnType<typeof joinGroup>>
    try {
      state = await joinGroup(
        welcome,
        stored.publicPackage,
        stored.privatePackage,
        emptyPskIndex,
        this.#impl,
        undefined,
        undefined,
        this.#config,
      )
    } catch (cause) {
      throw new InvalidWelcomeError(String(cause), { cause })
    }
    if (this.#requireBinding) {
      // Every leaf, not only the sender's: a group holding a leaf that claims
      // a member id without its key is a forgery (trustedMembers, beacon signer).
      for (const node of state.ratchetTree) {
        if (node?.nodeType !== 'leaf') continue
        const failure = leafBindingFailure(node.leaf)
        if (failure !== undefined) {
          const id = node.leaf.credential.credentialType === 'basic' ? node.leaf.credential.identity : new Uint8Array(0)
          const cause = new IdentityBindingError(failure, id)
          throw new InvalidWelcomeError(`a leaf of the group is not bound to its member id: ${cause.message}`, { cause })
        }
      }
    }
    const group = new TsMlsGroup(state, this.#deps())
    // Refused (e.g. a group the caller does not recognise): the key package stays for the real Welcome.
    await options.accept?.(group)
    if (options.retainKeyPackage === true) {
      const earlier = this.#retained.get(group.conversationId)
      if (earlier !== undefined && earlier !== refHex) this.#forget(earlier)
      this.#retained.set(group.conversationId, refHex)
    } else {
      this.#forget(refHex)
      for (const [id, initKey] of this.#retained) if (initKey === refHex) this.#retained.delete(id)
    }
    return group
  }

  retainedKeyPackage(conversationId: string): Uint8Array | undefined {
    const initKey = this.#retained.get(conversationId)
    const kp = initKey === undefined ? undefined : this.#keyPackages.get(initKey)
    return kp === undefined ? undefined : encodeKeyPackageMessage(kp.publicPackage)
  }

  releaseKeyPackage(conversationId: string): boolean {
    const initKey = this.#retained.get(conversationId)
    if (initKey === undefined) return false
    this.#retained.delete(conversationId)
    this.#forget(initKey)
    return true
  }

  #forget(initKey: string): void {
    this.#keyPackages.delete(initKey)
    this.#refs.delete(initKey)
  }

  async importGroup(bytes: Uint8Array, options: AbortOptions = {}): Promise<MlsService> {
    throwIfAborted(options.signal)
    const decoded = decodeExportedState(bytes, this.#config)
    this.#assertOwnState(decoded.state)
    await this.#assertTreeMatches(decoded.state, 'the ratchet tree')
    if (decoded.pending !== undefined) await this.#assertTreeMatches(decoded.pending.newState, "the pending commit's ratchet tree")
    throwIfAborted(options.signal)
    return new TsMlsGroup(decoded.state, this.#deps(decoded.publicHandshakes), decoded.pending)
  }

  /**
   * An imported state's ratchet tree must hash to the tree hash its group
   * context commits to: the context is what the epoch's keys were derived
   * from, and a tree that does not match it (a corrupt or tampered store)
   * would stage commits against members the group does not have. Hashing it
   * here also fills the tree-hash cache (UPSTREAM.md §10), so the first
   * commit after a restore re-hashes only the nodes it replaces, as in a
   * process that never stopped, instead of every node of the tree.
   */
  async #assertTreeMatches(state: ClientState, what: string): Promise<void> {
    const hash = await treeHashRoot(state.ratchetTree, this.#impl.hash)
    if (!bytesEqual(hash, state.groupContext.treeHash)) throw new InvalidStateError(`${what} does not hash to the group context's tree hash`)
  }

  async restoreGroup(snapshot: MlsSnapshot, options: AbortOptions = {}): Promise<MlsService> {
    throwIfAborted(options.signal)
    const data = TsMlsSnapshot.dataOf(snapshot)
    if (data === undefined) throw new InvalidStateError('not a snapshot taken by MlsService.snapshot()')
    this.#assertOwnState(data.state)
    return TsMlsGroup.fromSnapshot(data, this.#deps(data.publicHandshakes))
  }

  /** A group state we may take over: our own leaf in it (an import or a restore of another member's state is refused). */
  #assertOwnState(state: ClientState): void {
    const own = identityAtLeaf(state, state.privatePath.leafIndex)
    if (own === undefined || !bytesEqual(own, this.memberId)) throw new InvalidStateError('the state belongs to another member')
  }
}

// One ciphersuite implementation per crypto choice, shared by every client
// of the process: backend key caches and @hpke/core set-up are paid once.
const impls = new Map<unknown, Promise<{ name: string; impl: CiphersuiteImpl }>>()

function ciphersuiteFor(choice: CryptoChoice): Promise<{ name: string; impl: CiphersuiteImpl }> {
  let p = impls.get(choice)
  if (p === undefined) {
    p = resolveCrypto(choice).then(async ({ name, provider }) => ({
      name,
      impl: await getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE_NAME), provider),
    }))
    p.catch(() => impls.delete(choice))
    impls.set(choice, p)
  }
  return p
}

/**
 * Create an MLS client for one member.
 *
 * @throws {@link InvalidMemberIdError} when `memberId` is not 20 bytes, when
 *   `identitySigner` is not the key of `memberId`, or when
 *   `requireIdentityBinding` is true without an `identitySigner`;
 *   {@link CryptoBackendError} when the crypto choice is unavailable;
 *   {@link TsMlsUnpatchedError} when the loaded ts-mls lacks the demls patch
 *   (probed once per process).
 *
 * @example
 * ```ts
 * import { createMlsClient } from '@demls/mls'
 * import { ethereumAddress } from '@demls/eip191'
 * const memberId = ethereumAddress(crypto.getRandomValues(new Uint8Array(32)))
 * const client = await createMlsClient({ memberId })
 * const group = await client.createGroup('chat')
 * ```
 */
export async function createMlsClient(init: MlsClientInit): Promise<MlsClient> {
  assertMemberId(init.memberId)
  const { name, impl } = await ciphersuiteFor(init.crypto ?? 'auto')
  // Fail fast on a ts-mls without our patch (a consumer outside the workspace).
  await assertTsMlsPatched(impl)
  let sig: { signKey: Uint8Array; publicKey: Uint8Array }
  if (init.signatureKey) {
    sig = { signKey: init.signatureKey.privateKey.slice(), publicKey: init.signatureKey.publicKey.slice() }
  } else {
    sig = await impl.signature.keygen()
  }
  if (init.requireIdentityBinding === true && init.identitySigner === undefined) {
    // Our own leaves would be unbound: we would refuse every Welcome, even into a group we were added to.
    throw new InvalidMemberIdError('requireIdentityBinding needs an identitySigner')
  }
  let proof: Uint8Array | undefined
  if (init.identitySigner !== undefined) {
    if (!bytesEqual(init.identitySigner.identity, init.memberId)) {
      throw new InvalidMemberIdError('the identity signer is not the key of memberId')
    }
    proof = await signLeafBinding(init.identitySigner, sig.publicKey)
    const failure = leafBindingFailure({
      credential: { credentialType: 'basic', identity: init.memberId },
      signaturePublicKey: sig.publicKey,
      extensions: [leafBindingExtension(proof)],
    })
    if (failure !== undefined) {
      throw new InvalidMemberIdError(`the identity signer's binding signature is ${failure} (not an EIP-191 signer of memberId?)`)
    }
  }
  return new TsMlsClient(init, impl, name, sig, proof)
}

