// Text others control (dead-letter reasons, resolutions, VendorTxCodes, file cells, notes, vendor
// error messages) is printed to an operator's terminal. A terminal runs the control characters in
// it: ESC and the C1 CSI start sequences that move the cursor, retitle the window, rewrite what was
// printed above or, on some terminals, write to the clipboard or a file. So every control
// character is printed as a visible escape instead.

// C0 controls, DEL, C1 controls, and the Unicode line separators and bidirectional overrides that
// reorder or split what the operator reads ("Trojan Source"). Matching control characters is
// the point here, hence the lint exceptions.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g
const CONTROL_BUT_LINES =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

// The JSON spelling (`\u001b`), so escaped --json output is still JSON with the same value.
const visible = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * One line for a terminal: every control character (newlines too, so a value cannot forge a line
 * of its own) printed as its `\uXXXX` escape. Use it on each value others control.
 * @example terminalLine('paid\u001b]0;pwned\u0007') // 'paid\\u001b]0;pwned\\u0007'
 */
export function terminalLine(text: string): string {
  return text.replace(CONTROL, visible)
}

/**
 * A block of lines for a terminal: as {@link terminalLine}, but the block's own newlines kept.
 * The CLI passes everything it prints through this, whatever the command.
 * @example terminalText('a\nb\u009b2J') // 'a\nb\\u009b2J'
 */
export function terminalText(text: string): string {
  return text.replace(CONTROL_BUT_LINES, visible)
}
