import nunjucks from 'nunjucks'
import { describe, expect, it } from 'vitest'
import { FastFrame } from '../../src/templating/frame.js'
import { renderTemplateString } from '../../src/templating/index.js'
import { inApp, makeApp } from './fixtures/apps.js'

/** Templates that exercise scoping: what Flagon's frames render must be what nunjucks' own render. */
const templates: Array<[name: string, source: string]> = [
  [
    'loop variables',
    '{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }}:{{ x }} {% endfor %}',
  ],
  [
    'nested loops keep their own loop',
    '{% for a in xs %}{% for b in xs %}{{ loop.index }}{{ a }}{% endfor %}|{{ loop.index }};{% endfor %}',
  ],
  [
    'a set inside a loop does not leak out',
    '{% set y = 1 %}{% for x in xs %}{% set y = x %}{{ y }}{% endfor %}/{{ y }}',
  ],
  [
    'a top-level set is seen below',
    '{% set y = "top" %}{% if true %}{{ y }}{% set y = "inner" %}{% endif %}{{ y }}',
  ],
  [
    'macros with defaults, keywords and caller',
    '{% macro m(a, b=2) %}{{ a }}{{ b }}{{ caller() if caller }}{% endmacro %}{{ m(1) }}{{ m(1, b=3) }}{% call m(4) %}c{% endcall %}',
  ],
  [
    'a macro does not see the loop it is called from',
    '{% macro m() %}{{ loop.index if loop }}{% endmacro %}{% for x in xs %}[{{ m() }}]{% endfor %}',
  ],
  ['set blocks', '{% set block %}{% for x in xs %}{{ x }}{% endfor %}{% endset %}{{ block }}'],
  ['loop over a dict', '{% for k, v in d %}{{ k }}={{ v }}{{ loop.index }} {% endfor %}'],
]

describe("Flagon's template frames", () => {
  const context = { xs: [1, 2, 3], d: { a: 1, b: 2 } }
  const plain = new nunjucks.Environment(null, { autoescape: true })
  for (const [name, source] of templates) {
    it(`render ${name} as nunjucks does`, async () => {
      const ours = await inApp(makeApp(), () => renderTemplateString(source, context))
      expect(ours).toBe(plain.renderString(source, context))
    })
  }

  it('set dotted names into nested objects, and write up to the frame that owns a name', () => {
    const root = new FastFrame()
    root.set('loop.index', 1)
    root.set('loop.first', true)
    expect(root.variables).toEqual({ loop: { index: 1, first: true } })
    const child = root.push()
    child.set('loop.index', 2, true)
    expect(root.variables).toEqual({ loop: { index: 2, first: true } })
    expect(child.variables).toEqual({})
    expect(child).toBeInstanceOf(FastFrame)
  })

  it('take over a nunjucks frame with its variables', () => {
    const Frame = (
      nunjucks.runtime as unknown as { Frame: new () => { variables: object; topLevel: boolean } }
    ).Frame
    const theirs = new Frame()
    theirs.topLevel = true
    const ours = FastFrame.from(theirs as never)
    ours.set('a', 1)
    expect(theirs.variables).toEqual({ a: 1 })
    expect(ours.topLevel).toBe(true)
  })
})
