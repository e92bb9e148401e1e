/**
 * A listener of a typed event: a function or an object with `handleEvent`.
 *
 * @example
 * ```ts
 * import { type EventHandler, type InboundPacket } from '@demls/wire'
 * import { MemoryNetwork } from '@demls/transport-memory'
 * const onMessage: EventHandler<InboundPacket> = (e) => console.log(e.detail.topic, e.detail.bytes)
 * const transport = new MemoryNetwork().createTransport('alice')
 * transport.addEventListener('message', onMessage)
 * transport.removeEventListener('message', onMessage)
 * ```
 */
export type EventHandler<Detail> =
  | ((evt: CustomEvent<Detail>) => void)
  | { handleEvent(evt: CustomEvent<Detail>): void }

/**
 * A typed `EventTarget` (the js-libp2p `TypedEventEmitter` pattern): listeners
 * receive `CustomEvent`s whose `detail` type is known per event name.
 *
 * @example
 * ```ts
 * import { type TransportEvents, type TypedEventTarget } from '@demls/wire'
 * function logDrops(target: TypedEventTarget<TransportEvents>): void {
 *   target.addEventListener('drop', (e) => console.log(`dropped ${e.detail.bytes} bytes: ${e.detail.reason}`))
 * }
 * ```
 */
export interface TypedEventTarget<EventMap extends Record<string, unknown>> extends EventTarget {
  addEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: EventHandler<EventMap[K]> | null,
    options?: boolean | AddEventListenerOptions,
  ): void
  removeEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: EventHandler<EventMap[K]> | null,
    options?: boolean | EventListenerOptions,
  ): void
  /**
   * Dispatch `detail` to the listeners of `type`. A throwing listener does not
   * stop the others, and its error is reported instead of thrown.
   */
  safeDispatch<K extends keyof EventMap & string>(type: K, detail: EventMap[K]): boolean
}

/**
 * Base class for emitters of typed events. Unlike a bare `EventTarget`, a
 * listener that throws cannot crash the process or stop later listeners:
 * its error goes to {@link TypedEventEmitter.onListenerError} (by default
 * `console.error`).
 *
 * @example
 * ```ts
 * import { TypedEventEmitter } from '@demls/wire'
 * const emitter = new TypedEventEmitter<{ tick: number }>()
 * emitter.addEventListener('tick', (e) => console.log(e.detail))
 * emitter.safeDispatch('tick', 1)
 * ```
 */
export class TypedEventEmitter<EventMap extends Record<string, unknown>>
  extends EventTarget
  implements TypedEventTarget<EventMap>
{
  readonly #listeners = new Map<string, { fn: EventHandler<unknown>; once: boolean }[]>()

  /** Called with the error of a throwing listener. Override to route it elsewhere. */
  onListenerError(error: unknown, type: string): void {
    console.error(`listener of "${type}" threw`, error)
  }

  override addEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: EventHandler<EventMap[K]> | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    if (listener == null) return
    const opts = typeof options === 'object' ? options : {}
    if (opts.signal?.aborted) return
    let list = this.#listeners.get(type)
    if (list === undefined) {
      list = []
      this.#listeners.set(type, list)
    }
    if (list.some((l) => l.fn === listener)) return
    list.push({ fn: listener as EventHandler<unknown>, once: opts.once === true })
    opts.signal?.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true })
  }

  override removeEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: EventHandler<EventMap[K]> | null,
    _options?: boolean | EventListenerOptions,
  ): void {
    const list = this.#listeners.get(type)
    if (list === undefined) return
    const i = list.findIndex((l) => l.fn === listener)
    if (i >= 0) list.splice(i, 1)
  }

  override dispatchEvent(event: Event): boolean {
    const list = this.#listeners.get(event.type)
    if (list === undefined || list.length === 0) return !event.defaultPrevented
    for (const l of [...list]) {
      if (l.once) this.removeEventListener(event.type as keyof EventMap & string, l.fn as EventHandler<EventMap[keyof EventMap & string]>)
      try {
        if (typeof l.fn === 'function') l.fn.call(this, event as CustomEvent<unknown>)
        else l.fn.handleEvent(event as CustomEvent<unknown>)
      } catch (err) {
        this.onListenerError(err, event.type)
      }
    }
    return !event.defaultPrevented
  }

  /** Number of listeners of `type`. */
  listenerCount(type: keyof EventMap & string): number {
    return this.#listeners.get(type)?.length ?? 0
  }

  safeDispatch<K extends keyof EventMap & string>(type: K, detail: EventMap[K]): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
