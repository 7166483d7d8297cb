// Where things are in a JSON text that JSON.parse has already accepted: the line of each top-level
// row, and every key written twice in one object (JSON.parse keeps the last silently).

/** Where a key or row sits: the top-level row (array index or object key) and the path inside it. */
export interface JsonPlace {
  /** The top-level array index, or the top-level object's key; `(file)` for the root itself. */
  readonly row: number | string
  /** Dotted path inside the row; empty for the row itself. */
  readonly path: string
  /** 1-based line of the text. */
  readonly line: number
}

/** The layout of a JSON text: row lines and duplicate keys. */
export interface JsonLayout {
  /** Line of each top-level row: by array index, or by object key (its first occurrence). */
  readonly rowLine: (row: number | string) => number | undefined
  /** Every key written again in the same object, where it is written the second (third...) time. */
  readonly duplicateKeys: readonly (JsonPlace & { readonly key: string; readonly first: number })[]
}

type Frame =
  | {
      readonly kind: 'object'
      readonly keys: Map<string, number>
      expectKey: boolean
      current: string | undefined
    }
  | { readonly kind: 'array'; index: number; started: boolean }

/**
 * Reads the layout of `text`, which must be JSON that `JSON.parse` accepts (otherwise the answer
 * is partial, never a throw). Linear in the text; strings are skipped, not copied, unless a key.
 * @example jsonLayout('{"a":1,\n"a":2}').duplicateKeys // [{ row: 'a', path: '', line: 2, key: 'a', first: 1 }]
 */
export function jsonLayout(text: string): JsonLayout {
  const stack: Frame[] = []
  const arrayLines: number[] = []
  const keyLines = new Map<string, number>()
  const duplicateKeys: (JsonPlace & { key: string; first: number })[] = []
  let line = 1
  const placeOf = (): { row: number | string; path: string } => {
    const parts: (string | number)[] = []
    for (const frame of stack) {
      if (frame.kind === 'object' && frame.current !== undefined) parts.push(frame.current)
      if (frame.kind === 'array') parts.push(frame.index)
    }
    const [row, ...rest] = parts
    return { row: row ?? '(file)', path: rest.map(String).join('.') }
  }
  // A value starts here: the first token of a top-level array element records its line.
  const valueStarts = () => {
    const top = stack[stack.length - 1]
    if (top?.kind === 'array' && !top.started) {
      top.started = true
      if (stack.length === 1) arrayLines[top.index] = line
    }
  }
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '\n') {
      line += 1
      continue
    }
    if (char === ' ' || char === '\t' || char === '\r' || char === ':') continue
    const top = stack[stack.length - 1]
    if (char === '"') {
      const start = i
      for (i += 1; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i += 1
      if (top?.kind === 'object' && top.expectKey) {
        let key: string
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string
        } catch {
          key = text.slice(start + 1, i)
        }
        top.expectKey = false
        const first = top.keys.get(key)
        top.current = key
        if (first !== undefined) {
          const { row, path } = placeOf()
          duplicateKeys.push({ row, path, line, key, first })
        } else top.keys.set(key, line)
        if (stack.length === 1 && !keyLines.has(key)) keyLines.set(key, line)
      } else valueStarts()
      continue
    }
    if (char === ',') {
      if (top?.kind === 'object') top.expectKey = true
      if (top?.kind === 'array') {
        top.index += 1
        top.started = false
      }
      continue
    }
    if (char === '}' || char === ']') {
      stack.pop()
      continue
    }
    valueStarts()
    if (char === '{')
      stack.push({ kind: 'object', keys: new Map(), expectKey: true, current: undefined })
    else if (char === '[') stack.push({ kind: 'array', index: 0, started: false })
  }
  return {
    rowLine: (row) => (typeof row === 'number' ? arrayLines[row] : keyLines.get(row)),
    duplicateKeys,
  }
}
