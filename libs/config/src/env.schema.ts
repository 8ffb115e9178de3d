import { plainToInstance, Transform } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toTrimmed = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/**
 * Every environment variable Cascade reads, with its default. The apps, the worker, the scripts and the tests all
 * load configuration through {@link loadConfig}, so a bad value stops any of them with the same message.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /**
   * API processes sharing the port (node:cluster): 1 is one process, as in a container scaled by replicas; on a host of
   * its own, one per core the API may use.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  API_PROCESSES = 1;

  @Transform(toTrimmed)
  @Matches(/^postgres(ql)?:\/\/[^\s]+$/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/cascade';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * The API's load shedding (issue 20), in milliseconds: how long a request waits for a connection of a full pool,
   * for a lock (`lock_timeout`), and how long one statement may run (`statement_timeout`); each ends in 503
   * DATABASE_BUSY with Retry-After rather than a pool held by waiting requests. Long bulk routes run their transactions
   * under DATABASE_BULK_STATEMENT_TIMEOUT_MS instead. The worker is not bound by them.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_ACQUIRE_TIMEOUT_MS = 3000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DATABASE_LOCK_TIMEOUT_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DATABASE_STATEMENT_TIMEOUT_MS = 15_000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  DATABASE_BULK_STATEMENT_TIMEOUT_MS = 600_000;

  @Transform(toTrimmed)
  @Matches(/^[^\s:/]+:\d{1,5}$/, { message: 'TEMPORAL_ADDRESS must be host:port' })
  TEMPORAL_ADDRESS = '127.0.0.1:7233';

  @Transform(toTrimmed)
  @IsString()
  @MinLength(1)
  TEMPORAL_NAMESPACE = 'default';

  /** TLS to the Temporal frontend (a self-hosted cluster behind TLS, Temporal Cloud). */
  @IsIn(['true', 'false'])
  TEMPORAL_TLS: 'true' | 'false' = 'false';

  /** API key for Temporal Cloud (implies TLS); unset for a server without authentication. */
  @IsOptional()
  @Transform(toTrimmed)
  @MinLength(20, { message: 'TEMPORAL_API_KEY looks too short to be a Temporal Cloud API key' })
  TEMPORAL_API_KEY?: string;

  @Transform(toTrimmed)
  @Matches(/^[A-Za-z0-9._-]{1,200}$/, { message: 'TEMPORAL_TASK_QUEUE must be 1-200 of [A-Za-z0-9._-]' })
  TEMPORAL_TASK_QUEUE = 'cascade';

  @IsOptional()
  @Transform(toTrimmed)
  @IsString()
  TEMPORAL_UI_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Port of the worker's health endpoint; 0 disables it. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HEALTH_PORT = 0;

  /** A prebuilt workflow bundle (production); when unset the worker bundles workflows from source. */
  @IsOptional()
  @Transform(toTrimmed)
  @IsString()
  @MinLength(1)
  WORKFLOW_BUNDLE_PATH?: string;

  /** Signs access tokens (HS256). Required; at least 32 characters. `openssl rand -base64 48` makes one. */
  @Transform(toTrimmed)
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET!: string;

  /**
   * Encrypts signers' private keys at rest (Ed25519 keys for signing directives); 32+ characters. Only the worker,
   * which signs, needs it (and refuses to start without it): the API and the CLI are given no signing secret.
   */
  @IsOptional()
  @Transform(toTrimmed)
  @IsString()
  @MinLength(32, { message: 'SIGNING_KEY_SECRET must be at least 32 characters' })
  SIGNING_KEY_SECRET?: string;

  /**
   * PKCS#11 modules a person's signing key may live behind (comma-separated absolute paths, e.g.
   * /usr/lib/softhsm/libsofthsm2.so): a key reference naming any other module is refused, since the worker loads it.
   */
  @IsOptional()
  @Transform(toTrimmed)
  @IsString()
  @Matches(/^\/[^,]+(,\s*\/[^,]+)*$/, {
    message: 'PKCS11_MODULES must be absolute paths separated by commas',
  })
  PKCS11_MODULES?: string;

  /** An RFC 3161 time-stamp authority (http/https URL): when set, the worker's PDF signatures are PAdES B-T. */
  @IsOptional()
  @Transform(toTrimmed)
  @IsString()
  @Matches(/^https?:\/\/\S+$/, { message: 'SIGNING_TSA_URL must be an http(s) URL' })
  SIGNING_TSA_URL?: string;

  /** Seconds between reminders to a reviewer who has not decided (workflow timers). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  REVIEW_REMINDER_SECONDS = 86_400;

  /** Seconds between reminders to routed units that have not acknowledged receipt. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  ACK_REMINDER_SECONDS = 86_400;

  /** Routed children each dispatch hub delivers per batch: the bound on child workflows in flight per execution. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  DISPATCH_BATCH_SIZE = 1000;

  /** SMTP server for notifications, e.g. smtp://user:pass@mail.example.vn:587; unset = the outbox is kept, not sent. */
  @IsOptional()
  @Transform(toTrimmed)
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @Transform(toTrimmed)
  @IsString()
  @MinLength(3)
  SMTP_FROM = 'Cascade <no-reply@cascade.local>';

  /** How often the worker looks for notifications to send, in milliseconds. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  OUTBOX_POLL_MS = 2000;

  /**
   * The SMTP client's connection, greeting and socket-idle timeouts, in milliseconds; a send that has not ended
   * within three times this is abandoned and retried later, so a hanging mail server never holds a delivery lane.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600_000)
  SMTP_TIMEOUT_MS = 30_000;

  /** Notifications the worker sends at once (each lane claims, sends and marks one at a time). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  OUTBOX_CONCURRENCY = 4;

  /**
   * How long a claimed notification stays its worker's, in seconds (at least 6 × SMTP_TIMEOUT_MS is used): past it, a
   * worker that crashed or hung loses the row and another sends it, with the same Message-ID.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  OUTBOX_LEASE_SECONDS = 300;

  /** Attempts at a notification before it is kept as dead (reported by `/health`, never dropped silently). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  OUTBOX_MAX_ATTEMPTS = 10;

  /** How often the worker seals the events written since the last seal into their directives' hash chains (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(20)
  @Max(60_000)
  SEAL_INTERVAL_MS = 250;

  /** How often the worker revises the aggregates that late reports marked pending, folding them in at once (ms). */
  @Transform(toInt)
  @IsInt()
  @Min(20)
  @Max(600_000)
  LATE_REVISION_INTERVAL_MS = 2000;

  /** Lifetime of an access token, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86_400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Lifetime of a refresh token (each use rotates it), in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(90 * 86_400)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

  /**
   * Absolute lifetime of a sign-in (a family of refresh tokens), in seconds: rotation never extends a session past
   * it, so a stolen refresh token that keeps being rotated still dies; then the user signs in again.
   */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(365 * 86_400)
  SESSION_MAX_AGE_SECONDS = 30 * 86_400;

  /**
   * Failed logins allowed per e-mail before each further attempt waits 2^k seconds after the last failure (k = 1, 2,
   * … per failure past this, capped at LOGIN_MAX_DELAY_SECONDS): a growing delay, never a hard lock that anyone
   * knowing an e-mail could hold. A client address gets 4× this within LOGIN_WINDOW_SECONDS, then 429.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LOGIN_MAX_FAILURES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_WINDOW_SECONDS = 900;

  /**
   * Failed logins allowed from one client address within LOGIN_WINDOW_SECONDS before it gets 429 (unset: 4 ×
   * LOGIN_MAX_FAILURES). Raise it for many people behind one address that is not a trusted proxy.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LOGIN_MAX_FAILURES_PER_ADDRESS?: number;

  /**
   * How long the one-time activation token of a user made in bulk (`POST /users/bulk`) lasts, in hours: past it,
   * `POST /auth/activate` refuses it.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  USER_ACTIVATION_TTL_HOURS = 72;

  /** The longest delay an account's failed sign-ins impose on the next attempt, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  LOGIN_MAX_DELAY_SECONDS = 900;

  /**
   * How many reverse proxies in front of the API to trust for the client's address (Express `trust proxy`): with 0
   * (the default) X-Forwarded-For is ignored and the address is the socket's, so no client chooses its own; behind one
   * proxy that sets X-Forwarded-For, 1.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  TRUST_PROXY_HOPS = 0;

  /** Largest unit import (CSV or JSON), in bytes (413 above it). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(200 * 1024 * 1024)
  IMPORT_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

  /** Largest attachment of a directive, in bytes (413 ATTACHMENT_TOO_LARGE above it). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(200 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

  /** Most attachments one directive carries (409 ATTACHMENT_LIMIT_REACHED past it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  ATTACHMENT_MAX_COUNT = 20;

  /**
   * Web origins allowed to call the API from a browser (CORS), comma-separated (`https://cascade.example.vn`); empty:
   * none (the web app is served by the API itself, same origin).
   */
  @Transform(toTrimmed)
  @Matches(/^$|^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\s*,\s*https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://cascade.example.vn',
  })
  CORS_ORIGINS = '';

  /**
   * How long a request's claim on its Idempotency-Key lasts without an answer, in seconds: past it a retry takes the
   * key over and runs (the first request, fenced, can no longer commit; a retry within it gets 409 with Retry-After).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  IDEMPOTENCY_LEASE_SECONDS = 30;

  /** Largest JSON request body accepted by the API, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(50 * 1024 * 1024)
  API_BODY_LIMIT_BYTES = 1024 * 1024;
}

export type AppConfig = Readonly<EnvironmentVariables>;

/**
 * Every variable name the schema reads: every property that carries a validation decorator, so that an optional
 * variable without a default (which `new EnvironmentVariables()` has no key for) is read too. A hand-kept list missed
 * LOGIN_MAX_FAILURES_PER_ADDRESS, which was then silently ignored.
 */
