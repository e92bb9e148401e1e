// Byte helpers come from @demls/wire.
export { compareBytes, fromHex, toHex } from '@demls/wire'

/** What a `MemberWelcome` weighs in the byte budgets that hold Welcomes (its two payloads and 32 bytes per joiner id). */
export function memberWelcomeBytes(w: { welcomeBytes: Uint8Array; conversationSyncBytes: Uint8Array; joinerIdentities: readonly Uint8Array[] }): number {
  return w.welcomeBytes.length + w.conversationSyncBytes.length + 32 * w.joinerIdentities.length
}
