/**
 * CSV for a spreadsheet (the KPI exports): UTF-8 with a byte-order mark, so that Excel shows Chinese, and CRLF line
 * ends (RFC 4180).
 */

export type CsvValue = string | number | undefined

function csvCell(value: CsvValue): string {
  let text = value === undefined ? '' : String(value)
  // a name a spreadsheet would run as a formula (OWASP "CSV injection") is shown as text
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The rows, the first of them the header, as one CSV text. */
export function csvTable(rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}
