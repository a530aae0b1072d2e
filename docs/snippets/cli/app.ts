import { CommandError, currentApp, Flagon } from '@flagon/framework'

/** An app with commands of its own for the `flagon` CLI. */
export function createApp(): Flagon {
  const app = new Flagon(import.meta.url)
  app.config.fromMapping({ GREETING: 'Hello' })
  app.config.fromPrefixedEnv()

  // #region command
  // flagon greet --name Ada --shout
  app.cli.command(
    'greet',
    {
      description: 'Say hello.',
      options: {
        name: { type: 'string', short: 'n', default: 'you', description: 'Whom to greet.' },
        shout: { type: 'boolean', description: 'In capitals.' },
      },
    },
    ({ values }) => {
      // Commands run in an app context: currentApp and its config are there.
      const text = `${currentApp.config.GREETING}, ${values.name}!`
      console.log(values.shout ? text.toUpperCase() : text)
    },
  )
  // #endregion command

  // #region group
  // flagon users add ada bo
  const users = app.cli.group('users', { description: 'Manage users.' })
  users.command('add', { description: 'Add users.', args: 'NAME...' }, ({ positionals }) => {
    if (positionals.length === 0) throw new CommandError('Give at least one name.')
    for (const name of positionals) console.log(`Added ${name}.`)
  })
  // #endregion group

  return app
}
