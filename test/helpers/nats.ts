// NATS for the live-order tests: the machine's server (127.0.0.1:4222, or TEST_NATS_URL), or a
// server of a test's own on a free port that the test may stop and start (never the shared one).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';

export const NATS_SERVER = process.env.NATS_SERVER_PATH ?? '/usr/sbin/nats-server';

function answers(host: string, port: number, ms = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('data', (d) => done(d.toString().startsWith('INFO')));
    socket.once('error', () => done(false));
  });
}

/** The shared server's URL when it answers; CI (REQUIRE_NATS=1) fails rather than run without it. */
export async function sharedNats(): Promise<string | null> {
  const url = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
  const u = new URL(url.replace(/^nats:/, 'http:'));
  if (await answers(u.hostname, Number(u.port || 4222))) return url;
  if (process.env.REQUIRE_NATS === '1') throw new Error(`REQUIRE_NATS=1 but NATS at ${url} does not answer`);
  console.warn(`NATS at ${url} does not answer; the in-process bus is used instead`);
  return null;
}

/** Names for a test's own stream and subjects on a shared server: nobody else's are touched. */
export function streamNames(prefix: string) {
  const tag = `${prefix}_${process.pid}_${Date.now().toString(36)}`.replace(/[^A-Za-z0-9_]/g, '_');
  return { EVENTS_NATS_STREAM: `T_${tag}`, EVENTS_NATS_SUBJECT: `test.${tag}` };
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 2000 });
  try {
    await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** What the stream holds: its last sequence number and message count. */
export async function streamState(url: string, stream: string): Promise<{ messages: number; lastSeq: number }> {
  const nc = await connect({ servers: url, timeout: 2000 });
  try {
    const info = await (await nc.jetstreamManager()).streams.info(stream);
    return { messages: info.state.messages, lastSeq: info.state.last_seq };
  } finally {
    await nc.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A NATS server with JetStream of the test's own; stop() and start() keep its port and its store. */
export async function ownNats() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oh-nats-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await answers('127.0.0.1', port, 300))) {
      if (Date.now() > deadline) throw new Error('own nats-server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode != null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
