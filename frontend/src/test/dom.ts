import type { DOMWrapper, VueWrapper } from '@vue/test-utils'

/** Anything to search in: a mounted component or a part of it (`get` leaves out `exists`). */
type Root = Pick<VueWrapper | DOMWrapper<Element>, 'findAll' | 'get'>

/** The button whose text is `name` (visually hidden parts included, spaces squeezed). */
export function button(w: Root, name: string | RegExp): DOMWrapper<HTMLButtonElement> {
  const text = (b: DOMWrapper<Element>) => b.text().replace(/\s+/g, ' ').trim()
  const b = w.findAll('button').find((x) => (typeof name === 'string' ? text(x) === name : name.test(text(x))))
  if (!b) throw new Error(`no button ${String(name)} among ${w.findAll('button').map(text).join(' | ')}`)
  return b as DOMWrapper<HTMLButtonElement>
}

/** The form control labelled `name`. */
export function control(w: Root, name: string): DOMWrapper<HTMLInputElement> {
  const label = w.findAll('label').find((l) => l.text().trim() === name)
  if (!label) throw new Error(`no label ${name}`)
  return w.get(`#${label.attributes('for')}`) as DOMWrapper<HTMLInputElement>
}

/** The section headed `heading` (h2). */
export function section(w: VueWrapper, heading: string): DOMWrapper<Element> {
  const s = w.findAll('section').find((x) => x.find('h2').exists() && x.get('h2').text() === heading)
  if (!s) throw new Error(`no section ${heading}`)
  return s
}
