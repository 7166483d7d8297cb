/**
 * True when every character is ISO-8859-1 (U+0000 to U+00FF): what Opayo sends and hashes.
 * A wider character hashes as its low byte under Latin-1 encoding, so it is refused before.
 * @example isLatin1('Łódź') // false
 */
export const isLatin1 = (text: string): boolean => {
  // Code units, not code points: any character above U+00FF (a surrogate half included) has a
  // code unit above 0xFF. A loop, as this runs on every field of every notification.
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0xff) return false
  return true
}
