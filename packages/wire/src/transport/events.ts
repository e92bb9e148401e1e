/** A listener of a typed event: a function or an object with `handleEvent`. */
export type EventHandler<Detail> =
  | ((evt: CustomEvent<Detail>) => void)
  | { handleEvent(evt: CustomEvent<Detail>): void }

/**
 * A typed `EventTarget` (the js-libp2p `TypedEventEmitter` pattern): listeners
 * receive `CustomEvent`s whose `detail` type is known per event name.
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
  /** Dispatch `detail` to the listeners of `type`; a throwing listener cannot break the emitter. */
  safeDispatch<K extends keyof EventMap & string>(type: K, detail: EventMap[K]): boolean
}

/**
 * Base class for emitters of typed events.
 *
 * @example
 * ```ts
 * const emitter = new TypedEventEmitter<{ tick: number }>()
 * emitter.addEventListener('tick', (e) => console.log(e.detail))
 * emitter.safeDispatch('tick', 1)
 * ```
 */
export class TypedEventEmitter<EventMap extends Record<string, unknown>>
  extends EventTarget
  implements TypedEventTarget<EventMap>
{
  override addEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: EventHandler<EventMap[K]> | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener as EventListener | null, options)
  }

  override removeEventListener<K extends keyof EventMap & string>(
    type: K,
    listener: EventHandler<EventMap[K]> | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener as EventListener | null, options)
  }

  safeDispatch<K extends keyof EventMap & string>(type: K, detail: EventMap[K]): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
