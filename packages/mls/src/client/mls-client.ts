import { throwIfAborted } from '@demls/wire'
import {
  type CiphersuiteImpl,
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
} from 'ts-mls'
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js'
import { CIPHERSUITE_NAME } from '../crypto/provider.js'
import { type CryptoChoice, resolveCrypto } from '../crypto/select.js'
import { InvalidStateError, InvalidWelcomeError, UnexpectedMessageKindError } from '../errors.js'
import type { GroupDeps } from '../group/context.js'
import { identityAtLeaf } from '../group/members.js'
import { TsMlsGroup } from '../group/mls-group.js'
import { memberIdAuthenticationService } from '../identity/authentication-service.js'
import { assertMemberId } from '../identity/member-id.js'
import { bytesEqual, toHex, utf8 } from '../internal/bytes.js'
import type { KeyPackageInfo } from '../key-package/codec.js'
import { encodeKeyPackageMessage } from '../key-package/codec.js'
import { DEFAULT_KEY_PACKAGE_LIFETIME_SECONDS, lifetimeFrom } from '../key-package/lifetime.js'
import { validateKeyPackageInternal } from '../key-package/validate.js'
import { decodeMls } from '../message/codec.js'
import { kindOf } from '../message/inspect.js'
import { decodeExportedState } from '../state/codec.js'
import type { AbortOptions, GenerateKeyPackageOptions, JoinFromWelcomeOptions, MlsClient, MlsService } from '../types.js'

/** How many past messages / epochs a member can still decrypt. */
export interface KeyRetention {
  /** Out-of-order generations kept per sender. @default 10 */
  retainKeysForGenerations: number
  /** Past epochs whose receiver keys are kept (unused: decrypt is current-epoch only). @default 4 */
  retainKeysForEpochs: number
  /** Largest generation jump accepted from one sender. @default 200 */
  maximumForwardRatchetSteps: number
}

/** Options of {@link createMlsClient}. */
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
  readonly #keyPackages = new Map<string, StoredKeyPackage>()
  readonly #refs = new Map<string, string>()

  constructor(init: MlsClientInit, impl: CiphersuiteImpl, cryptoName: string, sig: { signKey: Uint8Array; publicKey: Uint8Array }) {
    this.memberId = init.memberId.slice()
    this.#impl = impl
    this.cryptoName = cryptoName
    this.#signKey = sig.signKey
    this.signaturePublicKey = sig.publicKey
    this.#publicHandshakes = init.publicHandshakes ?? false
    this.#config = {
      keyRetentionConfig: { ...DEFAULT_RETENTION, ...init.keyRetention },
      lifetimeConfig: defaultLifetimeConfig,
      keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
      paddingConfig: defaultPaddingConfig,
      authService: memberIdAuthenticationService,
    }
  }

  #deps(publicHandshakes = this.#publicHandshakes): GroupDeps {
    return { impl: this.#impl, clientConfig: this.#config, memberId: this.memberId, publicHandshakes }
  }

  async #newKeyPackage(lifetimeSeconds: number, nowMs: number): Promise<StoredKeyPackage> {
    return generateKeyPackageWithKey(
      { credentialType: 'basic', identity: this.memberId },
      defaultCapabilities(),
      lifetimeFrom(nowMs, lifetimeSeconds),
      [],
      { signKey: this.#signKey, publicKey: this.signaturePublicKey },
      this.#impl,
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
    return this.#keyPackages.size
  }

  async validateKeyPackage(keyPackage: Uint8Array, options: { nowMs?: number } = {}): Promise<KeyPackageInfo> {
    return (await validateKeyPackageInternal(keyPackage, this.#impl, options.nowMs ?? Date.now())).info
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
    const group = new TsMlsGroup(state, this.#deps())
    // Refused (e.g. a group the caller does not recognise): the key package stays for the real Welcome.
    await options.accept?.(group)
    this.#keyPackages.delete(refHex)
    this.#refs.delete(refHex)
    return group
  }

  async importGroup(bytes: Uint8Array, options: AbortOptions = {}): Promise<MlsService> {
    throwIfAborted(options.signal)
    const decoded = decodeExportedState(bytes, this.#config)
    const own = identityAtLeaf(decoded.state, decoded.state.privatePath.leafIndex)
    if (own === undefined || !bytesEqual(own, this.memberId)) {
      throw new InvalidStateError('the state belongs to another member')
    }
    return new TsMlsGroup(decoded.state, this.#deps(decoded.publicHandshakes), decoded.pending)
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
 * @throws {@link InvalidMemberIdError} when `memberId` is not 20 bytes,
 *   {@link CryptoBackendError} when the crypto choice is unavailable.
 */
export async function createMlsClient(init: MlsClientInit): Promise<MlsClient> {
  assertMemberId(init.memberId)
  const { name, impl } = await ciphersuiteFor(init.crypto ?? 'auto')
  let sig: { signKey: Uint8Array; publicKey: Uint8Array }
  if (init.signatureKey) {
    sig = { signKey: init.signatureKey.privateKey.slice(), publicKey: init.signatureKey.publicKey.slice() }
  } else {
    sig = await impl.signature.keygen()
  }
  return new TsMlsClient(init, impl, name, sig)
}

