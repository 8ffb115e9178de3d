import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

/** The repository root: the nearest folder above this file whose package.json is Cascade's (src and dist alike). */
export function repoRoot(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cascade'
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the Cascade repository root above ${from}`);
    dir = parent;
  }
}

/** The `@cascade/*` path aliases of tsconfig.json, resolved to source folders for the workflow bundler. */
export function workflowAliases(root = repoRoot()): Record<string, string> {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  return Object.fromEntries(
    Object.entries(tsconfig.compilerOptions.paths).map(([alias, [target]]) => [alias, join(root, target)]),
  );
}

/** Bundle options for the workflows: source files, with the same aliases as the rest of the code. */
export function workflowBundleOptions(
  workflowsPath = join(repoRoot(), 'workflows', 'src', 'index.ts'),
): Pick<BundleOptions, 'workflowsPath' | 'webpackConfigHook'> {
  const alias = workflowAliases();
  return {
    workflowsPath,
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as object), ...alias } },
    }),
  };
}
