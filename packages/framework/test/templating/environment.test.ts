import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Markup,
  renderTemplate,
  renderTemplateString,
  TemplateError,
  TemplateNotFound,
} from '../../src/templating/index.js'
import { appTemplates, blueprintTemplates, inApp, makeApp, withSearchPath } from './fixtures/apps.js'

describe('autoescaping', () => {
  const rows: Array<[name: string, template: string, out: string]> = [
    ['.html is escaped', 'hello.html', 'Hello &lt;b&gt;!'],
    ['.htm is escaped', 'hello.htm', 'Hello &lt;b&gt;!'],
    ['.xml is escaped', 'hello.xml', 'Hello &lt;b&gt;!'],
    ['.xhtml is escaped', 'hello.xhtml', 'Hello &lt;b&gt;!'],
    ['.svg is escaped', 'hello.svg', 'Hello &lt;b&gt;!'],
    ['.txt is not', 'hello.txt', 'Hello <b>!'],
    ['.jinja is not', 'hello.jinja', 'Hello <b>!'],
    ['an included .txt keeps its own setting inside an .html', 'includes-text.html', '<b>|&lt;b&gt;'],
  ]
  for (const [name, template, out] of rows) {
    it(name, async () => {
      const app = makeApp()
      expect(await inApp(app, () => renderTemplate(template, { name: '<b>', text: '<b>' }))).toBe(out)
    })
  }

  it('a template string is escaped', async () => {
    expect(await inApp(makeApp(), () => renderTemplateString('{{ "<b>" }}'))).toBe('&lt;b&gt;')
  })

  it('quotes are escaped as markupsafe does', async () => {
    expect(await inApp(makeApp(), () => renderTemplateString(`{{ s }}`, { s: `"'&` }))).toBe(
      '&#34;&#39;&amp;',
    )
  })
})

describe('markup', () => {
  const rows: Array<[name: string, source: string, context: Record<string, unknown>, out: string]> = [
    ['Markup is not escaped', '{{ m }}', { m: new Markup('<b>hi</b>') }, '<b>hi</b>'],
    ['any __html__ object is not escaped', '{{ m }}', { m: { __html__: () => '<i>x</i>' } }, '<i>x</i>'],
    [
      'markup inside an object is not escaped',
      '{{ post.body }}',
      { post: { body: new Markup('<p>') } },
      '<p>',
    ],
    ['|safe is honoured', '{{ s|safe }}', { s: '<b>' }, '<b>'],
    [
      'a macro is not escaped twice',
      '{% macro b(x) %}<b>{{ x }}</b>{% endmacro %}{{ b("<") }}',
      {},
      '<b>&lt;</b>',
    ],
    [
      'tojson is HTML-safe and sorted',
      '{{ v|tojson }}',
      { v: { b: "<'&>", a: 1 } },
      '{"a": 1, "b": "\\u003c\\u0027\\u0026\\u003e"}',
    ],
    ['tojson takes an indent', '{{ v|tojson(2) }}', { v: [1] }, '[\n  1\n]'],
  ]
  for (const [name, source, context, out] of rows) {
    it(name, async () => {
      expect(await inApp(makeApp(), () => renderTemplateString(source, context))).toBe(out)
    })
  }
})

describe('the template folders of the app and its blueprints', () => {
  const app = () => withSearchPath(makeApp(), [appTemplates, blueprintTemplates])
  const rows: Array<[name: string, template: string, out: string]> = [
    ['extends a layout of the app', 'page.html', '<title>Page</title>\n<main>x</main>'],
    [
      "a blueprint's template extends the app's layout",
      'bp/page.html',
      "<title>App</title>\n<main>[app's shared]</main>",
    ],
    ['the app folder wins over a blueprint folder', 'shared.html', "app's shared"],
    ['a template only a blueprint has is found', 'bp/only.html', 'only in the blueprint'],
  ]
  for (const [name, template, out] of rows) {
    it(name, async () => {
      expect(await inApp(app(), () => renderTemplate(template, { text: 'x' }))).toBe(out)
    })
  }

  it('picks the first template of a list that exists', async () => {
    expect(await inApp(app(), () => renderTemplate(['nope.html', 'bp/only.html', 'shared.html']))).toBe(
      'only in the blueprint',
    )
  })

  it('refuses names that leave the folder', async () => {
    const error = await inApp(app(), () => renderTemplate('../templates/shared.html')).catch((e) => e)
    expect(error).toBeInstanceOf(TemplateNotFound)
  })
})

