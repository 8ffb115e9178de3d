import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { repoRoot, workflowAliases, workflowBundleOptions } from './workflow-bundle';

describe('workflow bundle options', () => {
  it('finds the repository root from any folder below it', () => {
    const root = repoRoot();
    expect(existsSync(join(root, 'nest-cli.json'))).toBe(true);
    expect(repoRoot(join(root, 'libs', 'domain', 'src'))).toBe(root);
  });

  it('maps every @cascade alias to an existing source folder', () => {
    const aliases = workflowAliases();
    expect(Object.keys(aliases).sort()).toEqual([
      '@cascade/auth',
      '@cascade/config',
      '@cascade/contracts',
      '@cascade/documents',
      '@cascade/domain',
      '@cascade/persistence',
      '@cascade/signing',
      '@cascade/temporal',
    ]);
    for (const target of Object.values(aliases)) expect(existsSync(join(target, 'index.ts'))).toBe(true);
  });

  it('points at the workflow sources and adds the aliases to webpack', () => {
    const options = workflowBundleOptions();
    expect(existsSync(options.workflowsPath)).toBe(true);
    const config = options.webpackConfigHook!({ resolve: { alias: { keep: '/x' } } });
    expect(config.resolve?.alias).toMatchObject({
      keep: '/x',
      '@cascade/domain': expect.stringContaining('libs'),
    });
  });

  it('bundles the domain but not the directive text parser, which only the document import uses', async () => {
    const { code } = await bundleWorkflowCode({
      ...workflowBundleOptions(),
      logger: new DefaultLogger('ERROR'),
    });
    // (booleans and lists, not toContain: a failure would print the whole bundle)
    // the domain barrel is in the bundle (signedDocumentBytes' format tag) ...
    expect(code.includes('cascade.directive.v1')).toBe(true);
    // ... and the parser is not: libs/documents, and strings only the parser holds (the folded national motto's
    // second line, the folded "Nơi nhận" heading), were it back in the domain barrel
    const parserOnly = ['libs/documents/', 'doclaptudohanhphuc', 'noi nhan'];
    expect(parserOnly.filter((s) => code.includes(s))).toEqual([]);
  }, 60_000);
});
