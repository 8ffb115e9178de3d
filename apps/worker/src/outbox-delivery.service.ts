import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import {
  claimDueNotifications,
  DatabaseConnector,
  markNotificationFailed,
  markNotificationSent,
} from '@cascade/persistence';
import { PeriodicPass } from './periodic-pass';

const MAX_ATTEMPTS = 10;
const BATCH = 20;

/**
 * Delivers the notification outbox by e-mail when SMTP_URL is set. Rows are claimed with FOR UPDATE SKIP LOCKED, so
 * several workers share the work without sending twice; a failure is retried with backoff and recorded.
 */
@Injectable()
export class OutboxDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDeliveryService.name);
  private transport: Transporter | null = null;
  private readonly passes = new PeriodicPass(() => this.deliver());

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly database: DatabaseConnector,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SMTP_URL) {
      this.logger.log('SMTP_URL is not set: notifications stay in the outbox');
      return;
    }
    this.transport = nodemailer.createTransport(this.config.SMTP_URL);
    this.passes.start(this.config.OUTBOX_POLL_MS);
  }

  /** One pass over the due notifications; returns how many were sent. */
  async deliver(): Promise<number> {
    if (!this.transport || !this.database.isConnected) return 0;
    let sent = 0;
    try {
      await this.dataSource.transaction(async (m) => {
        const due = await claimDueNotifications(m, MAX_ATTEMPTS, BATCH);
        for (const notification of due) {
          try {
            await this.transport!.sendMail({
              from: this.config.SMTP_FROM,
              to: notification.recipientEmail,
              subject: notification.subject,
              text: notification.body,
            });
            await markNotificationSent(m, notification.id);
            sent++;
          } catch (error) {
            const delay = Math.min(2 ** notification.attempts * 5, 3600);
            await markNotificationFailed(m, notification.id, (error as Error).message.slice(0, 1000), delay);
            this.logger.warn(
              `notification ${notification.id} to ${notification.recipientEmail} failed: ${(error as Error).message}`,
            );
          }
        }
      });
    } catch (error) {
      this.logger.warn(`outbox pass failed: ${(error as Error).message}`);
    }
    return sent;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.passes.stop();
    this.transport?.close();
  }
}
