import { abort, Flagon, request } from '@flagon/framework'

export const app = new Flagon(import.meta.url)
const users = new Map([[1, { id: 1, name: 'Ann' }]])

app.get('/', () => '<h1>Hello from Flagon</h1>')

app.get('/users/<int:id>', ({ id }) => users.get(id) ?? abort(404))

app.post('/users', async () => {
  const { name } = (await request.json()) as { name: string }
  const user = { id: users.size + 1, name }
  users.set(user.id, user)
  return [user, 201]
})
