// POST /uploads on order-link: the gateway forwards a client's file here (see gateway/src/uploads.ts),
// signed over the file's SHA-256. The file is streamed to UPLOAD_DIR while hashed; only when the
// signature matches what arrived is it kept and recorded. Answers { uploadId, fileName, bytes, sha256 }.
// What is in the file is judged by startRepairJob, as GraphQL errors (an empty file included).
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { Role } from '../../../../common/src/caller.js';
import type { IncomingMessage } from 'node:http';
import { HttpRefusal, sendJson, type RouteHandler } from '../../../../common/src/http-host.js';
import type { Verification } from '../../../../common/src/signing.js';
import { notSigned } from '../../../../common/src/subgraph.js';
import { receiveFile, uploadedFileName } from '../../../../common/src/upload.js';
import type { Logger } from '../../../../common/src/logger.js';
import { uploadPath } from './runner.js';
import type { RepairStore } from './store.js';

export const REPAIR_ROLES: Role[] = ['ops'];

export function uploadReceiver(opts: { store: RepairStore; dir: string; maxBytes: number; maxNameLength: number; verify: (req: IncomingMessage, bodyHash: string) => Promise<Verification>; logger: Logger }): RouteHandler {
  return async (req, res, requestId) => {
    if (req.method !== 'POST') {
      req.resume();
      throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', '上传请使用 POST', 'Upload with POST');
    }
    const fileName = uploadedFileName(req, opts.maxNameLength);
    await mkdir(opts.dir, { recursive: true });
    const id = randomUUID();
    const partial = `${uploadPath(opts.dir, id)}.part`;
    const file = await receiveFile(req, partial, opts.maxBytes);
    const verdict = await opts.verify(req, file.sha256).catch((err) => ({ ok: false as const, reason: `replay cache unavailable: ${(err as Error)?.message}` }));
    if (!verdict.ok) {
      await rm(partial, { force: true });
      opts.logger.warn({ reason: verdict.reason, requestId }, 'refused an upload not signed by the gateway');
      throw notSigned();
    }
    const caller = verdict.caller;
    if (caller.role !== 'admin' && !REPAIR_ROLES.includes(caller.role)) {
      await rm(partial, { force: true });
      throw new HttpRefusal(403, 'FORBIDDEN', `角色「${caller.role}」无权上传修复文件`, `Role "${caller.role}" may not upload repair files`);
    }
    await rename(partial, uploadPath(opts.dir, id));
    await opts.store.addUpload({
      id,
      fileName,
      contentType: typeof req.headers['content-type'] === 'string' ? req.headers['content-type'].slice(0, 120) : null,
      bytes: file.bytes,
      sha256: file.sha256,
      uploadedBy: caller.subject.slice(0, 80),
      createdAt: Date.now(),
    });
    opts.logger.info({ requestId, uploadId: id, bytes: file.bytes, fileName }, 'upload stored');
    sendJson(res, 201, { uploadId: id, fileName, bytes: file.bytes, sha256: file.sha256 });
  };
}
