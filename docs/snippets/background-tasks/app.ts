import { currentApp, Flagon, request } from '@flagon/framework'

/** Sends the welcome mail in the background; `outbox` stands in for a mail server. */
export function createApp(outbox: string[]): Flagon {
  const app = new Flagon('background-tasks')
  app.config.FROM_ADDRESS = 'hello@example.com'

  // #region task
  async function sendWelcomeMail(address: string) {
    await new Promise((resolve) => setTimeout(resolve, 50)) // a slow mail server
    // A task runs in an app context of its own: currentApp and g, but no request.
    outbox.push(`From ${currentApp.config.FROM_ADDRESS} to ${address}: welcome!`)
  }

  app.post('/signup', async () => {
    const { email } = (await request.json()) as { email: string }
    app.addBackgroundTask(sendWelcomeMail, email) // answered now; the mail goes after
    return [{ email }, 201]
  })
  // #endregion task
  return app
}
