import { afterEach, describe, expect, it } from 'vitest'
import { abort, Flagon, MethodView, request, type TestClient, View, type ViewFunction } from '../src/index.js'

const clients: TestClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()))
})
function clientOf(app: Flagon): TestClient {
  const client = app.testClient()
  clients.push(client)
  return client
}

const users = new Map([[1, { id: 1, name: 'Ann' }]])

class UserAPI extends MethodView {
  get({ id }: Record<string, unknown>) {
    return users.get(id as number) ?? abort(404)
  }
  delete() {
    return ['', 204]
  }
}

describe('a MethodView', () => {
  it('answers each method with the method of that name; the allowed methods come from the class', async () => {
    const app = new Flagon('method-view')
    app.addUrlRule('/users/<int:id>', { view: UserAPI.asView('user') })
    const client = clientOf(app)
    expect(await (await client.get('/users/1')).json()).toEqual({ id: 1, name: 'Ann' })
    expect((await client.delete('/users/1')).status).toBe(204)
    const post = await client.post('/users/1')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS'])
    expect((await client.head('/users/1')).status).toBe(200)
    expect([...app.urlMap.endpoints()]).toContain('user')
  })
})

describe('a View', () => {
  it('dispatches through its decorators, a new instance per request by default', async () => {
    const instances: unknown[] = []
    const shout =
      (view: ViewFunction<any>): ViewFunction<any> =>
      async (params) =>
        String(await view(params)).toUpperCase()
    class Hello extends View {
      static override methods = ['GET', 'POST']
      static override decorators = [shout]
      constructor(readonly greeting: string) {
        super()
        instances.push(this)
      }
      dispatchRequest({ name }: Record<string, unknown>) {
        return `${this.greeting} ${name} by ${request.method}`
      }
    }
    const app = new Flagon('view')
    app.addUrlRule('/hello/<name>', { view: Hello.asView('hello', 'hi') })
    const client = clientOf(app)
    expect(await (await client.get('/hello/ann')).text()).toBe('HI ANN BY GET')
    expect(await (await client.post('/hello/bob')).text()).toBe('HI BOB BY POST')
    expect(instances).toHaveLength(2)
  })
})
