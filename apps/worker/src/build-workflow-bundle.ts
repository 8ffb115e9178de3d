/**
 * Builds the production workflow bundle: `npm run build:workflows [-- OUT [WORKFLOWS_ENTRY]]` → by default
 * dist/workflow-bundle.js from workflows/src/index.ts. Exits non-zero when bundling fails, so that a broken workflow
 * never ships.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { repoRoot, workflowBundleOptions } from '@cascade/temporal';

async function main(): Promise<void> {
  const out = process.argv[2] ?? join(repoRoot(), 'dist', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode(workflowBundleOptions(process.argv[3]));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: Error) => {
  console.error(`workflow bundle failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
