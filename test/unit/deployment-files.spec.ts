/**
 * No Docker engine runs here, so the deployment files are checked as files: their structure, and their agreement
 * with the code (configuration schema, search attributes, entry points).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';
import { CONFIG_KEYS, loadConfig } from '@cascade/config';
import { cliType } from '../../infra/scripts/search-attributes';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  entrypoint?: string[];
  ports?: string[];
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('infra/compose.yaml', () => {
  // ${VAR:?message} is compose's "required" interpolation; give it a value as `docker compose` would,
  const compose = parse(
    read('infra/compose.yaml')
      .replace(/\$\{[A-Z_]+:\?[^}]*\}/g, 'placeholder-secret-0123456789-0123456789')
      // and $$, compose's escape of a $ for the container's shell
      .replace(/\$\$/g, '$'),
    {
      merge: true,
    },
  ) as { services: Record<string, Service> };
  const { services } = compose;

  it('declares the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'temporal',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
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

  it('starts the apps after the migrations and a healthy Temporal with its namespace set up', () => {
    for (const name of ['worker', 'api']) {
      expect(services[name].depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        temporal: { condition: 'service_healthy' },
        'temporal-setup': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('runs the real Temporal server on PostgreSQL, its schema set up by the SQL tool of the same version', () => {
    const server = services.temporal;
    expect(server.image).toBe('temporalio/server:1.29.1');
    expect(server.command ?? []).not.toContain('start-dev');
    expect(server.entrypoint).toEqual(expect.arrayContaining(['temporal-server', '--env=cascade', 'start']));
    expect(server.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    const config = parse(read('infra/temporal/cascade.yaml')) as {
      persistence: {
        defaultStore: string;
        visibilityStore: string;
        numHistoryShards: number;
        datastores: Record<string, { sql: { pluginName: string; databaseName: string; password: string } }>;
      };
    };
    const { persistence } = config;
    expect(persistence.numHistoryShards).toBeGreaterThan(1);
    for (const [store, database] of [
      [persistence.defaultStore, 'temporal'],
      [persistence.visibilityStore, 'temporal_visibility'],
    ]) {
      expect(persistence.datastores[store].sql).toMatchObject({
        pluginName: 'postgres12',
        databaseName: database,
      });
      expect(persistence.datastores[store].sql.password).toBe('{{ env "POSTGRES_PWD" }}');
    }
    expect(read('infra/temporal/cascade.yaml').startsWith('# enable-template')).toBe(true);
    const schema = services['temporal-schema'];
    expect(schema.image).toBe('temporalio/admin-tools:1.29.1');
    expect(schema.environment).toMatchObject({ SQL_PLUGIN: 'postgres12', SQL_HOST: 'postgres' });
    const script = (schema.command ?? []).join('\n');
    for (const step of ['create-database', 'setup-schema -v 0.0', 'update-schema -d'])
      expect(script).toContain(step);
    expect(script).toContain('for db in temporal temporal_visibility');
    expect(script).toContain('/etc/temporal/schema/postgresql/v12/$dir/versioned');
  });

  it('publishes the Temporal UI on loopback only, with its write actions off, and no port of the server', () => {
    expect(services.temporal.ports ?? []).toEqual([]);
    const ui = services['temporal-ui'];
    expect(ui.ports).toEqual(['127.0.0.1:8233:8080']);
    expect(ui.environment).toMatchObject({ TEMPORAL_DISABLE_WRITE_ACTIONS: 'true' });
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        // Only the API is for everyone; anything else is bound to the host's loopback.
        if (name !== 'api') expect(port).toMatch(/^127\.0\.0\.1:/);
      }
    }
  });

  it('gives the signing secret to the worker only, which signs', () => {
    expect(Object.keys(services.worker.environment ?? {})).toContain('SIGNING_KEY_SECRET');
    for (const name of ['api', 'migrate']) {
      expect(Object.keys(services[name].environment ?? {})).not.toContain('SIGNING_KEY_SECRET');
    }
  });

  it('registers exactly the search attributes the code uses', () => {
    const setup = (services['temporal-setup'].command ?? []).join('\n');
    expect(setup).toContain('namespace create -n default');
    const registered = (/for sa in ([^;]+);/.exec(setup)?.[1] ?? '').trim().split(/\s+/).sort();
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

describe('infra/k8s', () => {
  interface Container {
    name: string;
    image?: string;
    ports?: { name: string; containerPort: number }[];
    envFrom?: ({ configMapRef?: { name: string } } & { secretRef?: { name: string } })[];
    readinessProbe?: { httpGet?: { path: string; port: string } };
    livenessProbe?: { httpGet?: { path: string; port: string } };
    lifecycle?: { preStop?: unknown };
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  }
  interface Doc {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    data?: Record<string, string>;
    spec?: Record<string, unknown> & {
      replicas?: number;
      selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
      template?: {
        metadata: { labels: Record<string, string> };
        spec: {
          terminationGracePeriodSeconds?: number;
          securityContext?: { runAsNonRoot?: boolean };
          containers: Container[];
        };
      };
      ports?: { targetPort: string }[];
      scaleTargetRef?: { kind: string; name: string };
    };
  }
  const text = read('infra/k8s/cascade.yaml');
  const docs = parseAllDocuments(text).map((d) => d.toJSON() as Doc);
  const KINDS: Record<string, string> = {
    ConfigMap: 'v1',
    Service: 'v1',
    Job: 'batch/v1',
    Deployment: 'apps/v1',
    HorizontalPodAutoscaler: 'autoscaling/v2',
    PodDisruptionBudget: 'policy/v1',
  };
  const deployments = docs.filter((d) => d.kind === 'Deployment');
  const config = docs.find((d) => d.kind === 'ConfigMap')!;

  it('holds only known kinds with their API versions and names', () => {
    for (const d of docs) {
      expect(KINDS[d.kind]).toBe(d.apiVersion);
      expect(d.metadata.name).toMatch(/^[a-z0-9-]+$/);
    }
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['cascade-api', 'cascade-worker']);
  });

  it('scales the API and the worker out, with probes, limits and a graceful shutdown', () => {
    for (const d of deployments) {
      const spec = d.spec!;
      expect(spec.replicas).toBeGreaterThanOrEqual(2);
      expect(spec.template!.metadata.labels).toMatchObject(spec.selector!.matchLabels!);
      expect(spec.template!.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
      expect(spec.template!.spec.securityContext?.runAsNonRoot).toBe(true);
      for (const c of spec.template!.spec.containers) {
        expect(c.image).toBeDefined();
        const ports = (c.ports ?? []).map((p) => p.name);
        for (const probe of [c.readinessProbe, c.livenessProbe]) {
          expect(probe?.httpGet?.path).toBe('/health');
          expect(ports).toContain(probe?.httpGet?.port);
        }
        expect(c.lifecycle?.preStop).toBeDefined();
        for (const r of ['cpu', 'memory']) {
          expect(c.resources?.requests?.[r]).toBeDefined();
          expect(c.resources?.limits?.[r]).toBeDefined();
        }
        // The signing secret goes to the worker only, which signs.
        expect(c.envFrom).toEqual([
          { configMapRef: { name: 'cascade-config' } },
          { secretRef: { name: 'cascade-secrets' } },
          ...(spec.template!.metadata.labels.app === 'cascade-worker' || c.name === 'worker'
            ? [{ secretRef: { name: 'cascade-signing' } }]
            : []),
        ]);
      }
    }
  });

  it('configures only variables that the schema knows, valid once the secrets are added', () => {
    const known = new Set(CONFIG_KEYS);
    for (const key of Object.keys(config.data!)) expect(known).toContain(key);
    expect(() =>
      loadConfig({
        ...config.data,
        JWT_SECRET: 'x'.repeat(40),
        SIGNING_KEY_SECRET: 'y'.repeat(40),
        DATABASE_URL: 'postgres://a@b/c',
      }),
    ).not.toThrow();
    expect(config.data).not.toHaveProperty('JWT_SECRET');
    expect(text).not.toMatch(/(PASSWORD|SECRET|API_KEY|DATABASE_URL):\s+\S/);
  });

  it('points services, autoscalers and disruption budgets at what exists', () => {
    const names = new Set(deployments.map((d) => d.metadata.name));
    for (const s of docs.filter((d) => d.kind === 'Service')) {
      const target = deployments.find((d) =>
        Object.entries(s.spec!.selector as Record<string, string>).every(
          ([k, v]) => d.spec!.template!.metadata.labels[k] === v,
        ),
      );
      expect(target).toBeDefined();
      const ports = target!.spec!.template!.spec.containers.flatMap((c) =>
        (c.ports ?? []).map((p) => p.name),
      );
      for (const p of s.spec!.ports!) expect(ports).toContain(p.targetPort);
    }
    for (const h of docs.filter((d) => d.kind === 'HorizontalPodAutoscaler'))
      expect(names).toContain(h.spec!.scaleTargetRef!.name);
    for (const p of docs.filter((d) => d.kind === 'PodDisruptionBudget'))
      expect(
        deployments.some((d) =>
          Object.entries(p.spec!.selector!.matchLabels!).every(
            ([k, v]) => d.spec!.template!.metadata.labels[k] === v,
          ),
        ),
      ).toBe(true);
  });

  it('gives the Temporal chart PostgreSQL persistence without a password in the file', () => {
    const values = parse(read('infra/k8s/temporal-values.yaml')) as {
      server: {
        config: {
          persistence: Record<string, { driver: string; sql: { driver: string; existingSecret: string } }>;
        };
      };
    };
    for (const store of ['default', 'visibility']) {
      expect(values.server.config.persistence[store]).toMatchObject({
        driver: 'sql',
        sql: { driver: 'postgres12', existingSecret: 'temporal-postgres' },
      });
    }
    expect(read('infra/k8s/temporal-values.yaml')).not.toMatch(/password:\s*\S/i);
  });

  it("drops a frozen worker's polls within seconds: the frontend's keep-alive in compose and in the chart", () => {
    const keepAlive = {
      'frontend.keepAliveTime': [{ value: '2s' }],
      'frontend.keepAliveTimeout': [{ value: '2s' }],
    };
    const config = parse(read('infra/temporal/cascade.yaml')) as {
      dynamicConfigClient: { filepath: string };
    };
    expect(config.dynamicConfigClient.filepath).toBe('/etc/temporal/cascade/dynamicconfig.yaml');
    expect(parse(read('infra/temporal/dynamicconfig.yaml'))).toEqual(keepAlive);
    const values = parse(read('infra/k8s/temporal-values.yaml')) as { server: { dynamicConfig: unknown } };
    expect(values.server.dynamicConfig).toEqual(keepAlive);
  });
});
