// The one CSV cell writer of every CSV the project writes (reconciliation.csv,
// settlement-batches.csv): the reports are opened in spreadsheets, and their text cells hold data
// others control (VendorTxCodes, notes, batch ids, error text).

// A text cell a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, tab, CR.
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV cell. Text that would start a formula gets a leading single quote, so the spreadsheet
 * shows it as text (quoting alone does not stop a formula: `"=1+1"` still runs); numbers the
 * project produces (amounts in minor units, invoice numbers, refunds negative) are written as they
 * are and stay numeric. Then RFC 4180 quoting when the cell holds a comma, quote, CR or LF.
 * @example csvCell('=1+1') // "'=1+1"
 * @example csvCell(-5000) // '-5000'
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return ''
  const text =
    typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}
