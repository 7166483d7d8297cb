#!/usr/bin/env node
// The `opayo-kashflow` bin. Committed (not built), so a package manager can link it before a
// build; it loads the built command line, dist/cli.js, which runs at once.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli.js', import.meta.url)
if (!existsSync(cli)) {
  process.stderr.write(
    'opayo-kashflow: the command line is not built (dist/cli.js is missing): run pnpm build first.\n',
  )
  process.exit(2)
}
await import(cli.href)
