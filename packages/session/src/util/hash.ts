/**
 * SHA-256 for the session: OpenSSL's through `node:crypto` in Node for
 * inputs of 64 bytes and more (`hash-node.ts`, the "node" condition of the
 * package's `#session-hash` import), @noble/hashes below that and on every
 * other platform (`hash-default.ts`), so browser bundles never see a Node
 * module. A hash has one answer, so which one ran never shows; the
 * difference is speed on the large inputs the session hashes: a commit
 * candidate of 30 KB takes 0.03 ms against 0.4 ms with @noble/hashes here,
 * and every member hashes each copy of each candidate it receives and each
 * Welcome, which carries a large group's ratchet tree.
 *
 * `sha256Backend` says which one hashes large inputs (`'node'` or
 * `'noble'`), for tests and diagnostics.
 */
export { sha256, sha256Backend } from '#session-hash'
