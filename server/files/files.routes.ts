// POST /uploads and GET /files/:id(/thumbnail): streaming in, streaming out with ETag and Range.
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import rangeParser from 'range-parser';
import { IdParams, UploadSchema, UserSelfSchema } from '../../protocol/schemas.js';
import { AppError } from '../errors.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import type { FileStore } from './file-store.js';
import type { FilesService, Readable as Stored } from './files.service.js';
import { toUpload, type UploadsService } from './uploads.service.js';

const tag = 'Files';

async function send(req: Request, res: Response, store: FileStore, file: Stored): Promise<void> {
  // The bytes under a key never change, so the key is a strong validator.
  const etag = `"${file.key}"`;
  res.setHeader('ETag', etag);
  // private: never in a shared cache; no-cache: every use comes back here, so a recall or a removal from the room
  // takes effect at once (a 304 costs a few bytes).
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Content-Type', file.mime);
  res.setHeader('Content-Disposition', contentDisposition(file.name, { type: file.inline ? 'inline' : 'attachment' }));
  res.setHeader('Accept-Ranges', 'bytes');
  if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
    res.status(304).end();
    return;
  }
  let range: { start: number; end: number } | undefined;
  const header = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (header && (ifRange === undefined || ifRange === etag)) {
    const parsed = rangeParser(file.size, header, { combine: true });
    if (parsed === -1) {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      res.removeHeader('Content-Disposition');
      res.removeHeader('Content-Type');
      throw new AppError('RANGE_NOT_SATISFIABLE', `the file has ${file.size} bytes`);
    }
    // A malformed header, or several ranges: the whole file (RFC 9110 allows ignoring Range).
    if (parsed !== -2 && parsed.type === 'bytes' && parsed.length === 1) range = parsed[0];
  }
  const body = await store.get(file.key, range);
  if (!body) throw new AppError('NOT_FOUND', 'file not found');
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('Content-Length', String(file.size));
  }
  if (req.method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  await new Promise<void>((resolve) => {
    body.on('error', (err) => {
      req.log?.error({ err }, 'file read failed');
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      body.destroy();
      resolve();
    });
    body.pipe(res);
  });
}

export function filesRoutes(uploads: UploadsService, files: FilesService, store: FileStore): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/uploads',
      tag,
      auth: true,
      summary: 'Upload one file (multipart/form-data, part "file"); attach it by sending a message with attachmentId',
      responses: [{ status: 201, description: 'Stored', schema: UploadSchema }],
      handler: async ({ principal, req }) => ({ status: 201, body: toUpload(await uploads.receive(principal.userId, req)) }),
    }),
    defineRoute({
      method: 'put',
      path: '/users/me/avatar',
      tag,
      auth: true,
      summary: 'Set my avatar (multipart/form-data, part "file": an image; the server makes a square picture)',
      responses: [{ status: 200, description: 'Me', schema: UserSelfSchema }],
      handler: async ({ principal, req }) => ({
        body: await files.setAvatar(principal.userId, await uploads.receive(principal.userId, req, 'avatar')),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/users/me/avatar',
      tag,
      auth: true,
      summary: 'Remove my avatar (initials are shown instead)',
      responses: [{ status: 200, description: 'Me', schema: UserSelfSchema }],
      handler: async ({ principal }) => ({ body: await files.setAvatar(principal.userId, null) }),
    }),
    defineRoute({
      method: 'get',
      path: '/files/:id',
      tag,
      auth: true,
      summary: 'The bytes of an upload (members of its room; the uploader before it is sent). Supports Range and ETag.',
      params: IdParams,
      responses: [{ status: 200, description: 'The file' }],
      handler: async ({ principal, params, req, res }) => {
        await send(req, res, store, await files.open(principal.userId, params.id, 'original'));
        return { streamed: true };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/files/:id/thumbnail',
      tag,
      auth: true,
      summary: 'A small WebP of an image upload (404 for other files)',
      params: IdParams,
      responses: [{ status: 200, description: 'The thumbnail' }],
      handler: async ({ principal, params, req, res }) => {
        await send(req, res, store, await files.open(principal.userId, params.id, 'thumbnail'));
        return { streamed: true };
      },
    }),
  ];
}
