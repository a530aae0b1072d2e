import { BadRequest } from '../exceptions.js'

/**
 * The client went away (or its stream failed) before the whole body arrived. A 400 like
 * Werkzeug's `ClientDisconnected`: nobody is left to read the answer, but it must not be a 500.
 */
export class ClientDisconnected extends BadRequest {
  constructor(cause?: unknown) {
    super(
      'The client disconnected before sending the whole request body.',
      cause === undefined ? {} : { cause },
    )
  }
}
