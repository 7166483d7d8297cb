/** One character {@link toLatin1} replaced. */
export interface Latin1Change {
  /** Index of the character in the input string (UTF-16 code units). */
  readonly index: number
  readonly from: string
  readonly to: string
}

// Common characters outside ISO-8859-1 that have a faithful Latin-1 spelling.
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '–': '-',
  '—': '-',
  '‐': '-',
  '‑': '-',
  '−': '-',
  '…': '...',
  '€': 'EUR',
  '•': '*',
  '™': 'TM',
  Œ: 'OE',
  œ: 'oe',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  ı: 'i',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
}

/**
 * Transliterates text to ISO-8859-1, which Opayo requires (thephpleague/omnipay-sagepay README:
 * Opayo strictly treats data as ISO-8859-1). Characters already in Latin-1 are kept (ó stays);
 * others lose their accent where that leaves Latin-1 (ź -> z), common ones have a spelling
 * (Ł -> L), typographic punctuation becomes ASCII, € becomes EUR, anything else becomes '?'. Reports every
 * change so nothing is altered silently.
 * @example toLatin1('Łódź – “Café”') // { text: 'Lódz - "Café"', changes: [...] }
 */
export function toLatin1(text: string): { text: string; changes: Latin1Change[] } {
  const changes: Latin1Change[] = []
  let out = ''
  let index = 0
  for (const char of text.normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0
    if (code <= 0xff) {
      out += char
    } else {
      const replacement =
        REPLACEMENTS[char] ??
        (() => {
          const stripped = char.normalize('NFD').replace(/\p{M}/gu, '')
          return stripped.length > 0 && [...stripped].every((c) => (c.codePointAt(0) ?? 0) <= 0xff)
            ? stripped
            : '?'
        })()
      out += replacement
      changes.push({ index, from: char, to: replacement })
    }
    index += char.length
  }
  return { text: out, changes }
}
