/**
 * The fault suite's Temporal in cluster mode (`--temporal=cluster`): a real cluster by infra/bin/temporal-server.sh on
 * a PostgreSQL cluster of its own (so that fault 4 still stops the app's database alone), and what fault 3 needs to
 * aim at the right process: which history process owns the shard of a workflow, read from Temporal's own tables
 * (current_executions.shard_id; shards.data, a ShardInfo whose field 3 is the owner's address).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { Reader } from 'protobufjs';
import { freePort } from '../integration/support/ports';
import {
  ClusterProcess,
  startTemporalCluster,
  TemporalCluster,
} from '../integration/support/temporal-cluster';

const ROOT = join(__dirname, '..', '..');

export interface FaultCluster {
  cluster: TemporalCluster;
  /** The history process that owns a workflow's shard now, with that shard's id and range id. */
  ownerOf(workflowId: string): Promise<{ process: ClusterProcess; shard: number; rangeId: number }>;
  rangeOf(shard: number): Promise<number>;
  /** Stops the cluster and its PostgreSQL. */
  stop(): void;
}

export async function startFaultCluster(data: string): Promise<FaultCluster> {
  const pgEnv = {
    ...process.env,
    CASCADE_DATA_DIR: join(data, 'temporal-pg'),
    CASCADE_PRIVATE_PG_PORT: String(await freePort()),
    DATABASE_URL: '',
  };
  const postgres = (command: string) =>
    execFileSync('bash', [join(ROOT, 'infra', 'bin', 'postgres.sh'), command], {
      encoding: 'utf8',
      env: pgEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
  const pgServer = postgres('private');
  let cluster: TemporalCluster;
  try {
    cluster = startTemporalCluster({
      dir: join(data, 'temporal-cluster'),
      port: await freePort(),
      pgServer,
      database: 'temporal',
    });
  } catch (error) {
    postgres('stop');
    throw error;
  }
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const c = new PgClient({ connectionString: `${pgServer}/temporal` });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const ports = () =>
    Object.fromEntries(
      readFileSync(join(cluster.options.dir, 'ports.env'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split('=')),
    ) as Record<string, string>;
  const shardInfo = async (shard: number) => {
    const [row] = await query<{ range_id: string; data: Buffer }>(
      `SELECT range_id::text, data FROM shards WHERE shard_id = $1`,
      [shard],
    );
    let owner = '';
    const reader = Reader.create(row.data);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 3 && (tag & 7) === 2) owner = reader.string();
      else reader.skipType(tag & 7);
    }
    return { rangeId: Number(row.range_id), owner };
  };
  return {
    cluster,
    async ownerOf(workflowId) {
      const [row] = await query<{ shard_id: number }>(
        `SELECT shard_id FROM current_executions WHERE workflow_id = $1`,
        [workflowId],
      );
      if (!row) throw new Error(`no execution of ${workflowId} in Temporal's database`);
      const { rangeId, owner } = await shardInfo(row.shard_id);
      const p = ports();
      const name: ClusterProcess | undefined = owner.startsWith(`127.0.0.1:${p.HISTORY_1_GRPC}`)
        ? 'history-1'
        : owner.startsWith(`127.0.0.1:${p.HISTORY_2_GRPC}`)
          ? 'history-2'
          : undefined;
      if (!name)
        throw new Error(`shard ${row.shard_id} is owned by ${owner}, no history process of this cluster`);
      return { process: name, shard: row.shard_id, rangeId };
    },
    rangeOf: async (shard) => (await shardInfo(shard)).rangeId,
    stop() {
      try {
        cluster.stop();
      } finally {
        postgres('stop');
      }
    },
  };
}
