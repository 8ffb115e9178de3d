import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import { DatabaseConnector } from '@cascade/persistence';
import { PeriodicPass } from './periodic-pass';

interface Pending {
  id: string;
  recipient_email: string;
  subject: string;
  body: string;
  attempts: number;
}

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
        const due: Pending[] = await m.query(
          `SELECT id::text, recipient_email, subject, body, attempts FROM notification_outbox
            WHERE sent_at IS NULL AND attempts < $1 AND next_attempt_at <= now()
            ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [MAX_ATTEMPTS, BATCH],
        );
        for (const n of due) {
          try {
            await this.transport!.sendMail({
              from: this.config.SMTP_FROM,
              to: n.recipient_email,
              subject: n.subject,
              text: n.body,
            });
            await m.query(
              `UPDATE notification_outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
              [n.id],
            );
            sent++;
          } catch (error) {
            const delay = Math.min(2 ** n.attempts * 5, 3600);
            await m.query(
              `UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3)
                WHERE id = $1`,
              [n.id, (error as Error).message.slice(0, 1000), delay],
            );
            this.logger.warn(
              `notification ${n.id} to ${n.recipient_email} failed: ${(error as Error).message}`,
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
