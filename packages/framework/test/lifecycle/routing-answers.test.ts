import { describe, expect, it } from 'vitest'
import { Flagon } from '../../src/index.js'
import { describeTransports } from '../transports.js'

function appWithRoutes(): Flagon {
  const app = new Flagon('routing-answers')
  app.get('/hello', () => 'hello')
  app.route('/items', () => 'items', { methods: ['GET', 'POST'] })
  app.get('/slash/', () => 'slashed')
  app.get('/users/<int:id>', ({ id }) => ({ id, type: typeof id }))
  const book = (params: Record<string, unknown>) => `page ${params.page}`
  app.get('/book', book, { defaults: { page: 0 } })
  app.get('/book/<int:page>', book)
  return app
}

describeTransports('answers the router gives', (call) => {
  const rows: Array<
    [name: string, method: string, path: string, status: number, check?: (h: Headers, body: string) => void]
  > = [
    ['a known path answers 200', 'GET', '/hello', 200, (_, body) => expect(body).toBe('hello')],
    [
      'an unknown path answers 404 with the Werkzeug page',
      'GET',
      '/nope',
      404,
      (h, body) => {
        expect(h.get('content-type')).toBe('text/html; charset=utf-8')
        expect(body).toContain('<title>404 Not Found</title>')
      },
    ],
    [
      'a wrong method answers 405 with Allow',
      'DELETE',
      '/items',
      405,
      (h) => {
        expect(h.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST'])
      },
    ],
    [
      'OPTIONS answers 200, empty, with Allow',
      'OPTIONS',
      '/items',
      200,
      (h, body) => {
        expect(body).toBe('')
        expect(h.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST'])
      },
    ],
    [
      'a slashed rule redirects the unslashed URL with 308, query kept',
      'GET',
      '/slash?x=1',
      308,
      (h) => {
        expect(h.get('location')).toBe('http://localhost/slash/?x=1')
      },
    ],
    ['the slashed URL itself answers', 'GET', '/slash/', 200],
    ['a leaf rule requested with a slash is 404', 'GET', '/hello/', 404],
    [
      'int parameters arrive as numbers',
      'GET',
      '/users/007',
      200,
      (_, body) => expect(JSON.parse(body)).toEqual({ id: 7, type: 'number' }),
    ],
    ['a parameter its converter refuses is 404', 'GET', '/users/abc', 404],
    ['a rule default fills the parameter', 'GET', '/book', 200, (_, body) => expect(body).toBe('page 0')],
    [
      'the explicit default URL redirects to the short one',
      'GET',
      '/book/0',
      308,
      (h) => {
        expect(h.get('location')).toBe('http://localhost/book')
      },
    ],
  ]
  for (const [name, method, path, status, check] of rows) {
    it(name, async () => {
      const answer = await call(appWithRoutes(), path, { method })
      expect(answer.status).toBe(status)
      check?.(answer.headers, await answer.text())
    })
  }

  it('HEAD runs the GET view and sends no body', async () => {
    let ran = 0
    const app = new Flagon('head')
    app.get('/', () => {
      ran++
      return 'twelve bytes'
    })
    const answer = await call(app, '/', { method: 'HEAD' })
    expect(answer.status).toBe(200)
    expect(await answer.text()).toBe('')
    expect(ran).toBe(1)
  })
})

describe('registering routes', () => {
  it('refuses an endpoint reused for a different view', () => {
    const app = new Flagon('dup')
    app.get('/a', function show() {
      return 'a'
    })
    expect(() =>
      app.get('/b', function show() {
        return 'b'
      }),
    ).toThrow(/endpoint "show" already belongs to another view/)
  })

  it('refuses methods in the get() shortcut', () => {
    const app = new Flagon('shortcut')
    expect(() => app.get('/', () => '', { methods: ['POST'] } as never)).toThrow(TypeError)
  })
})
