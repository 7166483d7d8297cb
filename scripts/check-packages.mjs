// Checks every publishable package as a user receives it:
// 1. every `types` target in package.json (and publishConfig) exists after the build;
// 2. the packed tarball passes publint (strict) and attw (are the types wrong?);
// 3. a consumer project can `require` and `import` the packed package, with the same exports;
// 4. every packed package installed together with npm into one new `npm init -y` project, by the
//    install lines of docs/getting-started.md; the command line runs through its bin link
//    (`npx opayo-kashflow --help`, `--version`), and inside the monorepo through
//    `pnpm exec opayo-kashflow --version`;
// 5. in that same project, getting-started as written: first-payment.ts and the Express path
//    (express.ts) post on the fakes, and without better-sqlite3 `doctor` names the command that installs it (scratch-project.mjs).
// Steps 1-3 run offline (dependencies come from the workspace install); steps 4-5 let npm take
// third-party dependencies from its cache first (--prefer-offline).
import { execFileSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { packPackage, publicPackages, workspacePackages } from './pack-packages.mjs'
import { checkGettingStarted, setUpScratchProject } from './scratch-project.mjs'

const root = resolve(import.meta.dirname, '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })

const failures = []
// Every packed tarball, kept for step 4.
const packs = mkdtempSync(join(tmpdir(), 'ok-packs-'))
const tarballs = []
let cliVersion

const seconds = (since) => `(${((Date.now() - since) / 1000).toFixed(1)} s)`

function typesTargets(node, into = []) {
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'types' && typeof value === 'string') into.push(value)
      else typesTargets(value, into)
    }
  }
  return into
}

// vitest (the optional peer of @opayo-kashflow/sync/testing, which registers tests) refuses to
// load outside a vitest run, by require() or import() alike. The consumer gets a stand-in with the
// same names, so the entry's builds are still loaded and their exports compared; registering a
// test does nothing there.
function writeVitestStub(target) {
  mkdirSync(target, { recursive: true })
  const names = [
    'describe',
    'it',
    'test',
    'expect',
    'beforeAll',
    'afterAll',
    'beforeEach',
    'afterEach',
  ]
  writeFileSync(
    join(target, 'package.json'),
    JSON.stringify({
      name: 'vitest',
      version: '0.0.0-stub',
      exports: { '.': { import: './index.mjs', require: './index.cjs' } },
    }),
  )
  writeFileSync(
    join(target, 'index.mjs'),
    names.map((name) => `export const ${name} = () => {}\n`).join(''),
  )
  writeFileSync(
    join(target, 'index.cjs'),
    names.map((name) => `exports.${name} = () => {}\n`).join(''),
  )
}

// Private workspace packages (the shared HTTP core) are bundled into the packages that use them,
// never depended on: a user could not install them.
const privateNames = workspacePackages()
  .filter(({ manifest }) => manifest.private)
  .map(({ manifest }) => manifest.name)

