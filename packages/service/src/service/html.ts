// The one HTML escaper of every page the service writes (the status page, the resolve answer,
// reconciliation.html): their text holds data others control (VendorTxCodes, notes, reasons,
// error text), written into element text and into attribute values quoted with " or '.

/**
 * Text made safe for HTML element content and for a quoted attribute value: `&`, `<`, `>`, `"`
 * and `'` become entities (`&` first, so an entity in the input is shown, not interpreted).
 * @example escapeHtml(`<a href="x">Tom's & Jerry's</a>`) // '&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;'
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}
