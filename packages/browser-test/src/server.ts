import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A static page served on 127.0.0.1 (a secure context for WebCrypto, unlike `about:blank`). */
export interface PageServer {
  /** `http://127.0.0.1:PORT/` */
  url: string
  close(): Promise<void>
}

const HTML = '<!doctype html><html><head><meta charset="utf-8"><title>demls</title><script type="module" src="/page.js"></script></head><body></body></html>'

/** Serve `/` (an HTML shell) and `/page.js` (the bundle); anything else is a 404. */
export async function servePage(js: Uint8Array): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML)
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(js)
    } else {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
