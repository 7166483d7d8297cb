// docs/getting-started.md followed literally, in a new `npm init -y` project (CommonJS, as npm
// makes it): the page's own install lines with the packed tarballs, then the page's own blocks.
// The blocks are read from the page, found by the HTML comment before each:
//   <!-- scratch-project: install -->                     the npm install lines (sh)
//   <!-- scratch-project: first-payment.ts ... -->        saved under that name, run with tsx
//   <!-- scratch-project: opayo-kashflow.config.json -->  saved under that name
//   <!-- scratch-project: doctor ... -->                  run before better-sqlite3 is installed
// scripts/check-packages.mjs makes the project (setUpScratchProject) and runs its own checks of
// the bin in the same install, then checkGettingStarted; one install serves them all.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const PAGE = 'docs/getting-started.md'
/** Where the page tells the reader to put the tarballs; replaced with the check's own folder. */
const PAGE_PACKS = '/tmp/opayo-kashflow-packs'
/** What the SQLite store's typed error says (packages/sync/src/store/store-driver-missing-error.ts). */
const INSTALL_BETTER_SQLITE3 = 'install better-sqlite3: npm install better-sqlite3'
const INSTALL_PG = 'install pg: npm install pg'

/** The fenced block after `<!-- scratch-project: NAME`, or an error saying the mark is gone. */
export function markedBlock(text, name) {
  const mark = `<!-- scratch-project: ${name}`
  const at = text.indexOf(mark)
  if (at < 0) throw new Error(`${PAGE} has no block marked ${mark} -->`)
  const fence = /^```(\w*)\n([\s\S]*?)^```$/m.exec(text.slice(at))
  if (!fence) throw new Error(`${PAGE}: no code block follows ${mark} -->`)
  return { lang: fence[1] ?? '', code: fence[2] ?? '' }
}

/**
 * Runs `command` with npm's settings for a check (take packages from the cache first, no audit,
 * no funding notes); the page's lines themselves are run unchanged. Throws with the output.
 */
function sh(command, args, cwd, options = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
    ...options,
    env: {
      ...process.env,
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_loglevel: 'error',
      ...options.env,
    },
  })
}

const failed = (label, e) =>
  `${label} failed (exit ${e.status ?? e.code}):\n${e.stdout ?? ''}${e.stderr ?? ''}`

/**
 * `npm init -y` in `project`, then the page's install lines with `packs` for the page's folder.
 * Returns problems (empty when the project is ready). `folders` are the public packages' folder
 * names: the page's pack loop and install line must name each of them.
 */
export function setUpScratchProject({ root, project, packs, folders }) {
  const page = readFileSync(join(root, PAGE), 'utf8')
  const problems = []
  const loop = /^for p in ([\w ]+); do$/m.exec(page)
  const listed = (loop?.[1] ?? '').split(' ').filter(Boolean).sort()
  if (listed.join() !== [...folders].sort().join())
    problems.push(
      `${PAGE}'s pack loop names ${listed.join(', ') || 'nothing'}; the public packages are ${folders.join(', ')}`,
    )
  let install
  try {
    install = markedBlock(page, 'install').code
  } catch (e) {
    return [...problems, e.message]
  }
  const braces = /opayo-kashflow-\{([\w,]+)\}/.exec(install)
  if ((braces?.[1] ?? '').split(',').sort().join() !== [...folders].sort().join())
    problems.push(`${PAGE}'s install line names ${braces?.[1] ?? 'no {list}'}, not ${folders}`)
  try {
    sh('npm', ['init', '-y'], project)
    // bash, for the page's {a,b} list; `set -e`, so a failing line fails the step.
    sh('bash', ['-ec', install.replaceAll(PAGE_PACKS, packs)], project)
  } catch (e) {
    problems.push(failed(`the install lines of ${PAGE}`, e))
  }
  return problems
}

