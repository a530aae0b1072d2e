// The Express original (not run by the docs' tests: Express is not a dependency of Flagon).
import cookieSession from 'cookie-session'
import express from 'express'

const app = express()
app.use(express.json())
app.use(cookieSession({ secret: process.env.SECRET_KEY }))

const todos = new Map()

app.use((req, _res, next) => {
  req.user = req.session.user ?? null
  next()
})

app.get('/todos/:id', (req, res) => {
  const todo = todos.get(Number(req.params.id))
  if (!todo) return res.status(404).json({ error: 'No such todo' })
  res.json(todo)
})

app.post('/todos', (req, res) => {
  if (!req.user) return res.status(401).json({ error: 'Log in first' })
  const todo = { id: todos.size + 1, text: req.body.text, owner: req.user }
  todos.set(todo.id, todo)
  res.status(201).json(todo)
})

app.post('/login/:name', (req, res) => {
  req.session.user = req.params.name
  res.json({ user: req.params.name })
})

app.use((_err, _req, res, _next) => {
  res.status(500).json({ error: 'Something broke' })
})

app.listen(5000)
