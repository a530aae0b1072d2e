/**
 * The user-facing `sendFile` and `sendFromDirectory`: the files/ functions with what the current
 * request supplies filled in (the request, for conditional answers and ranges; SEND_FILE_MAX_AGE_DEFAULT;
 * relative paths resolved against the app's root), and the static-folder view built on them.
 */
import { isAbsolute, join } from 'node:path'
import { currentFrame } from '../context.js'
import * as files from '../files/send-file.js'
import type { Response } from '../wrappers/response.js'

export type { FileSource, SendFileOptions } from '../files/send-file.js'

/**
 * A response that sends a file (a path, bytes or a stream), conditional on the current request.
 * @example return sendFile('reports/2024.pdf', { asAttachment: true })
 */
export function sendFile(source: files.FileSource, options: files.SendFileOptions = {}): Promise<Response> {
  return files.sendFile(typeof source === 'string' ? fromRoot(source) : source, withContext(options))
}

/**
 * A response that sends `path` from inside `directory`; a path that would leave it, or a missing
 * file, is a 404.
 * @example app.get('/uploads/<path:name>', ({ name }) => sendFromDirectory('uploads', name))
 * @throws NotFound for a path outside the directory or a file that does not exist.
 */
export function sendFromDirectory(
  directory: string,
  path: string,
  options: files.SendFileOptions = {},
): Promise<Response> {
  return files.sendFromDirectory(fromRoot(directory), path, withContext(options))
}

/** The view that serves a static folder: `({ filename }) => file`, with no response timeout. */
export function staticView(folder: string) {
  return async function serveStatic(params: { filename: string }): Promise<Response> {
    const response = await sendFromDirectory(folder, params.filename)
    // A large download on a slow connection must not be cut by RESPONSE_TIMEOUT.
    response.timeout = null
    return response
  }
}

function withContext(options: files.SendFileOptions): files.SendFileOptions {
  const frame = currentFrame()
  if (!frame) return options
  const request = frame.request?.request
  return {
    ...(request && { request }),
    defaultMaxAge: frame.app.app.config.SEND_FILE_MAX_AGE_DEFAULT,
    ...options,
  }
}

function fromRoot(path: string): string {
  const root = currentFrame()?.app.app.rootPath
  return root && !isAbsolute(path) ? join(root, path) : path
}
