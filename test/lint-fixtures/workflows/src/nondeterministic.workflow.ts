// A workflow that breaks every import rule: linted by test/unit/workflow-lint.spec.ts, ignored by `npm run lint`.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'crypto';
import { Client } from 'pg';
import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { sleep } from '@temporalio/workflow';

export async function badWorkflow(): Promise<string> {
  await sleep(1);
  void Injectable;
  void Client;
  const ds: DataSource | null = null;
  void ds;
  Promise.resolve(1);
  return readFileSync('/etc/hostname', 'utf8') + randomUUID();
}
