import {
  CONFIG_KEYS,
  ConfigValidationError,
  loadConfig as load,
  temporalConnectionOptions,
} from './env.schema';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const loadConfig = (env: Record<string, unknown>) =>
  load({ JWT_SECRET: SECRET, SIGNING_KEY_SECRET: SECRET, ...env });

describe('loadConfig', () => {
  it('fills every default from an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cascade',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'cascade',
      LOG_LEVEL: 'info',
      WORKER_HEALTH_PORT: 0,
    });
  });

  it('reads and converts values, treating empty strings as unset', () => {
    const config = loadConfig({
      PORT: ' 8080 ',
      TEMPORAL_ADDRESS: 'temporal:7233',
      LOG_LEVEL: '',
      UNRELATED: 'x',
    });
    expect(config.PORT).toBe(8080);
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/x'],
    ['TEMPORAL_ADDRESS', 'localhost'],
    ['TEMPORAL_TASK_QUEUE', 'has spaces'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['API_BODY_LIMIT_BYTES', '10'],
    ['API_PROCESSES', '0'],
    ['SEAL_INTERVAL_MS', '5'],
  ])('rejects %s=%s with a message naming the variable', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(new Set((error as ConfigValidationError).problems.map((p) => p.variable))).toEqual(
      new Set([variable]),
    );
    expect((error as Error).message).toContain(`- ${variable}:`);
  });

  it('reads the optional variables that have no default, each of them', () => {
    // Such a property has no key on a new instance: once, LOGIN_MAX_FAILURES_PER_ADDRESS was never read at all.
    for (const key of [
      'LOGIN_MAX_FAILURES_PER_ADDRESS',
      'TEMPORAL_API_KEY',
      'TEMPORAL_UI_URL',
      'WORKFLOW_BUNDLE_PATH',
      'PKCS11_MODULES',
      'SIGNING_TSA_URL',
      'SMTP_URL',
    ])
      expect(CONFIG_KEYS).toContain(key);
    const config = loadConfig({
      LOGIN_MAX_FAILURES_PER_ADDRESS: '100000',
      SMTP_URL: 'smtp://127.0.0.1:2525',
      TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
    });
    expect(config.LOGIN_MAX_FAILURES_PER_ADDRESS).toBe(100000);
    expect(config.SMTP_URL).toBe('smtp://127.0.0.1:2525');
    expect(config.TEMPORAL_UI_URL).toBe('http://127.0.0.1:8233');
    expect(loadConfig({}).LOGIN_MAX_FAILURES_PER_ADDRESS).toBeUndefined();
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(
      /PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/,
    );
  });

  it('requires JWT_SECRET of 32+ characters and never echoes it', () => {
    expect(() => load({})).toThrow(/JWT_SECRET/);
    let message = '';
    try {
      load({ JWT_SECRET: 'short-secret-value' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('JWT_SECRET must be at least 32 characters');
    expect(message).not.toContain('short-secret-value');
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});

describe('temporalConnectionOptions', () => {
  const base = { JWT_SECRET: 'j'.repeat(40), SIGNING_KEY_SECRET: 's'.repeat(40) };
  it('connects in clear text to a local server by default', () => {
    expect(temporalConnectionOptions(load(base))).toEqual({ address: '127.0.0.1:7233' });
  });
  it('uses TLS when asked, and TLS with the API key for Temporal Cloud', () => {
    expect(temporalConnectionOptions(load({ ...base, TEMPORAL_TLS: 'true' }))).toEqual({
      address: '127.0.0.1:7233',
      tls: true,
    });
    const cloud = load({
      ...base,
      TEMPORAL_ADDRESS: 'ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_API_KEY: 'k'.repeat(40),
    });
    expect(temporalConnectionOptions(cloud)).toEqual({
      address: 'ns.a1b2c.tmprl.cloud:7233',
      tls: true,
      apiKey: 'k'.repeat(40),
    });
  });
  it('refuses a bad TEMPORAL_TLS or a too short key, naming the variable', () => {
    expect(() => load({ ...base, TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS/);
    expect(() => load({ ...base, TEMPORAL_API_KEY: 'short' })).toThrow(/TEMPORAL_API_KEY/);
  });
});
