// POST /uploads: a file for the repair wizard, sent as the raw request body (CSV or XLSX) with
// its name in X-File-Name. Apollo Gateway cannot carry multipart uploads across subgraphs, so the
// file takes this side door: authenticated here like any request, spooled to disk while hashed,
// then streamed to intake signed over that hash. The answer is intake's: the upload ID
// that `startRepairJob(uploadId:)` takes.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { encodeCaller, type Role } from '../../common/src/caller.js';
import { HttpRefusal, sendJson, type RouteHandler } from '../../common/src/http-host.js';
import { signDigest } from '../../common/src/signing.js';
import { FILE_NAME_HEADER, receiveFile, uploadedFileName } from '../../common/src/upload.js';
import type { Logger } from '../../common/src/logger.js';
import type { Authenticator } from './auth.js';

export interface UploadRouteOptions {
  authenticate: Authenticator;
  /** Who may upload: whoever may start a repair job (read from the SDL's tags). */
  roles: () => Set<Role>;
  intakeUrl: () => string | undefined;
  /** The intake subgraph's signing key. */
  signingKey: string;
  maxBytes: number;
  maxNameLength: number;
  timeoutMs: number;
  logger: Logger;
}

export function uploadRoute(opts: UploadRouteOptions): RouteHandler {
  return async (req, res, requestId) => {
    if (req.method !== 'POST') {
      req.resume();
      throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', '上传请使用 POST，文件作为请求体', 'Upload with POST, the file as the request body');
    }
    const caller = await opts.authenticate(req.headers.authorization).catch((err) => {
      req.resume();
      throw err;
    });
    if (caller.role !== 'admin' && !opts.roles().has(caller.role)) {
      req.resume();
      throw new HttpRefusal(403, 'FORBIDDEN', `角色「${caller.role}」无权上传修复文件`, `Role "${caller.role}" may not upload repair files`);
    }
    uploadedFileName(req, opts.maxNameLength);
    const target = opts.intakeUrl();
    if (!target) throw new HttpRefusal(503, 'UPSTREAM_UNAVAILABLE', 'intake 子图未配置', 'The intake subgraph is not configured');
    const spool = join(tmpdir(), `oh-upload-${randomUUID()}`);
    try {
      const file = await receiveFile(req, spool, opts.maxBytes);
      const destination = new URL('/uploads', target);
      const forwarded = await request(destination, {
        method: 'POST',
        headers: {
          ...signDigest(opts.signingKey, { method: 'POST', path: destination.pathname, subgraph: 'intake' }, encodeCaller(caller), file.sha256),
          'content-length': String(file.bytes),
          'content-type': String(req.headers['content-type'] ?? 'application/octet-stream'),
          [FILE_NAME_HEADER]: String(req.headers[FILE_NAME_HEADER] ?? ''),
          'x-request-id': requestId,
        },
        body: createReadStream(spool),
        bodyTimeout: opts.timeoutMs,
        headersTimeout: opts.timeoutMs,
      });
      const text = await forwarded.body.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        opts.logger.warn({ requestId, status: forwarded.statusCode }, 'intake answered an upload with something not JSON');
        throw new HttpRefusal(502, 'UPSTREAM_UNAVAILABLE', 'intake 子图的回答无法读取', 'The intake subgraph gave an unreadable answer');
      }
      sendJson(res, forwarded.statusCode, body);
    } catch (err) {
      if (err instanceof HttpRefusal) throw err;
      opts.logger.warn({ requestId, err: (err as Error)?.message }, 'upload could not be forwarded');
      throw new HttpRefusal(502, 'UPSTREAM_UNAVAILABLE', 'intake 子图暂时不可用，文件未保存', 'The intake subgraph is unavailable; the file was not stored');
    } finally {
      await rm(spool, { force: true });
    }
  };
}
