// Runs the CLI from source in a child process (node + tsx, the source condition), as the
// installed bin would run: for tests of long-running commands (`serve`) read by their output.
import { execFile, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const source = join(root, 'src/cli/bin.ts')
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href

/** A running CLI child: wait for a line, stop it with SIGTERM, read its exit code. */
export interface CliChild {
  /** Resolves with the first match of `pattern` in stdout and stderr together (30 s at most). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>
  readonly output: () => string
  /** The exit code once it exits by itself. */
  readonly exited: Promise<number | null>
}

/** The package's bin file, as npm links it (it loads the built dist/cli.js: run `pnpm build`). */
export const BIN = join(root, 'bin/opayo-kashflow.js')

/**
 * Starts the CLI: from source by default, or with `bin: true` through the package's bin file as
 * an installed package runs it.
 */
export function startCli(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; bin?: boolean },
): CliChild {
  const entry = options.bin
    ? [BIN]
    : ['--conditions=@opayo-kashflow/source', '--import', tsx, source]
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.cwd,
    env: options.env,
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  let output = ''
  const listeners = new Set<() => void>()
  const read = (chunk: Buffer) => {
    output += chunk.toString()
    for (const listener of listeners) listener()
  }
  child.stdout.on('data', read)
  child.stderr.on('data', read)
  return {
    output: () => output,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output)
          if (!match) return
          listeners.delete(check)
          clearTimeout(timer)
          resolve(match)
        }
        const timer = setTimeout(() => {
          listeners.delete(check)
          reject(new Error(`no ${String(pattern)} in: ${output}`))
        }, 30_000)
        listeners.add(check)
        check()
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check)
            clearTimeout(timer)
            reject(new Error(`exited before ${String(pattern)}: ${output}`))
          }
        })
      }),
    stop: async () => {
      child.kill('SIGTERM')
      return exited
    },
  }
}

/** Runs the CLI to its end in a child process (async: never blocks the test's event loop). */
export function runCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', tsx, source, ...args],
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}
