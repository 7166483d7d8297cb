// Packs every publishable package (packages/* without "private": true) with `pnpm pack`, which
// rewrites the `workspace:^` ranges between them into versions npm can install. Shared by
// scripts/check-packages.mjs (which checks the tarballs) and the Dockerfile (which installs them).
// Build first (`pnpm build`): the tarballs hold dist/.
//
//   node scripts/pack-packages.mjs DEST   packs them all into DEST, one tarball path a line
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')
const packagesDir = join(root, 'packages')

/** Every workspace package, sorted by folder: `{ folder, dir, manifest }`. */
export function workspacePackages() {
  return readdirSync(packagesDir)
    .sort()
    .map((folder) => ({ folder, dir: join(packagesDir, folder) }))
    .filter(({ dir }) => existsSync(join(dir, 'package.json')))
    .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(join(p.dir, 'package.json'), 'utf8')) }))
}

/** The packages a user installs (the private ones are bundled into them). */
export function publicPackages() {
  return workspacePackages().filter((p) => !p.manifest.private)
}

/** Packs the package in `dir` into `dest`; returns the tarball's path. */
export function packPackage(dir, dest) {
  mkdirSync(dest, { recursive: true })
  const before = new Set(readdirSync(dest))
  execFileSync('pnpm', ['pack', '--pack-destination', dest], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz') && !before.has(f))
  if (!tarball) throw new Error(`pnpm pack in ${dir} produced no tarball`)
  return join(dest, tarball)
}

/** Packs every public package into `dest`; returns the tarballs' paths. */
export function packAll(dest) {
  return publicPackages().map(({ dir }) => packPackage(dir, dest))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dest = process.argv[2]
  if (!dest) {
    process.stderr.write('Usage: node scripts/pack-packages.mjs DEST\n')
    process.exit(2)
  }
  process.stdout.write(`${packAll(resolve(dest)).join('\n')}\n`)
}