for (const { folder: name, dir, manifest } of publicPackages()) {
  const label = manifest.name
  const problems = []

  const targets = [
    ...(manifest.types ? [manifest.types] : []),
    ...typesTargets(manifest.exports),
    ...typesTargets(manifest.publishConfig?.exports),
  ]
  if (targets.length === 0) problems.push('declares no `types` at all')
  for (const target of new Set(targets)) {
    if (!existsSync(join(dir, target)))
      problems.push(`types target ${target} is missing (build first)`)
  }

  const work = mkdtempSync(join(tmpdir(), `ok-pack-${name}-`))
  try {
    const tarPath = packPackage(dir, work)
    const tarball = basename(tarPath)
    copyFileSync(tarPath, join(packs, tarball))
    tarballs.push(join(packs, tarball))
    if (manifest.bin?.['opayo-kashflow']) cliVersion = manifest.version

    try {
      run(bin('publint'), ['run', tarPath, '--strict'], root)
    } catch (e) {
      problems.push(`publint:\n${e.stdout}${e.stderr}`)
    }
    try {
      // node16 profile: these packages need Node 20+, where `exports` is honoured; the legacy
      // node10 resolution cannot see subpaths such as @opayo-kashflow/testkit/msw.
      run(
        bin('attw'),
        [tarPath, '--profile', 'node16', '--no-emoji', '--no-color', '--format', 'ascii'],
        root,
      )
    } catch (e) {
      problems.push(`attw:\n${e.stdout}${e.stderr}`)
    }

    // A consumer project: the packed files under node_modules, dependencies linked from the
    // workspace install (no registry needed).
    const consumer = join(work, 'consumer')
    const installed = join(consumer, 'node_modules', ...label.split('/'))
    mkdirSync(installed, { recursive: true })
    run('tar', ['-xzf', tarPath, '-C', installed, '--strip-components=1'], work)
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const target = join(consumer, 'node_modules', ...dep.split('/'))
      mkdirSync(dirname(target), { recursive: true })
      if (dep === 'vitest') writeVitestStub(target)
      else symlinkSync(join(dir, 'node_modules', ...dep.split('/')), target)
    }
    if (existsSync(join(installed, 'src')))
      problems.push('the tarball ships src/ (files should be ["dist"])')
    const packed = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const dep of Object.keys(packed[field] ?? {}).filter((d) => privateNames.includes(d)))
        problems.push(`${field} names the private ${dep}: bundle it (tsup noExternal) instead`)
    }
    for (const file of readdirSync(installed, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file)) continue
      const text = readFileSync(join(installed, file), 'utf8')
      for (const dep of privateNames.filter(
        (d) => text.includes(`'${d}'`) || text.includes(`"${d}"`),
      ))
        problems.push(
          `${file} imports the private ${dep}: bundle it and keep it out of public types`,
        )
    }
    const entries = Object.keys(manifest.publishConfig?.exports ?? manifest.exports ?? { '.': '' })
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? label : `${label}/${key.slice(2)}`))
    for (const entry of entries) {
      const cjs = run(
        'node',
        [
          '-e',
          `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(entry)})).sort()))`,
        ],
        consumer,
      )
      const esm = run(
        'node',
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`,
        ],
        consumer,
      )
      if (cjs.trim() !== esm.trim())
        problems.push(`${entry}: require() and import() export different names`)
      if (JSON.parse(cjs).length === 0)
        problems.push(`${entry}: the packed package exports nothing`)
    }
  } catch (e) {
    problems.push(`packing or consuming failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }

  if (problems.length > 0) failures.push(`${label}:\n  - ${problems.join('\n  - ')}`)
  else process.stdout.write(`ok  ${label} (types present, publint, attw, require + import)\n`)
}

// 4. The command line as a user meets it: all packages from their tarballs, with npm (not pnpm,
// whose workspace links would hide a missing file or dependency), started through the bin link.
function checkCli() {
  const problems = []
  if (cliVersion === undefined) return ['no package declares the `opayo-kashflow` bin']
  const usage = /^Usage: opayo-kashflow <command> \[options\]$/m
  const version = new RegExp(`^opayo-kashflow ${cliVersion.replaceAll('.', '\\.')}\n$`)
  const expect = (label, command, args, cwd, pattern) => {
    try {
      const out = run(command, args, cwd)
      if (!pattern.test(out))
        problems.push(`${label} exited 0 but printed ${JSON.stringify(out)}, not ${pattern}`)
    } catch (e) {
      problems.push(`${label} failed (exit ${e.status}):\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    }
  }
  const setUp = setUpScratchProject({ root, project, packs, folders: packedFolders })
  if (setUp.length > 0) return setUp
  // `--no`: never fetch a package of that name from the registry; `--` ends npx's own options.
  const npx = (flag) => ['--no', '--', 'opayo-kashflow', flag]
  expect('npx opayo-kashflow --help', 'npx', npx('--help'), project, usage)
  expect('npx opayo-kashflow --version', 'npx', npx('--version'), project, version)
  expect(
    'pnpm exec opayo-kashflow --version (repository root)',
    'pnpm',
    ['exec', 'opayo-kashflow', '--version'],
    root,
    version,
  )
  return problems
}

// The one scratch project steps 4 and 5 share (named so that `npm init -y` calls it that).
const project = join(packs, 'ok-scratch-project')
mkdirSync(project)
const packedFolders = publicPackages().map(({ folder }) => folder)
try {
  const started = Date.now()
  const problems = checkCli()
  if (problems.length > 0) failures.push(`the opayo-kashflow bin:\n  - ${problems.join('\n  - ')}`)
  else
    process.stdout.write(
      `ok  opayo-kashflow bin (npm init -y, the install lines of docs/getting-started.md; npx --help, --version; pnpm exec) ${seconds(started)}\n`,
    )
  if (problems.length === 0) {
    const started = Date.now()
    const guide = checkGettingStarted({ root, project })
    if (guide.length > 0)
      failures.push(`docs/getting-started.md as written:\n  - ${guide.join('\n  - ')}`)
    else
      process.stdout.write(
        `ok  docs/getting-started.md as written (first-payment.ts and express.ts on the fakes; doctor without better-sqlite3) ${seconds(started)}\n`,
      )
  }
} finally {
  rmSync(packs, { recursive: true, force: true })
}

if (failures.length > 0) {
  process.stderr.write(`Package checks failed:\n${failures.join('\n')}\n`)
  process.exit(1)
}
