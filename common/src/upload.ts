// Receiving a file sent as a raw request body, without holding it: streamed to disk while its
// SHA-256 is taken, cut off past a size limit. The gateway spools with it before forwarding (so
// the forwarded request can be signed over the digest); order-link stores with it.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpRefusal } from './http-host.js';

export const FILE_NAME_HEADER = 'x-file-name';

export interface ReceivedFile {
  bytes: number;
  sha256: string;
}

const tooLarge = (limit: number) =>
  new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', `文件超过 ${Math.floor(limit / 1024 / 1024)} MiB 上限`, `The file is larger than the ${Math.floor(limit / 1024 / 1024)} MiB limit`);

export async function receiveFile(req: IncomingMessage, path: string, limit: number): Promise<ReceivedFile> {
  if (Number(req.headers['content-length']) > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > limit) return done(tooLarge(limit));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, meter, createWriteStream(path));
  } catch (err) {
    await rm(path, { force: true });
    // Let the rest of an oversized body drain so the refusal reaches the client.
    req.resume();
    throw err;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * The file name a client gave (URL-encoded header), made safe to store and show; one longer than
 * `maxLength` characters (decoded) is refused before any byte of the file is read.
 */
export function uploadedFileName(req: IncomingMessage, maxLength: number): string {
  const raw = req.headers[FILE_NAME_HEADER];
  let name = typeof raw === 'string' ? raw : '';
  try {
    name = decodeURIComponent(name);
  } catch {
    // kept as sent
  }
  name = name.replace(/^.*[\\/]/, '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if ([...name].length > maxLength) {
    req.resume();
    throw new HttpRefusal(400, 'FILE_NAME_TOO_LONG', `文件名超过 ${maxLength} 个字符`, `The file name is longer than ${maxLength} characters`, { limit: maxLength });
  }
  return name || 'upload';
}
