import { SessionUnavailableError, Tuple, tuple } from '@flagon/sessions'
import { describe, expect, it } from 'vitest'
import { ContextError, type Flagon } from '../../src/index.js'
import {
  type FlashedMessagesOptions,
  flash,
  getFlashedMessages,
  Markup,
  messageFlashed,
  renderTemplateString,
} from '../../src/templating/index.js'
import { inApp, inRequest, makeApp, Session, useSession } from './fixtures/apps.js'

async function flashed(options: FlashedMessagesOptions) {
  const session = new Session()
  const app = makeApp()
  await inRequest(app, '/post', async () => {
    useSession(session)
    await flash('Saved.', 'info')
    await flash('Careful.', 'warning')
    await flash('Plain.')
  })
  return inRequest(app, '/next', () => {
    useSession(session)
    return getFlashedMessages(options)
  })
}

describe('getFlashedMessages on the next request', () => {
  const rows: Array<[name: string, options: FlashedMessagesOptions, out: unknown]> = [
    ['gives the messages in the order flashed', {}, ['Saved.', 'Careful.', 'Plain.']],
    [
      'gives [category, message] pairs withCategories',
      { withCategories: true },
      [
        ['info', 'Saved.'],
        ['warning', 'Careful.'],
        ['message', 'Plain.'],
      ],
    ],
    ['filters by category', { categoryFilter: ['info', 'message'] }, ['Saved.', 'Plain.']],
    [
      'filters and gives pairs',
      { withCategories: true, categoryFilter: ['warning'] },
      [['warning', 'Careful.']],
    ],
  ]
  for (const [name, options, out] of rows) {
    it(name, async () => {
      expect(await flashed(options)).toEqual(out)
    })
  }
})

describe('flashing', () => {
  it('stores [category, message] pairs under _flashes and marks the session modified', async () => {
    const session = new Session()
    await inRequest(makeApp(), '/', async () => {
      useSession(session)
      await flash('hi', 'info')
    })
    expect(session.get('_flashes')).toEqual([['info', 'hi']])
    expect(session.modified).toBe(true)
  })

  it('sends messageFlashed with the message and category', async () => {
    const seen: unknown[] = []
    const disconnect = messageFlashed.connect((app: Flagon, data) => seen.push([app.name, data]))
    try {
      await inRequest(makeApp(), '/', async () => {
        useSession(new Session())
        await flash('hi', 'info')
      })
    } finally {
      disconnect()
    }
    expect(seen).toEqual([['templating', { message: 'hi', category: 'info' }]])
  })

  it('outside a request is a ContextError', async () => {
    await expect(inApp(makeApp(), () => flash('hi'))).rejects.toThrow(ContextError)
  })

  it("without SECRET_KEY is the null session's error, which says what to do", async () => {
    await expect(inRequest(makeApp(), '/', () => flash('hi'))).rejects.toThrow(SessionUnavailableError)
    await expect(inRequest(makeApp(), '/', () => flash('hi'))).rejects.toThrow(/SECRET_KEY/)
  })

  it('stores tuples, which the session cookie writes as Flask does', async () => {
    const session = new Session()
    await inRequest(makeApp(), '/', async () => {
      useSession(session)
      await flash('hi', 'info')
    })
    expect(session.get('_flashes')).toEqual([tuple('info', 'hi')])
    expect((session.get('_flashes') as unknown[])[0]).toBeInstanceOf(Tuple)
  })
})

describe('within one request', () => {
  it('the messages are popped once and the same list is given again', async () => {
    const session = new Session([['_flashes', [['info', 'a']]]])
    const [first, second, template] = await inRequest(makeApp(), '/', async () => {
      useSession(session)
      return [
        getFlashedMessages(),
        getFlashedMessages(),
        await renderTemplateString('{{ get_flashed_messages() }}'),
      ]
    })
    expect(first).toEqual(['a'])
    expect(second).toEqual(['a'])
    expect(template).toBe('a')
    expect(session.has('_flashes')).toBe(false)
  })

  it('the messages a categoryFilter leaves out are gone all the same', async () => {
    const session = new Session([
      [
        '_flashes',
        [
          ['info', 'a'],
          ['error', 'b'],
        ],
      ],
    ])
    await inRequest(makeApp(), '/', () => {
      useSession(session)
      expect(getFlashedMessages({ categoryFilter: ['error'] })).toEqual(['b'])
    })
    const later = await inRequest(makeApp(), '/', () => {
      useSession(session)
      return getFlashedMessages()
    })
    expect(later).toEqual([])
  })

  it('with a null session (no SECRET_KEY) there are none', async () => {
    expect(await inRequest(makeApp(), '/', () => getFlashedMessages())).toEqual([])
  })
})

describe('in templates', () => {
  const rows: Array<[name: string, source: string, out: string]> = [
    [
      'get_flashed_messages()',
      '{% for m in get_flashed_messages() %}[{{ m }}]{% endfor %}',
      '[a][&lt;b&gt;][<i>c</i>]',
    ],
    [
      'with_categories=true',
      '{% for c, m in get_flashed_messages(with_categories=true) %}[{{ c }}:{{ m }}]{% endfor %}',
      '[info:a][error:&lt;b&gt;][info:<i>c</i>]',
    ],
    ['positional arguments, as Flask', '{{ get_flashed_messages(false, ["error"]) }}', '&lt;b&gt;'],
    ["Flagon's spelling", '{{ getFlashedMessages({ categoryFilter: ["error"] }) }}', '&lt;b&gt;'],
    ['category_filter', '{{ get_flashed_messages(category_filter=["error"]) }}', '&lt;b&gt;'],
  ]
  for (const [name, source, out] of rows) {
    it(name, async () => {
      const session = new Session([
        [
          '_flashes',
          [
            ['info', 'a'],
            ['error', '<b>'],
            ['info', new Markup('<i>c</i>')],
          ],
        ],
      ])
      const rendered = await inRequest(makeApp(), '/', () => {
        useSession(session)
        return renderTemplateString(source)
      })
      expect(rendered).toBe(out)
    })
  }
})

describe('across real requests, in the session cookie', () => {
  it('a message flashed by one request is shown by the next, once', async () => {
    const app = makeApp({ SECRET_KEY: 'a long random string for the tests' })
    app.post('/save', async () => {
      await flash('Saved.', 'info')
      return 'ok'
    })
    app.get('/show', () =>
      renderTemplateString(
        '{% for c, m in get_flashed_messages(with_categories=true) %}{{ c }}: {{ m }}{% endfor %}',
      ),
    )
    const client = app.testClient()
    await (await client.post('/save')).text()
    expect(await (await client.get('/show')).text()).toBe('info: Saved.')
    expect(await (await client.get('/show')).text()).toBe('')
  })
})
