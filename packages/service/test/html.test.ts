// Issue 21: one HTML escaper for the status page, the resolve answer and reconciliation.html.
import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../src/service/html.js'

describe('escapeHtml', () => {
  it('escapes &, <, >, double quotes and apostrophes', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    )
  })

  it('escapes & first, so an entity in the input is shown rather than interpreted', () => {
    expect(escapeHtml('&lt;script&gt; &#39;')).toBe('&amp;lt;script&amp;gt; &amp;#39;')
  })

  it('leaves other text as it is', () => {
    expect(escapeHtml('Opayo batch 1234: £143.34 — ok')).toBe('Opayo batch 1234: £143.34 — ok')
    expect(escapeHtml('')).toBe('')
  })
})
