// Byte helpers come from @demls/wire; only the UTF-8 codecs live here.
export { bytesEqual, compareBytes, toHex } from '@demls/wire'

export const utf8 = new TextEncoder()
export const utf8Decoder = new TextDecoder('utf-8', { fatal: true })
