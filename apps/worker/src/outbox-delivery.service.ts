import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import nodemailer, { type Transporter } from 'nodemailer';
import SMTPTransport from 'nodemailer/lib/smtp-transport';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@cascade/config';
import {
  buryExhaustedNotifications,
  claimDueNotifications,
  DatabaseConnector,
  markNotificationFailed,
  markNotificationSent,
  type PendingNotification,
} from '@cascade/persistence';
import { PeriodicPass } from './periodic-pass';

/** A lane stops its pass after this many sends so that shutdown is never far away. */
const SENDS_PER_PASS = 100;

/**
 * The Message-ID of a notification, derived from its dedupe key: a mail sent again after a crash (sent, but not yet
 * marked) carries the same id, so the receiving side can recognise it as the same message.
 */
export function notificationMessageId(dedupeKey: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)/.exec(from)?.[1] ?? 'cascade.local';
  return `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 40)}@${domain}>`;
}

/**
 * Delivers the notification outbox by e-mail when SMTP_URL is set. OUTBOX_CONCURRENCY lanes each claim one row at a
 * time with a lease (one short statement, no transaction held), send it outside any transaction with the SMTP
 * timeouts, and mark it on its own right after: a crash resends at most the rows in flight, once their leases run
 * out; a hanging server holds one lane, never the others. A failure is retried with backoff; a permanent refusal
 * (5xx) or the last attempt keeps the row as dead, logged and counted by `/health`.
 */
@Injectable()
export class OutboxDeliveryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDeliveryService.name);
  private transport: Transporter | null = null;
  private readonly worker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private lanes: PeriodicPass[] = [];

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
    const timeout = this.config.SMTP_TIMEOUT_MS;
    // The transport itself, not createTransport({ url, ... }): that form drops every option next to the URL.
    this.transport = nodemailer.createTransport(
      new SMTPTransport({
        url: this.config.SMTP_URL,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        dnsTimeout: timeout,
      }),
    );
    this.lanes = Array.from({ length: this.config.OUTBOX_CONCURRENCY }, (_, lane) => {
      const pass = new PeriodicPass(() => this.deliver(lane));
      pass.start(this.config.OUTBOX_POLL_MS);
      return pass;
    });
  }

  private get leaseSeconds(): number {
    return Math.max(this.config.OUTBOX_LEASE_SECONDS, Math.ceil((6 * this.config.SMTP_TIMEOUT_MS) / 1000));
  }

  /** One lane's pass: claim, send and mark one notification at a time until none is due; returns how many were sent. */
  async deliver(lane = 0): Promise<number> {
    if (!this.transport || !this.database.isConnected) return 0;
    let sent = 0;
    try {
      if (lane === 0) {
        for (const id of await buryExhaustedNotifications(this.dataSource, this.config.OUTBOX_MAX_ATTEMPTS)) {
          this.logger.error(`notification ${id} is dead: its attempts are spent`);
        }
      }
      while (sent < SENDS_PER_PASS) {
        const [notification] = await claimDueNotifications(this.dataSource, {
          worker: this.worker,
          leaseSeconds: this.leaseSeconds,
          maxAttempts: this.config.OUTBOX_MAX_ATTEMPTS,
          limit: 1,
        });
        if (!notification) break;
        if (await this.send(notification)) sent++;
      }
    } catch (error) {
      this.logger.warn(`outbox pass failed: ${(error as Error).message}`);
    }
    return sent;
  }

  private async send(notification: PendingNotification): Promise<boolean> {
    const deadlineMs = 3 * this.config.SMTP_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.transport!.sendMail({
          from: this.config.SMTP_FROM,
          to: notification.recipientEmail,
          subject: notification.subject,
          text: notification.body,
          messageId: notificationMessageId(notification.dedupeKey, this.config.SMTP_FROM),
        }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no outcome within ${deadlineMs} ms`)), deadlineMs);
        }),
      ]);
    } catch (error) {
      await this.failed(notification, error as Error & { responseCode?: number });
      return false;
    } finally {
      clearTimeout(timer);
    }
    await markNotificationSent(this.dataSource, notification.id);
    return true;
  }

  private async failed(
    notification: PendingNotification,
    error: Error & { responseCode?: number },
  ): Promise<void> {
    // A 5xx reply refuses the message for good (RFC 5321); anything else (timeouts, 4xx, a lost connection) may pass.
    const permanent =
      error.responseCode !== undefined && error.responseCode >= 500 && error.responseCode < 600;
    const status = await markNotificationFailed(this.dataSource, {
      id: notification.id,
      worker: this.worker,
      error: error.message.slice(0, 1000),
      retryInSeconds: Math.min(2 ** (notification.attempts - 1) * 5, 3600),
      maxAttempts: this.config.OUTBOX_MAX_ATTEMPTS,
      permanent,
    });
    const what = `notification ${notification.id} to ${notification.recipientEmail} (attempt ${notification.attempts})`;
    if (status === 'dead') this.logger.error(`${what} is dead: ${error.message}`);
    else this.logger.warn(`${what} failed: ${error.message}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.stop()));
    this.transport?.close();
  }
}
