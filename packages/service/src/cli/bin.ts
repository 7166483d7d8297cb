// The `opayo-kashflow` binary: always runs the command line, whatever path or link started it.
// Built to dist/cli.js; bin/opayo-kashflow.js (the package's `bin`) loads that file.
import { EXIT, main } from './main.js'

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`)
    process.exit(EXIT.failed)
  },
)
