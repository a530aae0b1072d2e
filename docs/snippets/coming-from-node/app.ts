import { abort, Flagon, g, HTTPException, request, session } from '@flagon/framework'

interface Todo {
  id: number
  text: string
  owner: string
}

/** The Express app beside it, ported to Flagon. */
export function createApp(secretKey: string): Flagon {
  const app = new Flagon(import.meta.url)
  app.config.SECRET_KEY = secretKey // express: cookieSession({ secret })
  const todos = new Map<number, Todo>()

  // express: app.use((req, res, next) => { …; next() })
  app.beforeRequest(() => {
    g.username = session.get('user') as string | undefined
  })

  // express: '/todos/:id' and Number(req.params.id); here the converter does it, typed
  app.get('/todos/<int:id>', ({ id }) => todos.get(id) ?? abort(404, 'No such todo'))

  app.post('/todos', async () => {
    const owner = g.username
    if (typeof owner !== 'string') abort(401, 'Log in first')
    const { text } = (await request.json()) as { text: string } // express.json(), per request
    const todo = { id: todos.size + 1, text, owner }
    todos.set(todo.id, todo)
    return [todo, 201] // res.status(201).json(todo)
  })

  app.post('/login/<name>', ({ name }) => {
    session.set('user', name) // req.session.user = …
    return { user: name }
  })

  // express: the 4-argument error middleware; here, handlers by class or status
  app.errorHandler(HTTPException, (error) => [{ error: error.description }, error.status])
  app.errorHandler(500, () => [{ error: 'Something broke' }, 500])

  return app
}
