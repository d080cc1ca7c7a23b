// One holder per key at a time within this process: scans and seals of one outbound queue here
// instead of in the database, so a burst on one order holds no pooled connection while it waits.
// Row locks in WMS still serialize other processes. A waiter gives up after `maxWaitMs` without
// running its work, so a request the gateway has already timed out is never carried out later.
export class LockWaitTimeout extends Error {
  constructor(key: string, ms: number) {
    super(`${key}: not our turn within ${ms} ms`);
  }
}

export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly maxWaitMs = Infinity) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    const done = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    if (Number.isFinite(this.maxWaitMs)) {
      let timer: NodeJS.Timeout | undefined;
      const turn = await Promise.race([
        before.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.maxWaitMs))),
      ]);
      clearTimeout(timer);
      if (!turn) {
        // Keep our place in the queue and hand it on untouched when it comes.
        void before.then(done);
        throw new LockWaitTimeout(key, this.maxWaitMs);
      }
    } else {
      await before;
    }
    try {
      return await work();
    } finally {
      done();
    }
  }
}
