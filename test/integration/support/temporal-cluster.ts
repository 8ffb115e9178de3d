/**
 * A real Temporal cluster for the suites (`CASCADE_TEMPORAL=cluster`, `test:faults --temporal=cluster`), run by
 * infra/bin/temporal-server.sh: the server v1.29.1 on PostgreSQL with SQL visibility and 8 history shards, the
 * frontend, matching and worker services each in a process of its own and the history service in two.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/** The cluster's processes, as `temporal-server.sh kill` and `start-one` name them. */
export type ClusterProcess = 'frontend' | 'matching' | 'worker' | 'history-1' | 'history-2';

export interface ClusterOptions {
  /** Its config, pids and logs. */
  dir: string;
  /** The frontend's gRPC port on 127.0.0.1. */
  port: number;
  /** The PostgreSQL server (no database name). */
  pgServer: string;
  /** Its databases: `database` and `database_visibility`. */
  database: string;
}

export interface TemporalCluster {
  address: string;
  options: ClusterOptions;
  stop(): void;
  kill(process: ClusterProcess, signal?: NodeJS.Signals): void;
  startOne(process: ClusterProcess): void;
}

function run(options: ClusterOptions, args: string[]): string {
  return execFileSync('bash', [join(root, 'infra', 'bin', 'temporal-server.sh'), ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      CASCADE_TEMPORAL_DIR: options.dir,
      CASCADE_TEMPORAL_PORT: String(options.port),
      CASCADE_TEMPORAL_PG: options.pgServer,
      CASCADE_TEMPORAL_DB: options.database,
      TEMPORAL_NAMESPACE: 'default',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Starts the cluster (schema, namespace `default`, the app's search attributes) and returns once it is SERVING. */
export function startTemporalCluster(options: ClusterOptions): TemporalCluster {
  const cluster: TemporalCluster = {
    address: '',
    options,
    stop: () => void run(options, ['stop']),
    kill: (name, signal = 'SIGKILL') => void run(options, ['kill', name, signal.replace(/^SIG/, '')]),
    startOne: (name) => void run(options, ['start-one', name]),
  };
  try {
    cluster.address = run(options, ['start']).split('\n').pop()!;
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return cluster;
}
