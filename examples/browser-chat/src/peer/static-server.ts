import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

/** A static file server on 127.0.0.1 (a secure context, so the page gets WebCrypto and Web Locks). */
export interface StaticServer {
  /** `http://127.0.0.1:PORT/` */
  url: string
  close(): Promise<void>
}

/**
 * Serve the files of `dir` (the page `vite build` wrote) on 127.0.0.1:`port`
 * (0: a free port). GET and HEAD only; paths outside `dir` are refused;
 * `/` is `index.html`.
 */
export async function serveStatic(dir: string, port: number): Promise<StaticServer> {
  const root = normalize(dir) + sep
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const file = normalize(join(root, path === '/' ? 'index.html' : path))
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(root)) {
      res.writeHead(404).end()
      return
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
