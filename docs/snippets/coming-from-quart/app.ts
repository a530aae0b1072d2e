import { abort, Flagon, g, request, session, urlFor } from '@flagon/framework'

export const app = new Flagon(import.meta.url)
app.config.SECRET_KEY = 'change me'
const todos = new Map<number, string>()

app.beforeRequest(async function loadUser() {
  g.username = session.get('user') ?? null
})

app.post('/todos', async function createTodo() {
  const data = (await request.json()) as { text: string }
  const todoId = todos.size + 1
  todos.set(todoId, data.text)
  return [{ id: todoId, url: urlFor('showTodo', { todoId }) }, 201]
})

app.get('/todos/<int:todoId>', async function showTodo({ todoId }) {
  if (!todos.has(todoId)) abort(404)
  return { id: todoId, text: todos.get(todoId), user: g.username }
})

app.post('/login/<name>', async function login({ name }) {
  session.set('user', name)
  return 'ok'
})
