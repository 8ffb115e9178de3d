/**
 * No Docker engine runs here, so the deployment files are checked as files: their structure, and their agreement
 * with the code (configuration schema, search attributes, entry points).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';
import { CONFIG_KEYS, loadConfig } from '@cascade/config';
import { cliType } from '../../infra/scripts/search-attributes';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('infra/compose.yaml', () => {
  // ${VAR:?message} is compose's "required" interpolation; give it a value as `docker compose` would.
  const compose = parse(
    read('infra/compose.yaml').replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'placeholder-secret-0123456789-0123456789'),
    {
      merge: true,
    },
  ) as { services: Record<string, Service> };
  const { services } = compose;

  it('declares the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'temporal', 'worker']);
  });

  it('gives every long-running service a health check', () => {
    for (const name of ['postgres', 'temporal', 'worker', 'api'])
      expect(services[name].healthcheck?.test).toBeDefined();
  });

  it('passes the apps only variables that the configuration schema knows, with valid values', () => {
    const known = new Set(CONFIG_KEYS);
    for (const name of ['migrate', 'worker', 'api']) {
      const env = services[name].environment ?? {};
      for (const key of Object.keys(env)) expect(known).toContain(key);
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('starts the apps after the migrations and a healthy Temporal', () => {
    for (const name of ['worker', 'api']) {
      expect(services[name].depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        temporal: { condition: 'service_healthy' },
      });
    }
  });

  it('registers exactly the search attributes the code uses', () => {
    const registered = (services.temporal.command ?? [])
      .filter((arg) => arg.startsWith('--search-attribute='))
      .map((arg) => arg.slice('--search-attribute='.length))
      .sort();
    expect(registered).toEqual(SEARCH_ATTRIBUTE_KEYS.map((k) => `${k.name}=${cliType(k.type)}`).sort());
  });

  it('keeps no secret in the file', () => {
    expect(read('infra/compose.yaml')).not.toMatch(/(PASSWORD|SECRET):\s+[^$\s]/);
  });
});

describe('infra/docker', () => {
  const dockerfile = read('infra/docker/Dockerfile');
  const entrypoint = read('infra/docker/entrypoint.sh');

  it('copies only paths that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(join(root, source))).toBe(true);
  });

  it('runs compiled entry points whose sources exist', () => {
    const entries = [...entrypoint.matchAll(/dist\/(\S+)\.js/g)].map((m) => m[1]);
    expect(entries.sort()).toEqual(
      ['apps/api/src/main', 'apps/worker/src/main', 'libs/persistence/src/cli/db'].sort(),
    );
    for (const entry of entries) expect(existsSync(join(root, `${entry}.ts`))).toBe(true);
  });

  it('runs production from the prebuilt workflow bundle', () => {
    expect(dockerfile).toContain('WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js');
    expect(dockerfile).toMatch(/RUN npm run build/);
  });
});
