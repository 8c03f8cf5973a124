// The composition root: builds every dependency from the config and wires them. Tests use it exactly like main.ts.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Request } from 'express';
import { AdminRepository } from './admin/admin.repository.js';
import { AccountDeletion } from './admin/account-deletion.js';
import { accountRoutes } from './admin/account.routes.js';
import { adminRoutes } from './admin/admin.routes.js';
import { AdminService } from './admin/admin.service.js';
import { RoomAdmin } from './rooms/room-admin.js';
import { AuthService } from './auth/auth.service.js';
import { authRoutes } from './auth/auth.routes.js';
import { PasswordHasher } from './auth/passwords.js';
import { SessionsRepository } from './auth/sessions.repository.js';
import { TokenService } from './auth/tokens.js';
import { LoginLockouts } from './auth/lockouts.js';
import { EmailRepository } from './email/email.repository.js';
import { emailRoutes } from './email/email.routes.js';
import { EmailService } from './email/email.service.js';
import { Mailer } from './email/mailer.js';
import type { Config } from './config.js';
import { createKnex, ensureMysqlDatabase } from './db/knex.js';
import { migrateLatest } from './db/migrate.js';
import { DomainEventBus } from './events.js';
import { createApp } from './http/app.js';
import type { FileStore } from './files/file-store.js';
import { filesRoutes } from './files/files.routes.js';
import { FilesService } from './files/files.service.js';
import { LocalFileStore } from './files/local-store.js';
import type { S3FileStore } from './files/s3-store.js';
import { UploadSweeper } from './files/sweeper.js';
import { UploadsRepository } from './files/uploads.repository.js';
import { UploadsService } from './files/uploads.service.js';
import { createLimiter, SendLimiter } from './limits.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { MessageViews } from './messages/message-views.js';
import { ExtrasRepository } from './messages/extras.repository.js';
import { MessagesRepository } from './messages/messages.repository.js';
import { messagesRoutes } from './messages/messages.routes.js';
import { MessagesService } from './messages/messages.service.js';
import { LocalPresence, type Presence } from './presence/presence.js';
import { RedisPresence } from './presence/redis-presence.js';
import { connectRedis, type RedisClients } from './redis.js';
import { createRealtime, type IoServer } from './realtime/gateway.js';
import { createSearchIndex } from './search/search-index.js';
import { searchRoutes } from './search/search.routes.js';
import { SearchService } from './search/search.service.js';
import { RoomsRepository } from './rooms/rooms.repository.js';
import { roomsRoutes } from './rooms/rooms.routes.js';
import { RoomsService } from './rooms/rooms.service.js';
import { UsersRepository } from './users/users.repository.js';
import { usersRoutes } from './users/users.routes.js';
import { UsersService } from './users/users.service.js';

export interface Services {
  auth: AuthService;
  users: UsersService;
  rooms: RoomsService;
  messages: MessagesService;
  admin: AdminService;
  emails: EmailService;
  uploads: UploadsService;
  files: FilesService;
  sweeper: UploadSweeper;
  search: SearchService;
}

export interface ServerHandle {
  config: Config;
  knex: Knex;
  logger: Logger;
  http: HttpServer;
  io: IoServer;
  events: DomainEventBus;
  presence: Presence;
  services: Services;
  metrics: Metrics;
  redis: RedisClients | undefined;
  store: FileStore;
  /** Listens on config.port (0 = a free port) and resolves with the URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface CreateServerOptions {
  logger?: Logger;
  /** Creates the MySQL database when missing (tests, first start). Default true. */
  createDatabase?: boolean;
  /**
   * Leave Redis out even when REDIS_URL is set (operator commands: they hold no sockets, and the running servers
   * learn their revocations from the database within REVOCATION_CHECK_MS, whether Redis is up or not).
   */
  withoutRedis?: boolean;
  /**
   * Keep the search index in step with message writes. Default true; only the benchmark turns it off, to measure
   * what indexing costs a send (a server run without it has an index that misses messages).
   */
  searchIndex?: boolean;
}

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : '';
}

