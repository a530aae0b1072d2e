import { describe, expect, it } from 'vitest'
import { renderTemplateString, TemplateError, TemplateRegistry } from '../../src/templating/index.js'
import { inApp, makeApp } from './fixtures/apps.js'

function render(source: string, setup: (templates: TemplateRegistry) => void, context = {}) {
  const app = makeApp()
  setup(app.templates)
  return inApp(app, () => renderTemplateString(source, context))
}

describe('registered filters, tests and globals', () => {
  const rows: Array<[name: string, source: string, setup: (t: TemplateRegistry) => void, out: string]> = [
    ['a filter', '{{ 5|double }}', (t) => t.addFilter((n: number) => n * 2, 'double'), '10'],
    [
      'a filter named after its function',
      '{{ 5|double }}',
      (t) =>
        t.addFilter(function double(n: number) {
          return n * 2
        }),
      '10',
    ],
    [
      'a filter with arguments',
      '{{ 5|times(3) }}',
      (t) => t.addFilter((n: number, k: number) => n * k, 'times'),
      '15',
    ],
    [
      'a test',
      '{{ 4 is even2 }} {{ 3 is even2 }}',
      (t) => t.addTest((n: number) => n % 2 === 0, 'even2'),
      'true false',
    ],
    ['a global function', '{{ twice(3) }}', (t) => t.addGlobal((n: number) => n * 2, 'twice'), '6'],
    ['a global value', '{{ site }}', (t) => t.addGlobal('Flagon', 'site'), 'Flagon'],
    ['an async filter', '{{ 5|later }}', (t) => t.addFilter(async (n: number) => n + 1, 'later'), '6'],
    [
      'an async filter in a for loop',
      '{% for n in [1, 2, 3] %}{{ n|later }}{% endfor %}',
      (t) => t.addFilter(async (n: number) => n * 10, 'later'),
      '102030',
    ],
    [
      'an async filter in a condition',
      '{% if 2|later > 3 %}big{% endif %}',
      (t) => t.addFilter(async (n: number) => n * 2, 'later'),
      'big',
    ],
    [
      'an async filter in a set',
      '{% set x = 2|later %}{{ x }}',
      (t) => t.addFilter(async (n: number) => n * 2, 'later'),
      '4',
    ],
    [
      'a filter returning markup',
      '{{ "x"|bold }}',
      (t) => t.addFilter((s: string) => ({ __html__: () => `<b>${s}</b>` }), 'bold'),
      '<b>x</b>',
    ],
    ['the escape filter, leaving markup alone', '{{ "<i>"|e }} {{ m|escape }}', () => {}, '&lt;i&gt; <b>'],
  ]
  for (const [name, source, setup, out] of rows) {
    it(name, async () => {
      expect(await render(source, setup, { m: { __html__: () => '<b>' } })).toBe(out)
    })
  }

  it('a filter registered after the first render is used by the next', async () => {
    const app = makeApp()
    await inApp(app, () => renderTemplateString('{{ 1 }}'))
    app.templates.addFilter((n: number) => n * 2, 'double')
    expect(await inApp(app, () => renderTemplateString('{{ 5|double }}'))).toBe('10')
  })

  it('an error thrown after an async filter fails the render instead of hanging it', async () => {
    const error = await render('{{ 1|later }}\n{{ nope() }}', (t) =>
      t.addFilter(async (n: number) => n, 'later'),
    ).catch((e) => e)
    expect(error).toBeInstanceOf(TemplateError)
    expect(error.message).toMatch(/Unable to call `nope`/)
  })

  it('a plain filter that returns a promise is a clear error', async () => {
    const error = await render('{{ 1|sneaky }}', (t) =>
      t.addFilter((n: number) => Promise.resolve(n), 'sneaky'),
    ).catch((e) => e)
    expect(error).toBeInstanceOf(TemplateError)
    expect(error.message).toMatch(/filter "sneaky" returned a promise.*async function/)
  })
})

describe('registering', () => {
  const rows: Array<[name: string, register: (t: TemplateRegistry) => unknown, message: RegExp]> = [
    ['an anonymous filter without a name', (t) => t.addFilter((n: number) => n), /has no name/],
    [
      'a name that is not an identifier',
      (t) => t.addFilter((n: number) => n, 'no-dash'),
      /"no-dash" is not a valid name/,
    ],
    [
      'an async test',
      (t) => t.addTest((async () => true) as never, 'later'),
      /test "later" is an async function/,
    ],
    ['an async global', (t) => t.addGlobal(async () => 1, 'later'), /global "later" is an async function/],
    ['a global value without a name', (t) => t.addGlobal(42), /has no name/],
  ]
  for (const [name, register, message] of rows) {
    it(`refuses ${name}`, () => {
      expect(() => register(new TemplateRegistry())).toThrow(message)
    })
  }

  it('returns the function, to be used as a decorator-like call', () => {
    const fn = (n: number) => n
    expect(new TemplateRegistry().addFilter(fn, 'same')).toBe(fn)
  })

  it("merges a blueprint's registry: filters app-wide, context processors under its name", () => {
    const app = new TemplateRegistry()
    const bp = new TemplateRegistry()
    const own = () => ({ a: 1 })
    const nested = () => ({ b: 2 })
    bp.addFilter((n: number) => n, 'same')
    bp.addContextProcessor(own)
    bp.addContextProcessor(nested, 'child')
    const before = app.version
    app.merge(bp, 'parent')
    expect(app.filters.has('same')).toBe(true)
    expect(app.contextProcessors.get('parent')).toEqual([own])
    expect(app.contextProcessors.get('parent.child')).toEqual([nested])
    expect(app.version).toBeGreaterThan(before)
  })
})
