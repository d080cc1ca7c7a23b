// A round of background work repeated until stopped: the shape of every hub worker that polls — the
// linker, the outbox, the event log's sequencer, the service-call intake, the completeness sweep,
// the repair jobs' resumer.
// The first round starts at once (or after `firstAfterMs`), each next one `delayMs(how long it took)`
// after the last ended (never two at once); a round that throws is handed to `onError` and the next one comes
// as usual. stop() cancels the next round and waits for the one under way.
export interface RepeaterOptions {
  /** The wait after a round ends before the next starts, given how long that round took; asked after every round. */
  delayMs: (roundMs: number) => number;
  /** A round that failed; the next comes as usual. */
  onError: (err: unknown) => void;
}

export class Repeater {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private current: Promise<void> | null = null;

  constructor(
    private readonly round: () => Promise<unknown>,
    private readonly options: RepeaterOptions,
  ) {}

  start(firstAfterMs = 0): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      this.timer = null;
      if (this.stopped) return;
      const started = Date.now();
      this.current = this.round().then(
        () => undefined,
        (err) => this.options.onError(err),
      );
      await this.current;
      this.current = null;
      if (!this.stopped) this.timer = setTimeout(tick, this.options.delayMs(Date.now() - started));
    };
    this.timer = setTimeout(tick, firstAfterMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current;
  }
}
