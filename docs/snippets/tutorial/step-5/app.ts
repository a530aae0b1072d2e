/**
 * A small blog, the Flagon version of Flask's tutorial app "flaskr": users register and log in,
 * write posts, and edit or delete their own. It shows templates that extend a base layout, forms,
 * flashed messages, a login kept in the session, blueprints, static CSS and an app command.
 *
 * `main.ts` serves it; so does `flagon --app examples/blog/app.ts run`. The data lives in one JSON
 * file, `instance/blog.json` unless DATA_FILE says otherwise; `flagon init-db` empties it.
 */
import { join } from 'node:path'
import { Flagon } from '@flagon/framework'
import * as auth from './auth.js'
import * as blog from './blog.js'
import { getStore } from './store.js'

/** What tests (or a deployment) may set instead of the defaults. */
export interface BlogOptions {
  /** The JSON file the users and posts are kept in. */
  dataFile?: string
  /** The key the session cookie is signed with. */
  secretKey?: string
}

export function createApp(options: BlogOptions = {}): Flagon {
  const app = new Flagon(import.meta.url)
  app.config.fromMapping({
    // 'dev' will do while developing; a deployment sets FLAGON_SECRET_KEY to a long random string.
    SECRET_KEY: 'dev',
    DATA_FILE: join(app.rootPath, 'instance', 'blog.json'),
  })
  app.config.fromPrefixedEnv()
  if (options.secretKey !== undefined) app.secretKey = options.secretKey
  if (options.dataFile !== undefined) app.config.DATA_FILE = options.dataFile

  app.registerBlueprint(auth.bp)
  app.registerBlueprint(blog.bp)

  app.cli.command(
    'init-db',
    { description: 'Clear the existing data and create an empty data file.' },
    async function initDb() {
      await getStore().clear()
      console.log(`Initialized the data file ${app.config.DATA_FILE}.`)
    },
  )

  return app
}
