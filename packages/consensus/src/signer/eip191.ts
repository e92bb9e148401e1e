// EIP-191 signing and recovery live in @demls/eip191 (shared with
// @demls/mls's leaf bindings, with a native backend in Node); re-exported
// here so @demls/consensus keeps its API.
export {
  ADDRESS_LENGTH,
  SIGNATURE_LENGTH,
  addressFromPublicKey,
  ethereumAddress,
  hashPersonalMessage,
  recoverPersonalMessageAddress,
  signPersonalMessage,
  signatureBackend,
  verifyPersonalMessage,
} from '@demls/eip191'
