/**
 * The tutorial, step 2: the data file and the `init-db` command that empties it.
 */
import { join } from 'node:path'
import { Flagon } from '@flagon/framework'
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
  // #region config
  app.config.fromMapping({
    SECRET_KEY: 'dev',
    DATA_FILE: join(app.rootPath, 'instance', 'blog.json'),
  })
  app.config.fromPrefixedEnv()
  if (options.secretKey !== undefined) app.secretKey = options.secretKey
  if (options.dataFile !== undefined) app.config.DATA_FILE = options.dataFile
  // #endregion config

  app.get('/hello', function hello() {
    return 'Hello, World!'
  })

  // #region command
  app.cli.command(
    'init-db',
    { description: 'Clear the existing data and create an empty data file.' },
    async function initDb() {
      await getStore().clear()
      console.log(`Initialized the data file ${app.config.DATA_FILE}.`)
    },
  )
  // #endregion command

  return app
}
