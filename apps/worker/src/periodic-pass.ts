/**
 * Runs a pass every `intervalMs`, never two at once (a pass that outlasts the interval skips the next tick), and on
 * stop waits for the pass in progress. For the worker's background duties: the outbox, the audit trail's seal.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly pass: () => Promise<unknown>) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.pass().finally(() => (this.running = null));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
