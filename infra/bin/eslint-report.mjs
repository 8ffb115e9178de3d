// `npm test`'s lint: ESLint over the tree once, its report kept as JSON for the lint spec (test/unit/workflow-lint.spec.ts
// reads it instead of linting the whole tree again) and shown to people in ESLint's usual format. Exits non-zero on
// any error or warning, as `eslint . --max-warnings 0` does.
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { ESLint } from 'eslint';

const [out] = process.argv.slice(2);
if (!out) throw new Error('usage: node infra/bin/eslint-report.mjs <report.json>');
const eslint = new ESLint();
const results = await eslint.lintFiles(['.']);
writeFileSync(out, JSON.stringify(results));
const shown = await (await eslint.loadFormatter('stylish')).format(results);
if (shown) process.stdout.write(shown);
const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
process.exit(problems === 0 ? 0 : 1);
