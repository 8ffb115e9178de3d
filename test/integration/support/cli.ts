import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Runs the package's `cascade` bin (the compiled CLI in dist/, built by `npm test`). */
export function cascade(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js'))) {
    throw new Error('dist/ has no CLI: run `npm run build` first (npm test does)');
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin', 'cascade.js'), ...args],
      { env: { ...process.env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
