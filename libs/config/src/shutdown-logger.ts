import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

/** Logs why the process is stopping, so that an exit is never silent in the logs. */
@Injectable()
export class ShutdownLogger implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Lifecycle');

  beforeApplicationShutdown(signal?: string): void {
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}`);
  }
}
