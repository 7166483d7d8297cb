// Any UTF-16 code unit above 0xFF (a surrogate half included) is a character above U+00FF.
const WIDER_THAN_LATIN1 = /[\u0100-\uffff]/

/**
 * True when every character is ISO-8859-1 (U+0000 to U+00FF): what Opayo sends and hashes.
 * A wider character hashes as its low byte under Latin-1 encoding, so it is refused before.
 * @example isLatin1('Łódź') // false
 */
export const isLatin1 = (text: string): boolean => !WIDER_THAN_LATIN1.test(text)
