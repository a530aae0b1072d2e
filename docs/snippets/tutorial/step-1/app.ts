/**
 * The tutorial, step 1: the project and the app factory. `createApp()` makes a new app each time it is
 * called, so that each test gets its own and a deployment can pass its settings in.
 */
import { Flagon } from '@flagon/framework'

/** What tests (or a deployment) may set instead of the defaults. */
export interface BlogOptions {
  /** The key the session cookie is signed with. */
  secretKey?: string
}

export function createApp(options: BlogOptions = {}): Flagon {
  const app = new Flagon(import.meta.url)
  app.config.fromMapping({
    // 'dev' will do while developing; a deployment sets FLAGON_SECRET_KEY to a long random string.
    SECRET_KEY: 'dev',
  })
  app.config.fromPrefixedEnv()
  if (options.secretKey !== undefined) app.secretKey = options.secretKey

  // A page to see that it works; the blog's index replaces it in step 5.
  app.get('/hello', function hello() {
    return 'Hello, World!'
  })

  return app
}
