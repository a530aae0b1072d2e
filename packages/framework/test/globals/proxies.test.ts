import { describe, expect, it } from 'vitest'
import {
  ContextError,
  copyCurrentRequestContext,
  currentApp,
  currentObject,
  Flagon,
  g,
  hasAppContext,
  hasRequestContext,
  request,
} from '../../src/index.js'

describe('a proxy used outside its context', () => {
  const rows: Array<[name: string, use: () => unknown, message: RegExp]> = [
    ['request', () => request.path, /`request` was used outside a request context.*testRequestContext/],
    ['g', () => g.user, /`g` was used outside an app context/],
    ['currentApp', () => currentApp.name, /`currentApp` was used outside an app context/],
  ]
  for (const [name, use, message] of rows) {
    it(`${name} throws a ContextError that says how to get one`, () => {
      expect(use).toThrow(ContextError)
      expect(use).toThrow(message)
    })
  }
})

describe('inside a test request context', () => {
  it('request, g and currentApp are the ones of that request', async () => {
    const app = new Flagon('ctx')
    app.get('/users/<int:id>', () => '')
    const seen = await app.testRequestContext('/users/3?tab=a', { method: 'GET' }).run(() => {
      g.user = 'ann'
      return {
        path: request.path,
        tab: request.args.get('tab'),
        viewArgs: request.viewArgs,
        app: currentApp.name,
        user: g.get('user'),
        inRequest: hasRequestContext(),
        inApp: hasAppContext(),
      }
    })
    expect(seen).toEqual({
      path: '/users/3',
      tab: 'a',
      viewArgs: { id: 3 },
      app: 'ctx',
      user: 'ann',
      inRequest: true,
      inApp: true,
    })
    expect(hasRequestContext()).toBe(false)
  })

  it('g is fresh per app context and supports get, pop, setDefault and in', async () => {
    const app = new Flagon('g')
    await app.appContext().run(() => {
      expect(g.setDefault('n', 1)).toBe(1)
      expect(g.setDefault('n', 2)).toBe(1)
      expect('n' in g).toBe(true)
      expect(g.pop('n')).toBe(1)
      expect(g.pop('n', 'gone')).toBe('gone')
      expect(Object.keys(g)).toEqual([])
    })
    await app.appContext().run(() => expect(g.get('n')).toBeUndefined())
  })

  it('a function copied with the request context sees it later, outside', async () => {
    const app = new Flagon('copy')
    const later = await app
      .testRequestContext('/later')
      .run(() => copyCurrentRequestContext(() => request.path))
    expect(later()).toBe('/later')
  })

  it('concurrent requests each see their own request', async () => {
    const app = new Flagon('concurrent')
    app.get('/<int:n>', async ({ n }) => {
      await new Promise((r) => setTimeout(r, (5 - n) * 3))
      return `${n}:${request.path}`
    })
    const client = app.testClient()
    const bodies = await Promise.all([1, 2, 3, 4].map(async (n) => (await client.get(`/${n}`)).text()))
    await client.close()
    expect(bodies).toEqual(['1:/1', '2:/2', '3:/3', '4:/4'])
  })
})

describe('currentObject', () => {
  it('gives the object behind a proxy, which keeps working outside the context', async () => {
    const app = new Flagon('current-object')
    const kept = await app.testRequestContext('/kept').run(() => currentObject(request))
    expect(kept.path).toBe('/kept')
    expect(() => currentObject(request)).toThrow(ContextError)
  })
})
