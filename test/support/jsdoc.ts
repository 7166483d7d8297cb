// The JSDoc @example blocks of a source file, for the tests that check them.

/** The @example bodies of the JSDoc blocks in a file, with the line each starts on. */
export function examples(source: string): { line: number; code: string }[] {
  const found: { line: number; code: string }[] = []
  for (const block of source.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const startLine = source.slice(0, block.index).split('\n').length
    const lines = block[0]
      .replace(/^\/\*\*/, '')
      .replace(/\*\/$/, '')
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
    let current: { line: number; code: string[] } | undefined
    lines.forEach((text, i) => {
      const tag = /^\s*@(\w+)\s?(.*)$/.exec(text)
      if (tag) {
        if (current) found.push({ line: current.line, code: current.code.join('\n') })
        current = tag[1] === 'example' ? { line: startLine + i, code: [tag[2] ?? ''] } : undefined
        return
      }
      // Inline tags after the example text (`@default`, `@throws`) end it too.
      current?.code.push(text.split(/\s@(?:default|throws|param|returns)\b/)[0] ?? '')
    })
    if (current) found.push({ line: current.line, code: current.code.join('\n') })
  }
  return found
}