describe('a missing template', () => {
  const rows: Array<[name: string, render: () => Promise<string>, names: string[]]> = [
    ['by name', () => renderTemplate('missing.html'), ['missing.html']],
    ['from a list', () => renderTemplate(['a.html', 'b.html']), ['a.html', 'b.html']],
    ['in an include', () => renderTemplate('errors/includes-missing.html'), ['missing.html']],
  ]
  for (const [name, render, names] of rows) {
    it(`${name} is a TemplateNotFound listing the names and the folders searched`, async () => {
      const app = withSearchPath(makeApp(), [appTemplates, blueprintTemplates])
      const error = await inApp(app, render).catch((e) => e)
      expect(error).toBeInstanceOf(TemplateNotFound)
      expect(error.templateNames).toEqual(names)
      expect(error.searchPath).toEqual([appTemplates, blueprintTemplates])
      expect(error.message).toContain(appTemplates)
      expect(error.message).toContain(blueprintTemplates)
    })
  }
})

describe('an error in a template', () => {
  const rows: Array<[name: string, template: string, inTemplate: string, line: number, message: RegExp]> = [
    ['a syntax error', 'errors/syntax.html', 'errors/syntax.html', 3, /unexpected token/],
    ['calling what is undefined', 'errors/runtime.html', 'errors/runtime.html', 2, /Unable to call `nope`/],
    [
      'an unknown filter',
      'errors/unknown-filter.html',
      'errors/unknown-filter.html',
      3,
      /filter not found: nofilter/,
    ],
    [
      'a failing async filter',
      'errors/async-filter.html',
      'errors/async-filter.html',
      3,
      /RangeError: too big/,
    ],
    ['in a layout, not in the child', 'errors/child-of-broken.html', 'errors/broken-layout.html', 3, /nope/],
    ['in an included template', 'errors/includes-broken.html', 'errors/runtime.html', 2, /nope/],
    [
      'after a block, in the layout rendered itself',
      'errors/broken-layout.html',
      'errors/broken-layout.html',
      3,
      /nope/,
    ],
    [
      'after an include, in the including template',
      'errors/after-include.html',
      'errors/after-include.html',
      3,
      /nope/,
    ],
  ]
  for (const [name, template, inTemplate, line, message] of rows) {
    it(`${name} is a TemplateError naming the template and the line`, async () => {
      const app = makeApp()
      app.templates.addFilter(async () => {
        throw new RangeError('too big')
      }, 'fails')
      const error = await inApp(app, () => renderTemplate(template)).catch((e) => e)
      expect(error).toBeInstanceOf(TemplateError)
      expect(error.templateName).toBe(inTemplate)
      expect(error.lineno).toBe(line)
      expect(error.message).toMatch(message)
      expect(error.message).toContain(`template "${inTemplate}", line ${line}`)
    })
  }

  it('in a template string names no file', async () => {
    const error = await inApp(makeApp(), () => renderTemplateString('a\n{{ nope() }}')).catch((e) => e)
    expect(error).toBeInstanceOf(TemplateError)
    expect(error.templateName).toBe(null)
    expect(error.lineno).toBe(2)
    expect(error.message).toMatch(/\(the template string, line 2\)$/)
  })

  it('keeps the original error as its cause', async () => {
    const app = makeApp()
    const boom = new TypeError('boom')
    const error = await inApp(app, () =>
      renderTemplateString('{{ f() }}', {
        f: () => {
          throw boom
        },
      }),
    ).catch((e) => e)
    expect(error.cause).toBe(boom)
    expect(error.message).toMatch(/^TypeError: boom/)
  })
})

describe('caching and reloading', () => {
  let folder: string
  afterEach(() => rmSync(folder, { recursive: true, force: true }))

  async function renderTwice(config: Record<string, unknown>): Promise<[string, string]> {
    folder = mkdtempSync(join(tmpdir(), 'flagon-templates-'))
    const file = join(folder, 'templates', 'live.html')
    rmSync(join(folder, 'templates'), { recursive: true, force: true })
    await import('node:fs/promises').then((fs) => fs.mkdir(join(folder, 'templates')))
    writeFileSync(file, 'first')
    const app = makeApp(config, folder)
    const before = await inApp(app, () => renderTemplate('live.html'))
    writeFileSync(file, 'second version')
    // Make the change visible even on file systems with coarse modification times.
    const later = new Date(Date.now() + 5000)
    utimesSync(file, later, later)
    const after = await inApp(app, () => renderTemplate('live.html'))
    return [before, after]
  }

  const rows: Array<[name: string, config: Record<string, unknown>, after: string]> = [
    ['DEBUG on reloads a changed template', { DEBUG: true }, 'second version'],
    ['TEMPLATES_AUTO_RELOAD on reloads it', { TEMPLATES_AUTO_RELOAD: true }, 'second version'],
    ['otherwise the cached template is used', { DEBUG: false }, 'first'],
    ['TEMPLATES_AUTO_RELOAD false wins over DEBUG', { DEBUG: true, TEMPLATES_AUTO_RELOAD: false }, 'first'],
  ]
  for (const [name, config, after] of rows) {
    it(name, async () => {
      expect(await renderTwice(config)).toEqual(['first', after])
    })
  }
})
