import {
  Flagon,
  flash,
  Markup,
  Response,
  redirect,
  renderTemplate,
  renderTemplateString,
  streamTemplate,
  urlFor,
} from '@flagon/framework'

/** The app the templates guide shows: its templates are in `templates/` next to this file. */
export function createApp(): Flagon {
  const app = new Flagon(import.meta.url)
  app.config.SECRET_KEY = 'dev only, not secret'

  // #region render
  app.get('/hello/<name>', ({ name }) => renderTemplate('hello.html', { name }))
  // #endregion render

  // #region escape
  // .html templates escape what they print; .txt templates do not.
  app.get('/letter/<name>', async ({ name }) => [
    await renderTemplate('letter.txt', { name }),
    200,
    { 'content-type': 'text/plain; charset=utf-8' },
  ])
  // Markup is HTML you vouch for: it is printed as it is.
  app.get('/markup', () =>
    renderTemplateString('{{ trusted }} and {{ untrusted }}', {
      trusted: new Markup('<em>mine</em>'),
      untrusted: '<em>theirs</em>',
    }),
  )
  // #endregion escape

  // #region registry
  // {{ name|shout }}, named after the function.
  app.templateFilter(function shout(text: string) {
    return `${text.toUpperCase()}!`
  })
  // {% if name is short %}
  app.templateTest(function short(text: string) {
    return text.length <= 3
  })
  // {{ siteName }} in every template, imported macros included.
  app.templateGlobal('The Flagon Times', 'siteName')
  // Merged into every template's context before each render; it may be async.
  app.contextProcessor(async () => ({ year: new Date().getUTCFullYear() }))
  // #endregion registry

  // #region stream
  app.get('/report', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}` }))
    // The template is found and the context built now; it renders as the body is sent.
    return new Response(await streamTemplate('report.html', { rows }))
  })
  // #endregion stream

  // #region flash
  app.post('/save', async () => {
    await flash('Saved.', 'info')
    return redirect(urlFor('saved'))
  })
  app.get('/saved', function saved() {
    return renderTemplate('saved.html')
  })
  // #endregion flash

  return app
}
