import { describe, expect, it } from 'vitest'
import { nodeCryptoBackend } from '../src/crypto/node-backend.js'
import { webCryptoBackend } from '../src/crypto/web-backend.js'
import { type CryptoChoice, createMlsClient } from '../src/index.js'
import { assertExchange, randomId, text } from './helpers.js'

describe('crypto backends', () => {
  it('node and web backends agree on every primitive', async () => {
    const node = nodeCryptoBackend()
    const web = await webCryptoBackend()
    const data = crypto.getRandomValues(new Uint8Array(300))
    const key16 = crypto.getRandomValues(new Uint8Array(16))
    const nonce = crypto.getRandomValues(new Uint8Array(12))
    const aad = crypto.getRandomValues(new Uint8Array(20))
    expect(await web.sha256(data)).toEqual(await node.sha256(data))
    expect(await web.hmacSha256(key16, data)).toEqual(await node.hmacSha256(key16, data))
    for (const ad of [aad, new Uint8Array()]) {
      const ct = await node.aesGcmEncrypt(key16, nonce, ad, data)
      expect(await web.aesGcmEncrypt(key16, nonce, ad, data)).toEqual(ct)
      expect(await web.aesGcmDecrypt(key16, nonce, ad, ct)).toEqual(data)
      expect(await node.aesGcmDecrypt(key16, nonce, ad, ct)).toEqual(data)
      const bad = ct.slice()
      bad[0] = (bad[0] as number) ^ 1
      expect(() => node.aesGcmDecrypt(key16, nonce, ad, bad)).toThrow()
      await expect(Promise.resolve().then(() => web.aesGcmDecrypt(key16, nonce, ad, bad))).rejects.toThrow()
    }
    for (const [signer, verifier] of [
      [node, web],
      [web, node],
    ] as const) {
      const { signKey, publicKey } = await signer.ed25519Keygen()
      expect(signKey).toHaveLength(32)
      const sig = await signer.ed25519Sign(signKey, data)
      expect(await verifier.ed25519Sign(signKey, data)).toEqual(sig) // Ed25519 is deterministic
      expect(await verifier.ed25519Verify(publicKey, data, sig)).toBe(true)
      expect(await verifier.ed25519Verify(publicKey, text('other'), sig)).toBe(false)
      expect(await verifier.ed25519Verify(new Uint8Array(32), data, sig)).toBe(false)
    }
  })

  it('node backend random bytes: every length, pooled small requests distinct and uniform', () => {
    const { randomBytes } = nodeCryptoBackend()
    for (const n of [0, 1, 4, 32, 64, 65, 5000]) expect(randomBytes!(n).length).toBe(n)
    const guards = new Set<string>()
    const counts = new Array<number>(256).fill(0)
    // 30 000 reuse guards: 120 000 bytes, about 29 pool refills
    for (let i = 0; i < 30_000; i++) {
      const g = randomBytes!(4)
      guards.add(Buffer.from(g).toString('hex'))
      for (const b of g) counts[b]! += 1
    }
    // 2^32 values: a birthday collision among 30 000 has probability ~0.1; a pool handing bytes out twice gives thousands
    expect(guards.size).toBeGreaterThan(29_990)
    // 120 000 bytes, 469 expected per value; ±35 % is > 10 standard deviations
    for (const c of counts) expect(Math.abs(c - 469)).toBeLessThan(165)
  })

  it('members on the default, node and web providers share one group', async () => {
    const choices: CryptoChoice[] = ['default', 'auto', 'web', 'default']
    const clients = await Promise.all(choices.map((c) => createMlsClient({ memberId: randomId(), crypto: c })))
    expect(clients.map((c) => c.cryptoName)).toEqual(['ts-mls-default', 'node', 'web', 'ts-mls-default'])
    const [d1, n, w, d2] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0], (typeof clients)[0]]
    // node-provider member creates the group and adds the web and default members
    const gn = await n.createGroup('interop')
    const c1 = await gn.createCommitCandidate([
      { action: 'add', keyPackage: await d1.generateKeyPackage() },
      { action: 'add', keyPackage: await w.generateKeyPackage() },
    ])
    await gn.mergeOwnCommit()
    const gd1 = (await d1.joinFromWelcome(c1.welcome!))!
    const gw = (await w.joinFromWelcome(c1.welcome!))!
    await assertExchange([gn, gd1, gw])
    // default-provider member commits an add; the others stage and merge it
    const c2 = await gd1.createCommitCandidate([{ action: 'add', keyPackage: await d2.generateKeyPackage() }])
    for (const g of [gn, gw]) {
      expect((await g.stageRemoteCommit(c2)).status).toBe('staged')
      await g.mergeStagedCommit()
    }
    await gd1.mergeOwnCommit()
    const gd2 = (await d2.joinFromWelcome(c2.welcome!))!
    // web member removes the node member
    const c3 = await gw.createCommitCandidate([{ action: 'remove', memberId: n.memberId }])
    for (const g of [gd1, gd2, gn]) {
      expect((await g.stageRemoteCommit(c3)).status).toBe('staged')
      await g.mergeStagedCommit()
    }
    await gw.mergeOwnCommit()
    expect(gn.isActive()).toBe(false)
    await assertExchange([gd1, gw, gd2])
    expect(gd2.epochAuthenticator()).toEqual(gw.epochAuthenticator())
  })
})

describe('browser path', () => {
  it('keeps Node built-ins out of every module but the node backend (crypto/node-*.ts, imported only by each other)', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const root = new URL('../src', import.meta.url).pathname
    const offenders: string[] = []
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (!p.endsWith('.ts')) continue
        else if (/crypto\/node-[a-z0-9-]+\.ts$/.test(p)) continue
        else if (/from ['"](node:|\.\/node-)/.test(readFileSync(p, 'utf8'))) offenders.push(p)
      }
    }
    walk(root)
    expect(offenders).toEqual([])
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(pkg.imports['#crypto-backend'].default).toBe('./dist/crypto/web-backend.js')
    expect(pkg.imports['#crypto-backend'].node).toBe('./dist/crypto/node-backend.js')
  })
})
