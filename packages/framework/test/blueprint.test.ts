import { afterEach, describe, expect, it } from 'vitest'
import { abort, Blueprint, Flagon, request, type TestClient, urlFor } from '../src/index.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
function clientOf(app: Flagon): TestClient {
  const client = app.testClient()
  clients.push(client)
  return client
}

describe('a registered blueprint', () => {
  it('serves its routes under its prefix, with endpoints named after it', async () => {
    const app = new Flagon('bp')
    const admin = new Blueprint('admin', { urlPrefix: '/admin' })
    admin.get('/', function index() {
      return `${request.endpoint} ${request.blueprint} ${urlFor('.users', { id: 3 })}`
    })
    admin.get('/users/<int:id>', function users({ id }) {
      return `user ${id}`
    })
    app.registerBlueprint(admin)
    const client = clientOf(app)
    expect(await (await client.get('/admin/')).text()).toBe('admin.index admin /admin/users/3')
    expect(await (await client.get('/admin/users/3')).text()).toBe('user 3')
    expect([...app.urlMap.endpoints()].sort()).toEqual(['admin.index', 'admin.users', 'static'])
  })

  it("runs nested blueprints' hooks in Quart's order, and only for their requests", async () => {
    const app = new Flagon('nested')
    const trace: string[] = []
    const parent = new Blueprint('parent', { urlPrefix: '/p' })
    const child = new Blueprint('child', { urlPrefix: '/c' })
    app.beforeRequest(() => void trace.push('app.before'))
    parent.beforeAppRequest(() => void trace.push('parent.beforeAppRequest'))
    parent.beforeRequest(() => void trace.push('parent.before'))
    child.beforeRequest(() => void trace.push('child.before'))
    child.afterRequest(() => void trace.push('child.after'))
    parent.afterRequest(() => void trace.push('parent.after'))
    app.afterRequest(() => void trace.push('app.after'))
    child.teardownRequest(() => void trace.push('child.teardown'))
    parent.teardownRequest(() => void trace.push('parent.teardown'))
    app.teardownRequest(() => void trace.push('app.teardown'))
    child.get('/x/<int:n>', function x() {
      trace.push(`view ${request.blueprints.join(',')}`)
      return 'ok'
    })
    app.get('/plain', () => {
      trace.push('plain view')
      return 'ok'
    })
    parent.registerBlueprint(child)
    app.registerBlueprint(parent)
    const client = clientOf(app)
    await client.get('/p/c/x/3')
    await new Promise((r) => setTimeout(r, 10))
    expect(trace).toEqual([
      'app.before',
      'parent.beforeAppRequest',
      'parent.before',
      'child.before',
      'view parent.child,parent',
      'child.after',
      'parent.after',
      'app.after',
      'child.teardown',
      'parent.teardown',
      'app.teardown',
    ])
    trace.length = 0
    await client.get('/plain')
    await new Promise((r) => setTimeout(r, 10))
    expect(trace).toEqual([
      'app.before',
      'parent.beforeAppRequest',
      'plain view',
      'app.after',
      'app.teardown',
    ])
  })

  it('handles errors of its own requests; the app handles unmatched URLs under its prefix', async () => {
    const app = new Flagon('errors')
    const api = new Blueprint('api', { urlPrefix: '/api' })
    api.errorHandler(404, () => [{ error: 'api 404' }, 404])
    api.get('/thing', () => {
      throw new (class extends Error {})()
    })
    api.get('/missing', function missing() {
      return request.args.get('x') ?? abort(404)
    })
    app.errorHandler(404, () => ['app 404', 404])
    app.registerBlueprint(api)
    app.logger = { debug() {}, info() {}, warn() {}, error() {} }
    const client = clientOf(app)
    expect(await (await client.get('/api/missing')).json()).toEqual({ error: 'api 404' })
    expect(await (await client.get('/api/nowhere')).text()).toBe('app 404')
  })

  it('may be registered twice under different names, not twice under one', () => {
    const app = new Flagon('twice')
    const bp = new Blueprint('bp')
    bp.get('/', function index() {
      return 'x'
    })
    app.registerBlueprint(bp, { urlPrefix: '/one' })
    expect(() => app.registerBlueprint(bp, { urlPrefix: '/two' })).toThrow(
      /"bp" is already registered for this blueprint/,
    )
    app.registerBlueprint(bp, { urlPrefix: '/two', name: 'bp2' })
    expect([...app.urlMap.endpoints()].sort()).toEqual(['bp.index', 'bp2.index', 'static'])
    expect(() => app.registerBlueprint(new Blueprint('bp'))).toThrow(/a different blueprint/)
  })

  it('refuses setup after it has been registered', () => {
    const app = new Flagon('late')
    const bp = new Blueprint('bp')
    app.registerBlueprint(bp)
    expect(() => bp.get('/late', () => '')).toThrow(/after the blueprint was registered/)
    expect(() => bp.beforeRequest(() => undefined)).toThrow(/after the blueprint was registered/)
  })

  it('refuses a name with a dot', () => {
    expect(() => new Blueprint('a.b')).toThrow(/may not be empty or contain a dot/)
  })

  it('applies its urlDefaults to its rules', async () => {
    const app = new Flagon('defaults')
    const bp = new Blueprint('news', { urlPrefix: '/news', urlDefaults: { section: 'front' } })
    bp.get('/', function index(params: Record<string, unknown>) {
      return `section ${params.section}`
    })
    app.registerBlueprint(bp)
    const client = clientOf(app)
    expect(await (await client.get('/news/')).text()).toBe('section front')
  })
})
