/**
 * The app's logger. Anything with `debug/info/warn/error` can replace it (`app.logger = pino()`);
 * the default writes Quart's format to stderr: `[time] LEVEL in name: message`.
 */

/** What Flagon needs of a logger. */
export interface Logger {
  debug(message: string, ...rest: unknown[]): void
  info(message: string, ...rest: unknown[]): void
  warn(message: string, ...rest: unknown[]): void
  error(message: string, ...rest: unknown[]): void
}

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const

/** The default logger of an app named `name`; `level()` is read on each call so DEBUG can change. */
export function createLogger(name: string, level: () => keyof typeof levels): Logger {
  const write =
    (lvl: keyof typeof levels) =>
    (message: string, ...rest: unknown[]) => {
      if (levels[lvl] < levels[level()]) return
      const details = rest.map((item) =>
        item instanceof Error ? `\n${item.stack ?? item.message}` : ` ${String(item)}`,
      )
      process.stderr.write(
        `[${new Date().toISOString()}] ${lvl.toUpperCase()} in ${name}: ${message}${details.join('')}\n`,
      )
    }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}
