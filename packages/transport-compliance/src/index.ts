/**
 * Internal: the compliance suite every demls `Transport` implementation
 * runs (`@demls/transport-memory`, `@demls/transport-gossipsub`), in the
 * spirit of `@libp2p/interface-compliance-tests`.
 *
 * @example
 * ```ts
 * import { transportComplianceTests } from '@demls-dev/transport-compliance'
 * transportComplianceTests('my transport', () => makeHarness())
 * ```
 *
 * @packageDocumentation
 */
export { type Collected, collect } from './collect.js'
export type { CreateOptions, TransportHarness, TransportHarnessFactory } from './harness.js'
export { type TransportComplianceOptions, transportComplianceTests } from './suite.js'
