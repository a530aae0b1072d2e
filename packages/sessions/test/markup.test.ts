import { describe, expect, it } from 'vitest'
import { escape as escapeHTML, Markup } from '../src/index.js'

describe('Markup', () => {
  it('holds HTML as it is and renders itself', () => {
    const m = new Markup('<b>hi</b>')
    expect(m.__html__()).toBe('<b>hi</b>')
    expect(`${m}`).toBe('<b>hi</b>')
    expect(JSON.stringify({ m })).toBe('{"m":"<b>hi</b>"}')
  })

  it('takes the HTML of anything with __html__', () => {
    expect(new Markup({ __html__: () => '<i>' }).valueOf()).toBe('<i>')
  })
})

describe('escape', () => {
  const rows: Array<[name: string, value: unknown, html: string]> = [
    ['escapes & < > \' " as markupsafe', `&<>'"`, '&amp;&lt;&gt;&#39;&#34;'],
    ['leaves markup alone', new Markup('<b>'), '<b>'],
    ['writes null as nothing', null, ''],
    ['writes a number as text', 3, '3'],
  ]
  for (const [name, value, html] of rows) {
    it(name, () => {
      expect(escapeHTML(value)).toBeInstanceOf(Markup)
      expect(escapeHTML(value).__html__()).toBe(html)
    })
  }
})
