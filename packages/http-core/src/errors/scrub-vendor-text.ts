// A vendor's error text goes into our error messages, so whoever logs an error logs it. A server
// (or a proxy in front of it) that echoes the request, its Authorization header included, would
// put the session token, the Basic credentials or a bearer key into a log. So vendor text is
// capped, stripped of control characters, and anything that looks like a credential is redacted
// before it is kept.

/** The most characters of vendor text an error keeps. */
const VENDOR_TEXT_MAX = 200

const REDACTED = '<redacted>'

// An authorization scheme and its credentials: `KfToken 3F2A...`, `Bearer eyJ...`, `Basic dXNl...`.
const SCHEME_VALUE = /\b(KfToken|Bearer|Basic|Digest|Negotiate|Token)(\s*[:=]?\s*)[^\s"',;<>]+/gi
// A named secret and its value: `Authorization: ...`, `"token":"..."`, `password=...`.
const NAMED_VALUE =
  /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|access[-_]?token|session[-_]?token|token|password|passwd|secret|memorable[-_]?word|securitykey)(["']?\s*[:=]\s*["']?)(?:(?:KfToken|Bearer|Basic|Digest)\s+)?[^\s"',;&<>]+/gi
// A GUID (KashFlow's session tokens are GUIDs).
const GUID = /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi
// A long run of base64, base64url or hex: a token or a key more often than a word.
const LONG_RUN = /[A-Za-z0-9+/_=-]{24,}/g
// C0 and C1 controls and DEL: a log line or a terminal acts on them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g

/**
 * Vendor text (an error body's message, code or detail) as an error may keep it: control
 * characters made spaces, credentials and token-like runs (an authorization scheme and its value,
 * a named secret, a GUID, 24 or more base64/hex characters holding a digit) replaced by
 * `<redacted>`, and at most `max` characters (an ellipsis marks the cut). Undefined stays
 * undefined.
 * @param text What the vendor said.
 * @param max The most characters kept. @default 200
 * @example scrubVendorText('Invalid token KfToken 3F2A5C1E-0000-4000-8000-0000000000AA') // 'Invalid token KfToken <redacted>'
 */
export function scrubVendorText(text: string, max?: number): string
export function scrubVendorText(text: string | undefined, max?: number): string | undefined
export function scrubVendorText(
  text: string | undefined,
  max: number = VENDOR_TEXT_MAX,
): string | undefined {
  if (text === undefined) return undefined
  // Cap what is read first, so a 20 MB body costs no more than a short one; a run cut by the cap
  // is dropped whole (a token's tail is still a token's).
  const read = text.length > max * 4 ? text.slice(0, max * 4).replace(/[^\s"',;<>]*$/, '') : text
  const clean = read
    .replace(CONTROL, ' ')
    .replace(SCHEME_VALUE, (_, scheme: string, gap: string) => `${scheme}${gap || ' '}${REDACTED}`)
    .replace(NAMED_VALUE, (_, name: string, gap: string) => `${name}${gap}${REDACTED}`)
    .replace(GUID, REDACTED)
    .replace(LONG_RUN, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? REDACTED : run))
    .trim()
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}
