import { Flagon, jsonify, makeResponse, Response, redirect, request } from '@flagon/framework'

export function createApp(): Flagon {
  const app = new Flagon('request-response')

  // #region request
  app.get('/search', () => {
    const q = request.args.get('q') ?? '' // the first value, or null
    const tags = request.args.getAll('tag') // every value
    return { q, tags, agent: request.headers.get('user-agent'), theme: request.cookies.get('theme') ?? null }
  })

  app.post('/echo', async () => {
    if (request.isJson) return { json: await request.json() }
    const form = await request.form() // urlencoded or multipart
    return { form: Object.fromEntries(form) }
  })
  // #endregion request

  // #region returns
  app.get('/html', () => '<p>A string is HTML.</p>')
  app.get('/json', () => ({ an: 'object', is: 'JSON' }))
  app.post('/made', () => ['Created', 201, { 'x-id': '7' }]) // [body, status, headers]
  app.get('/list', () => jsonify([1, 201])) // a JSON array that looks like a tuple: wrap it
  app.get('/old', () => redirect('/html'))
  // #endregion returns

  // #region response
  app.get('/login', () => {
    const response = new Response('Welcome back', { mimetype: 'text/plain' })
    response.setCookie('theme', 'dark', { maxAge: 3600, httpOnly: true, sameSite: 'lax' })
    response.headers.set('cache-control', 'no-store')
    return response
  })

  app.get('/late', () => {
    const response = makeResponse({ ok: true }, 202) // what a view would return, as a Response
    response.headers.set('x-late', 'yes')
    return response
  })
  // #endregion response

  // #region stream
  app.get('/count', async function* count() {
    for (let i = 1; i <= 3; i++) {
      yield `${i}\n`
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  })
  // #endregion stream

  return app
}
