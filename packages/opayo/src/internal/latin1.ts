/**
 * True when every character is ISO-8859-1 (U+0000 to U+00FF): what Opayo sends and hashes.
 * A wider character hashes as its low byte under Latin-1 encoding, so it is refused before.
 * @example isLatin1('Łódź') // false
 */
export const isLatin1 = (text: string): boolean =>
  [...text].every((c) => (c.codePointAt(0) ?? 0) <= 0xff)
