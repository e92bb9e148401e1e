// Byte helpers come from @demls/wire; these aliases keep the names used here.
export { bytesEqual as equalBytes, compareBytes, toHex as memberIdHex } from '@demls/wire'
