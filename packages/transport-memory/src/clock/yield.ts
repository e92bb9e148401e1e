type Schedule = (fn: () => void) => void

const pickMacrotask = (): Schedule => {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown }
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate
    return (fn) => {
      setImmediate(fn)
    }
  }
  if (typeof MessageChannel === 'function') {
    return (fn) => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        channel.port1.close()
        fn()
      }
      channel.port2.postMessage(undefined)
    }
  }
  return (fn) => {
    setTimeout(fn, 0)
  }
}

const schedule = pickMacrotask()

/**
 * Resolve after one macrotask turn (`setImmediate` in Node, a
 * `MessageChannel` message in browsers): every pending microtask and every
 * already-queued immediate has run by then.
 *
 * @example
 * ```ts
 * import { yieldMacrotask } from '@demls/transport-memory'
 * let ran = false
 * queueMicrotask(() => { ran = true })
 * await yieldMacrotask()
 * console.log(ran) // true: every pending microtask has run
 * ```
 */
export function yieldMacrotask(): Promise<void> {
  return new Promise((resolve) => schedule(resolve))
}
