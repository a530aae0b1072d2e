import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/wrappers/response.js'

/** markupsafe's escape, as a plain replace: what the fast version must equal. */
const reference = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!,
  )

describe('escapeHtml', () => {
  const cases: Array<[text: string, escaped: string]> = [
    ['', ''],
    ['plain text', 'plain text'],
    ['<b>', '&lt;b&gt;'],
    ['a & b', 'a &amp; b'],
    [`"double" 'single'`, '&#34;double&#34; &#39;single&#39;'],
    ['&amp;', '&amp;amp;'],
    ['<<>>', '&lt;&lt;&gt;&gt;'],
    ['ends with <', 'ends with &lt;'],
    ['> starts', '&gt; starts'],
    ['café <€> 😀', 'café &lt;€&gt; 😀'],
  ]
  for (const [text, escaped] of cases) {
    it(`escapes ${JSON.stringify(text)} as markupsafe does`, () => {
      expect(escapeHtml(text)).toBe(escaped)
    })
  }

  it('equals the plain replace on any string', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '&', '<', '>', '"', "'", ' ', '😀') })
    fc.assert(
      fc.property(text, (value) => escapeHtml(value) === reference(value)),
      { seed: 20261125, numRuns: 2000 },
    )
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => escapeHtml(value) === reference(value)),
      {
        seed: 20261125,
        numRuns: 2000,
      },
    )
  })
})
