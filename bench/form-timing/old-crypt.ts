// The Form decryptor as it was before issue 19 (finding 2), kept only here as the bench's
// baseline: OpenSSL checks the padding and throws on a bad one, so a bad padding costs more (the
// thrown error), and the fields are parsed only after a good one. A verbatim copy of
// packages/opayo/src/form/crypt.ts at 0947aae (its decrypt half), plus `createFormDecryptor` in
// the shape the service now calls, wrapping the throwing decrypt as the route used it then.
//
// server.ts swaps it in for packages/opayo/src/form/crypt.ts with a module resolve hook when
// OKW_FORM_TIMING_DECRYPTOR=old, so the route, the service and everything else are today's.
import { createDecipheriv } from 'node:crypto'
import { OpayoCryptError } from '../../packages/opayo/src/errors/opayo-error.js'
import type { FormDecryption, FormDecryptor } from '../../packages/opayo/src/form/crypt.js'

export { encryptFormCrypt } from '../../packages/opayo/src/form/crypt.js'

interface DecryptFormCryptOptions {
  readonly expectedVendorTxCode?: string
}

function keyOf(password: string): Buffer {
  const key = Buffer.from(password, 'latin1')
  if (key.length !== 16 || /[^\x20-\x7e]/.test(password)) {
    throw new OpayoCryptError(
      'bad_password',
      `The Form encryption password must be 16 printable ASCII characters (it is ${password.length}).`,
    )
  }
  return key
}

const UNDECRYPTED: FormDecryption = Object.freeze({ ok: false, reason: 'undecryptable' })

/**
 * The old route's decrypt, in the new call shape: the throwing decrypt, its throw caught.
 * @example createFormDecryptor('55a51621a6648525')('@00')
 */
export function createFormDecryptor(password: string): FormDecryptor {
  return (crypt) => {
    try {
      return { ok: true, fields: decryptFormCrypt(crypt, password) }
    } catch {
      return UNDECRYPTED
    }
  }
}

// Every way a crypt can fail to decrypt gives this one error: same class, code and message, no
// cause. AES-CBC crypts carry no integrity check, so telling bad padding apart from bad fields
// (or bad hex from a short block) would hand whoever submits crypts a padding oracle.
const UNDECRYPTABLE_MESSAGE =
  'The Form crypt could not be decrypted with this encryption password: it is malformed or was altered, or it was encrypted with another password (test and live passwords differ).'

const undecryptable = () => new OpayoCryptError('undecryptable', UNDECRYPTABLE_MESSAGE)

/**
 * Decrypts a Form `crypt` (either hex case) and splits it into fields, each on its first `=`.
 *
 * Every decryption failure (no `@`, not hex, odd length, not whole AES blocks, bad padding, the
 * wrong password, bytes that are not Form fields) throws the same `OpayoCryptError` with `reason`
 * `undecryptable`, code `opayo_crypt_undecryptable` and one fixed message, with no `cause`: a crypt has no
 * integrity check, so a reply that differed by failure would be a padding oracle.
 * @throws {OpayoCryptError} `undecryptable` when the crypt does not decrypt to Form fields, `replay`
 * when it does but for another VendorTxCode than expected, `bad_password` for a password that is
 * not 16 ASCII characters.
 * @example decryptFormCrypt('@00', '55a51621a6648525')
 */
export function decryptFormCrypt(
  crypt: string,
  password: string,
  options: DecryptFormCryptOptions = {},
): Record<string, string> {
  const key = keyOf(password)
  const fields = decryptToFields(crypt, key)
  if (fields === undefined) throw undecryptable()
  if (
    options.expectedVendorTxCode !== undefined &&
    fields['VendorTxCode'] !== options.expectedVendorTxCode
  ) {
    // The decrypted VendorTxCode stays out of the message: it is decrypted content.
    throw new OpayoCryptError(
      'replay',
      `The Form crypt is for another VendorTxCode than "${options.expectedVendorTxCode}": a crypt from another order was replayed.`,
    )
  }
  return fields
}

/** The fields of a crypt, or undefined for any failure (deliberately not saying which). */
function decryptToFields(crypt: string, key: Buffer): Record<string, string> | undefined {
  if (!/^@(?:[0-9a-fA-F]{32})+$/.test(crypt)) return undefined
  let plain: string
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, key)
    plain = Buffer.concat([
      decipher.update(Buffer.from(crypt.slice(1), 'hex')),
      decipher.final(),
    ]).toString('latin1')
  } catch {
    return undefined
  }
  const fields = parseFormPlaintext(plain)
  return fields?.['VendorTxCode'] === undefined ? undefined : fields
}

function parseFormPlaintext(plain: string): Record<string, string> | undefined {
  // Control characters other than tab, CR and LF mean the bytes were not text: a wrong key.
  for (let i = 0; i < plain.length; i += 1) {
    const code = plain.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return undefined
  }
  const fields: Record<string, string> = {}
  for (const part of plain.split('&')) {
    if (part === '') continue
    const at = part.indexOf('=')
    if (at <= 0) return undefined
    fields[part.slice(0, at)] = part.slice(at + 1)
  }
  return fields
}
