import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@cascade/config';
import {
  json,
  raw,
  static as serveStatic,
  text,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import helmet from 'helmet';
import type { Duplex } from 'node:stream';
import { CommonErrorCode } from './common/api-error';
import multer from 'multer';
import {
  bodyParserErrors,
  DOCUMENT_MEDIA_TYPES,
  DOCUMENT_UPLOAD_PATHS,
  requireJsonBody,
  TEXT_UPLOAD_PATHS,
  uploadError,
} from './common/body-errors';
import { createValidationPipe } from './common/validation';
import { attachmentUpload } from './attachments/attachment-upload';

/** Everything main.ts does to the app besides listening; the end-to-end tests call it too. */
export function configureApp(app: NestExpressApplication, config: AppConfig): INestApplication {
  app.useLogger(app.get(Logger));
  // Security headers; the CSP lets the API docs (/docs) load their own scripts and styles only.
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
    }),
  );
  const origins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  // Only the configured origins get CORS headers; without any, browsers keep to the same origin.
  if (origins.length)
    app.enableCors({
      origin: origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-API-Key', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
    });
  app.use(requireJsonBody);
  // Imports are large: their own parsers and limit, mounted before the general one (which then skips them).
  for (const path of TEXT_UPLOAD_PATHS) {
    app.use(
      path,
      json({ limit: config.IMPORT_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] }),
    );
    app.use(path, text({ limit: config.IMPORT_BODY_LIMIT_BYTES, type: ['text/csv', 'text/plain'] }));
  }
  // Documents: one file in memory (never written to disk), or the raw body, or { "text" }.
  const limit = config.IMPORT_BODY_LIMIT_BYTES;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limit, files: 1, fields: 10, parts: 11 },
  });
  for (const path of DOCUMENT_UPLOAD_PATHS) {
    app.use(path, (req: Request, res: Response, next: NextFunction) =>
      req.is('multipart/form-data')
        ? upload.single('file')(req, res, (err?: unknown) => next(err ? uploadError(err, limit) : undefined))
        : next(),
    );
    app.use(path, raw({ limit, type: DOCUMENT_MEDIA_TYPES }));
    app.use(path, json({ limit, type: ['application/json', 'application/*+json'] }));
  }
  // Attachments of a draft: one file in memory, up to ATTACHMENT_MAX_BYTES
  app.use(attachmentUpload(config.ATTACHMENT_MAX_BYTES));
  app.useBodyParser('json', {
    limit: config.API_BODY_LIMIT_BYTES,
    type: ['application/json', 'application/*+json'],
  });
  app.use(bodyParserErrors);
  app.useGlobalPipes(createValidationPipe());
  // SIGTERM from orchestrators, SIGINT from a terminal: finish in-flight requests, close Temporal and PostgreSQL.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  app.disable('x-powered-by');
  // The web app (apps/web, built into dist/web) at `/`: its index and assets; every other path is the API's.
  const web = [join(__dirname, '..', '..', '..', 'web'), join(process.cwd(), 'dist', 'web')].find((dir) =>
    existsSync(join(dir, 'index.html')),
  );
  if (web) app.use(serveStatic(web, { index: 'index.html', maxAge: '1h', fallthrough: true }));
  // What Node's HTTP parser refuses before the app sees it (headers over 16 KB, broken HTTP) in the error shape too.
  const server = app.getHttpServer();
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const large = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      error: large
        ? {
            code: CommonErrorCode.HEADERS_TOO_LARGE,
            message: 'headers: the request line and headers exceed 16 KB',
          }
        : { code: CommonErrorCode.BAD_REQUEST, message: 'request: not valid HTTP' },
    });
    socket.end(
      `HTTP/1.1 ${large ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Cascade API')
      .setDescription(
        'Directives routed down a hierarchy of bodies, reports aggregated up. Errors are ' +
          '`{ "error": { "code", "message", "details" } }`; state-changing requests take an `Idempotency-Key`.',
      )
      .setVersion('0.1.0')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', raw: ['json'] });
  return app;
}
