/** Something a chaos round keeps doing in the background (sampling, writing) until stopped. */
export abstract class BackgroundLoop {
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly intervalMs: number) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Resolves once the iteration in flight has finished. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** One iteration; must not throw (a fault in the middle of one is expected). */
  protected abstract tick(): Promise<void>;

  private async run(): Promise<void> {
    while (this.running) {
      await this.tick();
      await new Promise((r) => setTimeout(r, this.intervalMs));
    }
  }
}