/** The page's programs and commands, in the project setUpScratchProject made. Returns problems. */
export function checkGettingStarted({ root, project }) {
  const page = readFileSync(join(root, PAGE), 'utf8')
  const problems = []
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'))
  // The point of the check: npm's default, where top-level await does not compile.
  if (manifest.type === 'module') problems.push('npm init -y made an ESM project: not the case')

  // Section 2: the first payment, posted on the fakes. The program asserts that invoice 1042 is
  // Paid in the fake KashFlow; exit 0 means every assert held.
  try {
    const { code } = markedBlock(page, 'first-payment.ts')
    if (!page.includes('`npx tsx first-payment.ts`'))
      problems.push(`${PAGE} no longer says to run \`npx tsx first-payment.ts\``)
    if (!/\['Status'\],?\s*'Paid'/.test(code))
      problems.push(
        'first-payment.ts no longer checks that the fake KashFlow shows the invoice Paid',
      )
    writeFileSync(join(project, 'first-payment.ts'), code)
    sh('npx', ['--no', '--', 'tsx', 'first-payment.ts'], project, { timeout: 120_000 })
  } catch (e) {
    problems.push(failed('npx tsx first-payment.ts', e))
  }

  // Section 3 before `npm install better-sqlite3`: the store's driver is missing, and what the
  // user reads must be the command that fixes it. (The check stops short of installing it: with
  // no prebuilt binary reachable it compiles for over a minute.)
  try {
    const { code } = markedBlock(page, 'opayo-kashflow.config.json')
    writeFileSync(join(project, 'opayo-kashflow.config.json'), code)
    const doctor = markedBlock(page, 'doctor').code
    try {
      const out = sh('bash', ['-ec', doctor], project, { timeout: 60_000 })
      problems.push(`doctor without better-sqlite3 exited 0:\n${out}`)
    } catch (e) {
      if (e.status !== 1 || !String(e.stderr).includes(INSTALL_BETTER_SQLITE3))
        problems.push(
          `${failed('doctor without better-sqlite3', e)}\n(expected exit 1 naming "${INSTALL_BETTER_SQLITE3}")`,
        )
    }
  } catch (e) {
    problems.push(e.message)
  }

  // The same typed error from the library itself, through both builds.
  const expectDriverError = (label, args, expected) => {
    try {
      const out = sh('node', args, project)
      if (!out.includes(`StoreDriverMissingError: ${expected}`))
        problems.push(
          `${label} printed ${JSON.stringify(out)}, not "StoreDriverMissingError: ${expected}"`,
        )
    } catch (e) {
      problems.push(failed(label, e))
    }
  }
  const report = `.then(() => console.log('opened'), (e) => console.log(e.name + ': ' + e.message))`
  expectDriverError(
    "require('@opayo-kashflow/sync/sqlite').sqliteStore()",
    ['-e', `require('@opayo-kashflow/sync/sqlite').sqliteStore({ path: 'x.db' })${report}`],
    INSTALL_BETTER_SQLITE3,
  )
  expectDriverError(
    "import('@opayo-kashflow/sync/sqlite') sqliteStore()",
    [
      '--input-type=module',
      '-e',
      `(await import('@opayo-kashflow/sync/sqlite')).sqliteStore({ path: 'x.db' })${report}`,
    ],
    INSTALL_BETTER_SQLITE3,
  )
  expectDriverError(
    "require('@opayo-kashflow/sync/postgres').postgresStore()",
    [
      '-e',
      `require('@opayo-kashflow/sync/postgres').postgresStore({ connectionString: 'postgres://127.0.0.1:9/x' })${report}`,
    ],
    INSTALL_PG,
  )

  problems.push(...checkFrameworkAdapters({ project, page }))
  return problems
}

/**
 * The page's Express path: express installed in the same project (`npm install express`, as the
 * page says), the marked `express.ts` block saved and run with tsx, as first-payment.ts is: it
 * mounts the service with `@opayo-kashflow/service/express` and waits for the invoice to be Paid.
 */
function checkFrameworkAdapters({ project, page }) {
  const problems = []
  try {
    const { code } = markedBlock(page, 'express.ts')
    if (!page.includes('`npm install express`'))
      problems.push(`${PAGE} no longer says to \`npm install express\``)
    if (!code.includes("from '@opayo-kashflow/service/express'"))
      problems.push('express.ts no longer imports @opayo-kashflow/service/express')
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', 'express@^5'], project)
    writeFileSync(join(project, 'express.ts'), code)
    sh('npx', ['--no', '--', 'tsx', 'express.ts'], project, { timeout: 120_000 })
  } catch (e) {
    problems.push(failed('npx tsx express.ts', e))
  }
  return problems
}
