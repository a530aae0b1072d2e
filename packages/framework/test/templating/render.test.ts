import { describe, expect, it } from 'vitest'
import { ContextError, type Flagon, g, request } from '../../src/index.js'
import {
  beforeRenderTemplate,
  getTemplateAttribute,
  renderTemplate,
  renderTemplateString,
  streamTemplate,
  streamTemplateString,
  type TemplateSignalData,
  templateRendered,
} from '../../src/templating/index.js'
import { inApp, inRequest, makeApp, Session, useSession } from './fixtures/apps.js'

function appWithRoutes(): Flagon {
  const app = makeApp({ SITE: 'Flagon' })
  app.get('/users/<int:id>', function user() {
    return ''
  })
  return app
}

describe('what a template sees inside a request', () => {
  const rows: Array<[name: string, source: string, out: string]> = [
    ['request', '{{ request.path }} {{ request.args.get("q") }}', '/x 1'],
    ['g', '{{ g.user }}', 'ann'],
    ['config', '{{ config.SITE }}', 'Flagon'],
    ['urlFor', '{{ urlFor("user", { id: 3 }) }}', '/users/3'],
    ['url_for with keyword arguments', '{{ url_for("user", id=3, tab="a") }}', '/users/3?tab=a'],
    [
      'urlFor inside an imported macro',
      '{% import "macros/link.html" as m %}{{ m.link("user", 7) }}',
      '<a href="/users/7">7</a>',
    ],
    ['the session', '{{ session.get("name") }}', 'bob'],
  ]
  for (const [name, source, out] of rows) {
    it(name, async () => {
      const seen = await inRequest(appWithRoutes(), '/x?q=1', () => {
        g.user = 'ann'
        useSession(new Session([['name', 'bob']]))
        return renderTemplateString(source)
      })
      expect(seen).toBe(out)
    })
  }

  it('request and session are undefined outside a request; g and config are there', async () => {
    const out = await inApp(appWithRoutes(), () => {
      g.user = 'ann'
      return renderTemplateString(
        '{{ request is defined }} {{ session is defined }} {{ g.user }} {{ config.SITE }}',
      )
    })
    expect(out).toBe('false false ann Flagon')
  })

  it('renderTemplate outside an app context is a ContextError', async () => {
    await expect(renderTemplateString('x')).rejects.toThrow(ContextError)
  })
})

describe('context processors', () => {
  it('add variables; explicit arguments win over them', async () => {
    const app = makeApp()
    app.templates.addContextProcessor(() => ({ greeting: 'processor', extra: 'from processor' }))
    const out = await inApp(app, () =>
      renderTemplateString('{{ greeting }} / {{ extra }}', { greeting: 'hi' }),
    )
    expect(out).toBe('hi / from processor')
  })

  it("run the app's first, then the request's blueprints' outer to inner; async ones are awaited", async () => {
    const app = makeApp()
    const templates = app.templates
    templates.addContextProcessor(() => ({ a: 'app', b: 'app', c: 'app' }))
    templates.addContextProcessor(async () => ({ b: 'parent', c: 'parent' }), 'parent')
    templates.addContextProcessor(() => ({ c: 'child' }), 'parent.child')
    templates.addContextProcessor(() => ({ a: 'other' }), 'other')
    const out = await inRequest(app, '/x', () => {
      request.endpoint = 'parent.child.view'
      return renderTemplateString('{{ a }} {{ b }} {{ c }}')
    })
    expect(out).toBe('app parent child')
  })

  it("a blueprint's processors do not run for requests routed elsewhere", async () => {
    const app = makeApp()
    app.templates.addContextProcessor(() => ({ a: 'bp' }), 'bp')
    expect(await inRequest(app, '/x', () => renderTemplateString('{{ a }}'))).toBe('')
  })
})

describe('render signals', () => {
  it('send the template name and the full context, before and after', async () => {
    const app = makeApp()
    const seen: string[] = []
    const record = (when: string) => (_: Flagon, data: TemplateSignalData) => {
      seen.push(`${when} ${data.template} ${String(data.context.name)} ${'g' in data.context}`)
    }
    const off = [beforeRenderTemplate.connect(record('before')), templateRendered.connect(record('after'))]
    try {
      await inApp(app, () => renderTemplate('hello.html', { name: 'x' }))
      await inApp(app, () => renderTemplateString('{{ name }}', { name: 'y' }))
    } finally {
      for (const disconnect of off) disconnect()
    }
    expect(seen).toEqual([
      'before hello.html x true',
      'after hello.html x true',
      'before null y true',
      'after null y true',
    ])
  })
})

describe('streaming', () => {
  const collect = async (chunks: AsyncIterable<string>) => {
    const parts: string[] = []
    for await (const chunk of chunks) parts.push(chunk)
    return parts
  }

  it('a big template comes in several chunks that add up to the whole', async () => {
    const app = makeApp()
    const source = '{% for i in range(0, 5000) %}<p>{{ i }}</p>{% endfor %}'
    const [parts, whole] = await inApp(app, async () => [
      await collect(await streamTemplateString(source)),
      await renderTemplateString(source),
    ])
    expect(parts.length).toBeGreaterThan(1)
    expect((parts as string[]).join('')).toBe(whole)
  })

  it('never splits a surrogate pair', async () => {
    const parts = await inApp(makeApp(), async () =>
      collect(await streamTemplateString('{{ s }}', { s: '😀'.repeat(20000) })),
    )
    for (const part of parts) expect(part).toMatch(/^(?:😀)+$/u)
  })

  it('renders in the request it was made in, wherever it is read', async () => {
    const app = makeApp()
    const stream = await inRequest(app, '/streamed', () => streamTemplateString('{{ request.path }}'))
    const read = await inRequest(app, '/elsewhere', () => collect(stream))
    expect(read).toEqual(['/streamed'])
  })

  it('a missing template fails before streaming starts', async () => {
    await expect(inApp(makeApp(), () => streamTemplate('missing.html'))).rejects.toThrow(/not found/)
  })
})

describe('getTemplateAttribute', () => {
  it('gives a macro to call from code', async () => {
    const hello = await inApp(makeApp(), () => getTemplateAttribute('macros/hello.html', 'hello'))
    expect(String((hello as (name: string) => unknown)('World'))).toBe('Hello World!')
  })
})
