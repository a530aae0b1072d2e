/**
 * A small notes app: an HTML page and a JSON API, the way a Quart user would write it.
 * `main.ts` serves it; `test/app.test.ts` tests it through the test client.
 */
import { abort, escape as escapeHtml, Flagon, g, request, urlFor } from '@flagon/framework'

interface Note {
  id: number
  text: string
}

export function createApp(): Flagon {
  const app = new Flagon(import.meta.url)
  const notes = new Map<number, Note>()
  let nextId = 1

  app.beforeRequest(() => {
    g.startedAt = performance.now()
  })

  app.afterRequest((response) => {
    const elapsed = performance.now() - (g.startedAt as number)
    response.headers.set('server-timing', `app;dur=${elapsed.toFixed(2)}`)
    return response
  })

  app.get('/', function index() {
    const items = [...notes.values()].map((note) => `<li>${escapeHtml(note.text)}</li>`).join('')
    return `<!doctype html><title>Notes</title><h1>Notes</h1><ul>${items}</ul>
<p>The API lives at <a href="${urlFor('listNotes')}">${urlFor('listNotes')}</a>.</p>`
  })

  app.get('/notes', function listNotes() {
    return { notes: [...notes.values()] }
  })

  app.post('/notes', async function createNote() {
    const body = (await request.json()) as { text?: unknown }
    if (typeof body?.text !== 'string' || body.text.trim() === '') abort(400, 'A note needs a "text" string.')
    const note = { id: nextId++, text: body.text }
    notes.set(note.id, note)
    return [note, 201, { location: urlFor('getNote', { id: note.id }) }]
  })

  app.get('/notes/<int:id>', function getNote({ id }) {
    return notes.get(id) ?? abort(404, `There is no note ${id}.`)
  })

  app.delete('/notes/<int:id>', function deleteNote({ id }) {
    if (!notes.delete(id)) abort(404, `There is no note ${id}.`)
    return ['', 204]
  })

  app.errorHandler(404, (error) => {
    if (request.path.startsWith('/notes')) return [{ error: error.description }, 404]
    return error.getResponse()
  })

  return app
}
