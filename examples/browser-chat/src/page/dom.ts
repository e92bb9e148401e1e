/** The element with `id`, typed; throws when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id)
  if (e === null) throw new Error(`index.html has no #${id}`)
  return e as T
}

/** A new element with text (never parsed as HTML) and attributes. */
export function el(tag: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v)
  e.append(...children)
  return e
}

/** Replace the children of `parent` with `children`. */
export function fill(parent: HTMLElement, children: Node[]): void {
  parent.replaceChildren(...children)
}
