/**
 * The bench's own PostgreSQL cluster: initdb into a temporary directory with the machine's binaries, its own port on
 * the loopback, stopped and removed at the end — so that the figures are not those of whatever server answers on
 * 5432, and its settings are known. Where it cannot (no binaries, initdb refused), the run says so and falls back to
 * `infra/bin/postgres.sh ensure`. Also what the results record of the machine: the server's settings, the disk and
 * the CPU.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { Client as PgClient } from 'pg';
import { round, say } from './measure';

const BINDIRS = [process.env.BENCH_PG_BINDIR, '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin'];

/** BENCH_PG_STATEMENTS=1: the cluster loads pg_stat_statements, and S2 prints the statements of one request. */
export const STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
/**
 * BENCH_PG_EXPLAIN=ms: auto_explain logs the plan of every statement slower than that (ANALYZE, BUFFERS; nested
 * statements too), and the server's log is kept as bench/results/<cluster>.log. For diagnosis: the instrumentation
 * slows every statement, so the run's figures are not the protocol's.
 */
const EXPLAIN_MS = Number(process.env.BENCH_PG_EXPLAIN) || 0;
const preload = [STATEMENTS && 'pg_stat_statements', EXPLAIN_MS && 'auto_explain'].filter(Boolean).join(',');
const explainSettings = EXPLAIN_MS
  ? ` -c auto_explain.log_min_duration=${EXPLAIN_MS} -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on -c auto_explain.log_nested_statements=on`
  : '';

export interface Cluster {
  /** The server's URL without a database. */
  server: string;
  /** Whether the bench started this cluster (false: the fallback server). */
  own: boolean;
  stop(): void;
}

/** As the postgres account when we are root (initdb and postgres refuse to run as root). */
function asPg(cmd: string, args: string[]) {
  const root = process.getuid?.() === 0;
  return execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function startCluster(port: number, script: (path: string, args: string[]) => string): Cluster {
  const bindir = BINDIRS.find((d) => d && existsSync(join(d, 'initdb')));
  // On disk, not in a tmpfs, so that fsync costs what it costs (/var/tmp).
  let dir: string | null = null;
  try {
    if (!bindir) throw new Error(`no initdb in ${BINDIRS.filter(Boolean).join(', ')}`);
    dir = mkdtempSync('/var/tmp/cascade-bench-pg-');
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    const data = join(dir, 'data');
    asPg(join(bindir, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    // The defaults (synchronous_commit and fsync on, 128 MB of shared buffers) but for the commit timestamps, which
    // S3 reads its steps' commit times from.
    asPg(join(bindir, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c track_commit_timestamp=on -c max_connections=200${preload ? ` -c shared_preload_libraries=${preload}` : ''}${explainSettings}`,
      'start',
    ]);
    const own = dir;
    say(`PostgreSQL: a cluster of the bench's own in ${own} (${bindir}), port ${port}`);
    return {
      server: `postgres://postgres@127.0.0.1:${port}`,
      own: true,
      stop: () => {
        try {
          asPg(join(bindir, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
          if (EXPLAIN_MS) {
            const kept = join(__dirname, 'results', `${own.split('/').pop()}.log`);
            mkdirSync(dirname(kept), { recursive: true });
            copyFileSync(join(own, 'server.log'), kept);
            say(`PostgreSQL's log, with the plans of the statements over ${EXPLAIN_MS} ms: ${kept}`);
          }
        } finally {
          rmSync(own, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    const why = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    say(
      `PostgreSQL: cannot start a cluster of the bench's own (${why}); FALLING BACK to infra/bin/postgres.sh ensure — its figures are that server's, whatever else it serves`,
    );
    return { server: script('infra/bin/postgres.sh', ['ensure']), own: false, stop: () => undefined };
  }
}

/** What the results record of the run's machine and server. */
export async function machineInfo(databaseUrl: string, cluster: Cluster) {
  const c = new PgClient({ connectionString: databaseUrl });
  await c.connect();
  let settings: Record<string, string>;
  let dataDirectory: string | null = null;
  try {
    const names = [
      'server_version',
      'synchronous_commit',
      'fsync',
      'full_page_writes',
      'wal_level',
      'shared_buffers',
      'work_mem',
      'max_connections',
      'track_commit_timestamp',
    ];
    const rows = (
      await c.query<{ name: string; setting: string }>(
        `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)`,
        [names],
      )
    ).rows;
    settings = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    dataDirectory = (
      await c
        .query<{ d: string }>(`SELECT current_setting('data_directory') AS d`)
        .catch(() => ({ rows: [] }))
    ).rows[0]?.d;
  } finally {
    await c.end();
  }
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const probe = dataDirectory && existsSync(dataDirectory) ? dataDirectory : '/var/tmp';
  const df = sh('df', ['-T', '-h', probe])?.split('\n').pop() ?? null;
  const device = df?.split(/\s+/)[0];
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model,
    cores: cpus().length,
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${platform()} ${release()}`,
    postgres: {
      cluster: cluster.own
        ? 'the bench’s own (initdb in a temporary directory)'
        : `fallback: ${cluster.server}`,
      dataDirectory,
      ...settings,
    },
    disk: {
      df,
      lsblk: device?.startsWith('/dev/')
        ? sh('lsblk', ['-d', '-o', 'NAME,SIZE,ROTA,TYPE,MODEL', device.replace(/\d+$/, '')])
        : null,
    },
  };
}
export type MachineInfo = Awaited<ReturnType<typeof machineInfo>>;

/**
 * The statements PostgreSQL ran between `reset` and `print` (pg_stat_statements, top level: each is a round trip),
 * per request sent meanwhile, the most called first. Other processes' statements (the worker's polls, this
 * connection's) are among them and are shown as such: the reader tells them apart.
 */
export function statementCounter(pg: PgClient) {
  return {
    reset: async () => {
      if (STATEMENTS) await pg.query('SELECT pg_stat_statements_reset()');
    },
    print: async (what: string, requests: number) => {
      if (!STATEMENTS) return;
      const rows = (
        await pg.query<{ calls: string; ms: number; query: string }>(
          `SELECT calls, total_exec_time AS ms, regexp_replace(query, '\\s+', ' ', 'g') AS query
             FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            ORDER BY calls DESC LIMIT 25`,
        )
      ).rows;
      const total = rows.reduce((n, r) => n + Number(r.calls), 0);
      say(`${what}: ${round(total / requests, 2)} statements per request (of the 25 most called)`);
      for (const r of rows)
        say(
          `  ${round(Number(r.calls) / requests, 2)}/req ${round(r.ms / Number(r.calls), 3)} ms  ${r.query.slice(0, 160)}`,
        );
    },
  };
}
