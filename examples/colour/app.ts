/**
 * The colour preference of Quart's session-storage guide, line by line: `GET /` shows the colour
 * kept in the session, `POST /colour/` stores a new one and redirects, and a beforeRequest hook
 * makes every session permanent.
 */
import { escape as escapeHtml, Flagon, redirect, request, session, urlFor } from '@flagon/framework'

declare module '@flagon/sessions' {
  interface SessionData {
    colour: string
  }
}

export function createApp(secretKey = process.env.SECRET_KEY ?? 'change-me-in-production'): Flagon {
  const app = new Flagon(import.meta.url)
  app.secretKey = secretKey

  app.beforeRequest(function makeSessionPermanent() {
    session.permanent = true
  })

  app.get('/', function index() {
    const colour = session.get('colour', 'black')
    return `<!doctype html>
<title>Colour</title>
<h1 style="color: ${escapeHtml(colour)}">Your colour is ${escapeHtml(colour)}</h1>
<form method="post" action="${urlFor('setColour')}">
  <input name="colour" value="${escapeHtml(colour)}" aria-label="colour">
  <button>Save</button>
</form>`
  })

  app.post('/colour/', async function setColour() {
    const form = await request.form()
    session.set('colour', form.get('colour') ?? 'black')
    return redirect(urlFor('index'))
  })

  return app
}