export async function createServer(config: Config, options: CreateServerOptions = {}): Promise<ServerHandle> {
  const logger = options.logger ?? createLogger(config.logLevel, config.logFormat);
  if (config.databaseUrl && options.createDatabase !== false) await ensureMysqlDatabase(config.databaseUrl);
  const dbLog = logger.child({ component: 'knex' });
  const knex = createKnex({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.dbPoolMax,
    // Knex's own warnings (pool acquire errors, deprecations) as structured lines, not console output.
    log: {
      warn: (message: unknown) => dbLog.warn(String(message)),
      error: (message: unknown) => dbLog.error(String(message)),
      deprecate: (method: string, alternative: string) => dbLog.warn(`${method} is deprecated; use ${alternative}`),
      debug: () => undefined,
    },
  });
  const applied = await migrateLatest(knex);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

  const redisClients =
    config.redisUrl && !options.withoutRedis
      ? await connectRedis(
          config.redisUrl,
          { timeoutMs: config.redisTimeoutMs, startupWaitSeconds: config.redisStartupWaitSeconds },
          logger,
        )
      : undefined;
  const redis = redisClients?.main;

  const events = new DomainEventBus();
  const metrics = createMetrics({ knex, events, token: config.metricsToken });
  const presence: Presence = redis ? new RedisPresence(redis, config.redisPrefix) : new LocalPresence();
  const usersRepo = new UsersRepository(knex);
  const sessionsRepo = new SessionsRepository(knex);
  const roomsRepo = new RoomsRepository(knex);
  const searchIndex = await createSearchIndex(knex);
  logger.info({ engine: searchIndex.engine }, 'message search');
  if (options.searchIndex !== false) void searchIndex.start();
  const messagesRepo = new MessagesRepository(knex, options.searchIndex === false ? undefined : searchIndex);
  const extras = new ExtrasRepository(knex);
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtl);
  const passwords = new PasswordHasher(config.bcryptRounds);

  const users = new UsersService(usersRepo, presence, events);
  const messageViews = new MessageViews(usersRepo, users, extras);
  events.on('user:updated', (u) => messageViews.forget(u.id));
  const auth = new AuthService({
    knex,
    users: usersRepo,
    sessions: sessionsRepo,
    tokens,
    passwords,
    presence,
    events,
    refreshTtlSeconds: config.refreshTokenTtl,
    refreshGraceSeconds: config.refreshGraceSeconds,
    logger: logger.child({ component: 'auth' }),
    lockouts: new LoginLockouts(knex, config.loginLockoutAfter, config.loginLockoutMax),
    emailVerification: config.emailVerification,
    limits: {
      loginPerAccount: createLimiter(
        { keyPrefix: `${config.redisPrefix}:login-account`, points: config.loginRateLimit, durationSeconds: 15 * 60 },
        redis,
      ),
      loginPerAddress: createLimiter(
        { keyPrefix: `${config.redisPrefix}:login-address`, points: config.loginRateLimit * 10, durationSeconds: 15 * 60 },
        redis,
      ),
      register: createLimiter(
        { keyPrefix: `${config.redisPrefix}:register`, points: config.registerRateLimit, durationSeconds: 60 * 60 },
        redis,
      ),
    },
  });
  const rooms = new RoomsService({
    knex,
    rooms: roomsRepo,
    users: usersRepo,
    usersService: users,
    messages: messagesRepo,
    messageViews,
    extras,
    events,
  });
  // The AWS SDK is loaded only when an object store is configured: it is large, and the CLI builds a server too.
  const s3: S3FileStore | undefined = config.s3 ? new (await import('./files/s3-store.js')).S3FileStore(config.s3) : undefined;
  const store: FileStore = s3 ?? new LocalFileStore(path.join(config.dataDir, 'files'));
  const uploadsRepo = new UploadsRepository(knex);
  const uploads = new UploadsService({
    repo: uploadsRepo,
    store,
    tmpRoot: path.join(config.dataDir, 'tmp'),
    maxBytes: config.uploadMaxBytes,
    quotaBytes: config.uploadQuotaBytes,
    limiter: createLimiter({ keyPrefix: `${config.redisPrefix}:upload`, points: config.uploadRateLimit, durationSeconds: 60 }, redis),
    logger,
  });
  await uploads.start();
  const files = new FilesService(uploadsRepo, store, uploads, users);
  const sweeper = new UploadSweeper(uploadsRepo, uploads, logger);
  sweeper.start();
  // Recalling a message takes its file away at once, not at the next sweep.
  events.on('message:updated', (m) => {
    if (m.deletedAt) files.discardForMessage(m.id).catch((err: unknown) => logger.warn({ err }, 'removing a recalled file failed'));
  });
  const messages = new MessagesService({
    uploads: uploadsRepo,
    knex,
    messages: messagesRepo,
    views: messageViews,
    extras,
    rooms,
    events,
    sendLimiter: new SendLimiter(config.sendRateBurst, config.sendRatePerSecond, redis, config.redisPrefix),
  });
  rooms.useSystemPoster(messages);
  const search = new SearchService({ index: searchIndex, messages: messagesRepo, views: messageViews, rooms });
  const startedAt = Date.now();
  let countSockets: () => Promise<number> = () => Promise.resolve(0);
  const adminRepo = new AdminRepository(knex);
  const roomAdmin = new RoomAdmin({ knex, rooms: roomsRepo, roomsService: rooms, users: usersRepo, events });
  const deletion = new AccountDeletion({
    knex,
    users: usersRepo,
    usersService: users,
    auth,
    rooms: roomsRepo,
    roomAdmin,
    messages: messagesRepo,
    views: messageViews,
    uploads: uploadsRepo,
    uploadsService: uploads,
    events,
    logger: logger.child({ component: 'admin' }),
  });
  const admin = new AdminService({
    knex,
    repo: adminRepo,
    users: usersRepo,
    auth,
    rooms,
    presence,
    config,
    logger: logger.child({ component: 'admin' }),
    startedAt,
    socketCount: () => countSockets(),
    redisHealth: () => redisClients?.health() ?? Promise.resolve('off'),
    deletion,
    roomAdmin,
    uploads: uploadsRepo,
  });
  auth.useAdmission(admin);
  const mailer = config.smtp ? await Mailer.create(config.smtp.url, config.smtp.from, logger.child({ component: 'email' })) : undefined;
  if (mailer && !config.publicUrl)
    logger.warn('SMTP_URL without PUBLIC_URL: emailed links use the address each request came to; set PUBLIC_URL');
  const emails = new EmailService({
    knex,
    users: usersRepo,
    resets: adminRepo,
    repo: new EmailRepository(knex),
    mailer,
    config,
    logger: logger.child({ component: 'email' }),
    limits: {
      perAddress: createLimiter({ keyPrefix: `${config.redisPrefix}:email`, points: config.emailRateLimit, durationSeconds: 3600 }, redis),
      perClient: createLimiter(
        { keyPrefix: `${config.redisPrefix}:email-client`, points: config.emailRateLimit * 10, durationSeconds: 3600 },
        redis,
      ),
    },
  });
  const services: Services = { auth, users, rooms, messages, uploads, files, sweeper, search, admin, emails };

  const routes = [
    ...authRoutes(auth, admin, emails),
    ...emailRoutes(emails, auth),
    ...usersRoutes(users),
    ...roomsRoutes(rooms),
    ...messagesRoutes(messages),
    ...filesRoutes(uploads, files, store),
    ...searchRoutes(search),
    ...adminRoutes(admin),
    ...accountRoutes(admin),
  ];
  const app = createApp({
    config,
    knex,
    logger,
    routes,
    authenticate: (req) => auth.authenticate(bearer(req)),
    startedAt,
    redisHealth: () => redisClients?.health() ?? Promise.resolve('off'),
    before: metrics.middleware,
  });
  const http = createHttpServer(app);
  const realtime = createRealtime(http, {
    config,
    logger,
    auth,
    rooms,
    messages,
    usersRepo,
    sessionsRepo,
    presence,
    events,
    redis: redisClients?.adapter,
    onSocketCount: (delta) => metrics.socketsConnected.inc(delta),
    onAck: (event, ms) => metrics.ackLatency.observe({ event }, ms / 1000),
    onSetupRefused: () => metrics.socketSetupsRefused.inc(),
    onSetups: (running, queued) => {
      metrics.socketSetups.set({ state: 'running' }, running);
      metrics.socketSetups.set({ state: 'queued' }, queued);
    },
  });

  // Across nodes through the adapter; a node that does not answer in time is left out of the count.
  countSockets = async () => (await realtime.io.timeout(2000).fetchSockets()).length;

  let closed = false;
  return {
    config,
    knex,
    logger,
    http,
    io: realtime.io,
    events,
    presence,
    services,
    redis: redisClients,
    metrics,
    store,
    listen: () =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen({ port: config.port, host: config.host, backlog: config.listenBacklog }, () => {
          const { port } = http.address() as AddressInfo;
          const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
          resolve(`http://${host}:${port}`);
        });
      }),
    async close() {
      if (closed) return;
      closed = true;
      // Stop accepting; let in-flight sends commit and ack; disconnect sockets (clients reconnect elsewhere or
      // after the restart and catch up); let in-flight HTTP requests finish; then close the stores.
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      await realtime.drain(5000);
      await new Promise<void>((resolve) => void realtime.io.close(() => resolve()));
      await realtime.settle(1500); // drain (5 s) + this + HTTP (3 s) stay inside the 10 s shutdown budget
      const force = setTimeout(() => http.closeAllConnections(), 3000);
      await httpClosed;
      clearTimeout(force);
      await sweeper.stop();
      await uploads.stop();
      s3?.close();
      await presence.close();
      await mailer?.close();
      await searchIndex.close();
      await knex.destroy();
      await redisClients?.close();
    },
  };
}
