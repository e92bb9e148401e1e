/**
 * What `@demls-dev/transport-compliance` imports from `vitest` (`describe`,
 * `it`, `beforeEach`, `afterEach`, `expect`), for a page in Chromium: the
 * bundle of `page/compliance.ts` maps `vitest` here. `expect` is Vitest's
 * own (`@vitest/expect` on chai, the matchers Vitest installs); `describe`
 * and `it` only collect, and {@link runAll} runs the collected tests one
 * after the other with their hooks, as Vitest runs a file.
 */
import { type ExpectStatic, JestAsymmetricMatchers, JestChaiExpect, JestExtend, chai, setState } from '@vitest/expect'

chai.use(JestExtend)
chai.use(JestChaiExpect)
chai.use(JestAsymmetricMatchers)

/** Vitest's `expect`: chai's `expect` with the Jest-style matchers. */
export const expect = ((value: unknown, message?: string) => chai.expect(value, message)) as unknown as ExpectStatic
Object.assign(expect, chai.expect)
setState({ assertionCalls: 0, isExpectingAssertions: false, isExpectingAssertionsError: null, expectedAssertionsNumber: null, expectedAssertionsNumberErrorGen: null }, expect)

type Fn = () => unknown
interface Block {
  name: string
  before: Fn[]
  after: Fn[]
  tests: Array<{ name: string; fn: Fn; timeoutMs: number | undefined }>
  children: Block[]
}

const root: Block = { name: '', before: [], after: [], tests: [], children: [] }
let current = root

/** Group tests (the callback runs at once, as in Vitest, to collect them). */
export function describe(name: string, body: () => void): void {
  const block: Block = { name, before: [], after: [], tests: [], children: [] }
  current.children.push(block)
  const parent = current
  current = block
  try {
    body()
  } finally {
    current = parent
  }
}

/** Declare a test. */
export function it(name: string, fn: Fn, timeoutMs?: number): void {
  current.tests.push({ name, fn, timeoutMs })
}
export { it as test }

/** Run `fn` before each test of this block and its children. */
export function beforeEach(fn: Fn): void {
  current.before.push(fn)
}

/** Run `fn` after each test of this block and its children. */
export function afterEach(fn: Fn): void {
  current.after.push(fn)
}

/** The outcome of one test. */
export interface TestResult {
  /** Block names and test name joined by ` > `. */
  name: string
  ok: boolean
  error?: string
  ms: number
}

function withTimeout(work: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Run every collected test in declaration order: the `beforeEach` hooks
 * from the outermost block in, the test, then the `afterEach` hooks from
 * the innermost block out (always, as Vitest does). `onResult` sees each
 * result as it comes.
 */
export async function runAll(defaultTimeoutMs: number, onResult: (r: TestResult) => void = () => undefined): Promise<TestResult[]> {
  const results: TestResult[] = []
  const visit = async (block: Block, path: string[], before: Fn[], after: Fn[]): Promise<void> => {
    const names = block.name === '' ? path : [...path, block.name]
    const b = [...before, ...block.before]
    const a = [...block.after, ...after]
    for (const t of block.tests) {
      const name = [...names, t.name].join(' > ')
      const t0 = Date.now()
      let error: string | undefined
      try {
        const run = async () => {
          for (const h of b) await h()
          await t.fn()
        }
        await withTimeout(run(), t.timeoutMs ?? defaultTimeoutMs, name)
      } catch (err) {
        error = err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      }
      for (const h of a) {
        try {
          await withTimeout(Promise.resolve(h()), defaultTimeoutMs, `${name} (afterEach)`)
        } catch (err) {
          error ??= `afterEach: ${err instanceof Error ? err.message : String(err)}`
        }
      }
      const r: TestResult = { name, ok: error === undefined, ms: Date.now() - t0, ...(error !== undefined ? { error } : {}) }
      results.push(r)
      onResult(r)
    }
    for (const c of block.children) await visit(c, names, b, a)
  }
  await visit(root, [], [], [])
  return results
}
