/**
 * HTTP dates (RFC 9110 §5.6.7) for Last-Modified, Expires, If-Modified-Since and If-Range: written
 * as IMF-fixdate, read in all three forms a client may send. They carry whole seconds only.
 */

/** Formats a time (a Date or milliseconds since the epoch) as an IMF-fixdate. */
export function formatHttpDate(time: Date | number): string {
  return new Date(time).toUTCString()
}

/**
 * Parses an HTTP date into milliseconds since the epoch, or null when the value is none of
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) or
 * asctime (`Sun Nov  6 08:49:37 1994`). Client input: nothing here throws.
 */
export function parseHttpDate(value: string | null): number | null {
  if (value === null) return null
  const fields = fieldsOf(value.trim())
  if (!fields) return null
  const [dayText, monthName, year, clock] = fields
  const day = Number(dayText.trim())
  const month = MONTHS.indexOf(monthName.toLowerCase())
  const [hours = 0, minutes = 0, seconds = 0] = clock.split(':').map(Number)
  if (month === -1 || hours > 23 || minutes > 59 || seconds > 59) return null
  const time = Date.UTC(year, month, day, hours, minutes, seconds)
  // Date.UTC rolls 31 Feb over into March; a real date survives the round trip.
  return new Date(time).getUTCDate() === day ? time : null
}

type Fields = [day: string, month: string, year: number, clock: string]

function fieldsOf(text: string): Fields | undefined {
  const imf = IMF_FIXDATE.exec(text)
  if (imf) return [imf[1]!, imf[2]!, Number(imf[3]), imf[4]!]
  const rfc850 = RFC_850.exec(text)
  if (rfc850) {
    // A two-digit year that would be more than 50 years ahead is in the past (RFC 9110 §5.6.7).
    const yy = Number(rfc850[3])
    const year = 2000 + yy > new Date().getUTCFullYear() + 50 ? 1900 + yy : 2000 + yy
    return [rfc850[1]!, rfc850[2]!, year, rfc850[4]!]
  }
  const asctime = ASCTIME.exec(text)
  return asctime ? [asctime[2]!, asctime[1]!, Number(asctime[4]), asctime[3]!] : undefined
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) GMT$/i
const RFC_850 = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}:\d{2}:\d{2}) GMT$/i
const ASCTIME = /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) (\d{4})$/i
