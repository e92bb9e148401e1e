/**
 * `Promise.withResolvers` exists from Node 22; libp2p's dependencies
 * (`it-queue`, `mortice`) call it, so on Node 20 it must be installed
 * before libp2p is evaluated. The package entry imports this module first.
 * It assigns the method only when it is missing and touches nothing else.
 */
const P = Promise as unknown as { withResolvers?: unknown }
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

export {}
