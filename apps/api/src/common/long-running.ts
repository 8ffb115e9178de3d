import {
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Observable } from 'rxjs';
import { DataSource, type EntitySubscriberInterface, type TransactionStartEvent } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@cascade/config';
import { raiseStatementTimeout } from '@cascade/persistence';

const LONG_RUNNING = 'cascade:long-running';

/**
 * Marks a bulk route whose transactions legitimately run long (imports, batches of up to 1,000 items, exports): they
 * run under DATABASE_BULK_STATEMENT_TIMEOUT_MS, for their statements and their lock waits, instead of the API's
 * DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_LOCK_TIMEOUT_MS (`SET LOCAL` at the start of each transaction; the
 * batches' set-based statements run in a transaction for it). Their other single statements outside a transaction
 * keep the API's timeouts.
 */
export const LongRunning = () => SetMetadata(LONG_RUNNING, true);

const longRunning = new AsyncLocalStorage<{ statementTimeoutMs: number }>();

/** Raises the statement timeout at the start of each transaction of a long-running route. */
class LongRunningSubscriber implements EntitySubscriberInterface {
  async afterTransactionStart(event: TransactionStartEvent): Promise<void> {
    const route = longRunning.getStore();
    if (route) await raiseStatementTimeout(event.manager, route.statementTimeoutMs);
  }
}

@Injectable()
export class LongRunningInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (
      !this.reflector.getAllAndOverride<boolean>(LONG_RUNNING, [context.getHandler(), context.getClass()])
    ) {
      return next.handle();
    }
    installSubscriber(this.dataSource);
    const store = { statementTimeoutMs: this.config.DATABASE_BULK_STATEMENT_TIMEOUT_MS };
    return new Observable<unknown>((subscriber) =>
      longRunning.run(store, () => next.handle().subscribe(subscriber)),
    );
  }
}

/** (Each time: initializing the DataSource, at boot or on reconnecting, replaces its list of subscribers.) */
function installSubscriber(dataSource: DataSource): void {
  if (!dataSource.subscribers.some((s) => s instanceof LongRunningSubscriber)) {
    dataSource.subscribers.push(new LongRunningSubscriber());
  }
}