export const CONFIG_KEYS: readonly string[] = [
  ...new Set([
    ...Object.keys(new EnvironmentVariables()),
    ...getMetadataStorage()
      .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
      .map((metadata) => metadata.propertyName),
  ]),
];

/** How every process (API, worker, CLI) reaches Temporal: address, TLS and API key from the configuration. */
export function temporalConnectionOptions(
  config: Pick<AppConfig, 'TEMPORAL_ADDRESS' | 'TEMPORAL_TLS' | 'TEMPORAL_API_KEY'>,
): {
  address: string;
  tls?: boolean;
  apiKey?: string;
} {
  const apiKey = config.TEMPORAL_API_KEY;
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(config.TEMPORAL_TLS === 'true' || apiKey ? { tls: true } : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'));
    this.name = 'ConfigValidationError';
  }
}

function flatten(errors: ValidationError[]): { variable: string; message: string }[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((message) => ({ variable: e.property, message })),
  );
}

/** Validates the environment; unknown variables are ignored, empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv | Record<string, unknown> = process.env): AppConfig {
  const picked: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const config = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, forbidUnknownValues: true });
  if (errors.length > 0) throw new ConfigValidationError(flatten(errors));
  return Object.freeze(config);
}

/** Loads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnvFile(path = '.env'): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  if (!fs.existsSync(path)) return;
  const before = { ...process.env };
  process.loadEnvFile(path);
  Object.assign(process.env, before);
}
