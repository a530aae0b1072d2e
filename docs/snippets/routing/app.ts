import { type Converter, Flagon, urlFor, ValidationError } from '@flagon/framework'

export function createApp(): Flagon {
  const app = new Flagon('routing')

  // #region rules
  // A variable is one path segment, passed to the view as a string.
  app.get('/hello/<name>', ({ name }) => `Hello, ${name}!`)

  // A converter checks and converts it: `id` is a number here, typed as one.
  app.get('/users/<int:id>', ({ id }) => ({ id, next: id + 1 }))

  // `path` takes the rest of the URL, slashes included.
  app.get('/files/<path:rest>', ({ rest }) => rest)

  // `any` lists the segments it accepts.
  app.get('/<any(about, help):page>', ({ page }) => `the ${page} page`)
  // #endregion rules

  // #region methods
  // One view for several methods; HEAD follows GET and OPTIONS is answered for you.
  app.route(
    '/notes',
    async function notes() {
      return { method: 'whatever was asked' }
    },
    { methods: ['GET', 'POST'] },
  )

  // A rule ending in / redirects the URL without it (308); strictSlashes: false accepts both.
  app.get('/docs/', () => 'docs index')
  app.get('/feed', () => 'the feed', { strictSlashes: false })
  // #endregion methods

  // #region url-for
  app.get('/posts/<int:year>/<slug>', function post({ year, slug }) {
    return `${year}: ${slug}`
  })

  app.get('/links', () => ({
    // Endpoints are named after the view function; values the rule does not use become the query.
    post: urlFor('post', { year: 2024, slug: 'hello world', ref: 'feed' }),
    external: urlFor('post', { year: 2024, slug: 'x', _external: true }),
  }))
  // #endregion url-for

  // #region converter
  // A converter of your own: comma-separated lists, /tags/a,b,c → ['a', 'b', 'c'].
  class ListConverter implements Converter {
    toValue(raw: string): string[] {
      if (raw === '') throw new ValidationError() // "no match": the router answers 404
      return raw.split(',')
    }
    toUrl(value: unknown): string {
      return (value as string[]).join(',')
    }
  }
  app.urlMap.converters.set('list', ListConverter)

  // Custom converters type their parameter as a string; say what it really is.
  app.get('/tags/<list:tags>', (params) => {
    const tags = params.tags as unknown as string[]
    return { tags, count: tags.length }
  })
  // #endregion converter

  return app
}
