import { Flagon, sendFile, sendFromDirectory } from '@flagon/framework'

export function createApp(): Flagon {
  // #region static
  // Files in ./static (next to this module) are served at /static/<path>.
  const app = new Flagon(import.meta.url)
  app.config.SEND_FILE_MAX_AGE_DEFAULT = 3600 // Cache-Control: max-age for these files
  // #endregion static

  // #region send
  // A file under a folder, by a name from the URL; '..' and missing files are a 404.
  app.get('/reports/<path:name>', ({ name }) => sendFromDirectory('reports', name))

  // One known file, offered as a download under another name.
  app.get('/latest.csv', () =>
    sendFile('reports/2024.csv', { asAttachment: true, downloadName: 'latest.csv' }),
  )

  // Bytes made on the fly, with a type.
  app.get('/generated.txt', () => sendFile(new TextEncoder().encode('made now'), { mimetype: 'text/plain' }))
  // #endregion send

  return app
}
