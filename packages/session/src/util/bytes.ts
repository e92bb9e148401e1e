// Byte helpers come from @demls/wire.
export { compareBytes, fromHex, toHex } from '@demls/wire'
