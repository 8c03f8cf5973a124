# syntax=docker/dockerfile:1
# The messenger server image: TypeScript server + web client built here, production dependencies only at run time.
#   docker build -t messenger-server .
#   docker run --env-file .env -p 8080:8080 messenger-server
# Same start command as outside a container: NODE_ENV=production node dist/server/main.js (after npm run build).

ARG NODE_IMAGE=node:24-slim

# ---- base: Node 24 LTS with the npm this project's lockfile and allowScripts are maintained with ----------------
FROM ${NODE_IMAGE} AS base
WORKDIR /app
# npm 11.19 runs dependency install scripts only for packages approved in package.json "allowScripts"
# (bcrypt, better-sqlite3, esbuild). Pinning it makes `npm ci` below behave the same as on developer machines
# whatever npm the base image ships. Electron's binary is never needed in the image.
ARG NPM_VERSION=11.19.1
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
RUN npm install -g "npm@${NPM_VERSION}" && npm --version

# ---- toolchain for native modules (better-sqlite3 compiles when no prebuilt binary matches; bcrypt ships prebuilds)
FROM base AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# ---- build: all dependencies, then `npm run build` (server to dist/; it also builds the web client once the
# ---- renderer's build is part of it: the web bundle lands in renderer/dist, which the server serves at /)
FROM toolchain AS build
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && mkdir -p renderer/dist

# ---- prod-deps: production dependencies only, native modules built for this image's Node -------------------------
FROM toolchain AS prod-deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# ---- runtime --------------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
# package.json: "type": "module" for dist/, and the version reported by /api/health.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/renderer/dist ./renderer/dist
# The app files stay root-owned (read-only to the server); only DATA_DIR is writable, by the unprivileged `node` user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Operator commands in the same image: node dist/server/cli/migrate.js --status, node dist/server/cli/admin.js ...
CMD ["node", "dist/server/main.js"]
