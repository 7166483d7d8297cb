# syntax=docker/dockerfile:1
# The opayo-kashflow service: the `opayo-kashflow` command line, run as a non-root user.
# Build from a clone: docker build -t opayo-kashflow . (docs/deployment.md).
# The build stage builds the packages and packs them as a user receives them (the same tarballs
# scripts/check-packages.mjs checks), then installs those tarballs and the store drivers with npm
# into /app. Only /app reaches the runtime image: no compiler, no pnpm, no sources.

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-slim AS build
# better-sqlite3 compiles from source where no prebuilt binary can be downloaded: the tools it
# needs stay in this stage.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# pnpm 10 from npm (corepack's signature check fails on some machines; npm does not need it).
RUN npm install -g pnpm@10
WORKDIR /src
# The lockfile alone first, so the dependency download is cached until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
# --ignore-scripts: the workspace's own better-sqlite3 (a dev dependency) is not needed to build.
RUN pnpm install --offline --frozen-lockfile --ignore-scripts \
  && pnpm build \
  && node scripts/pack-packages.mjs /packs
WORKDIR /app
RUN npm init -y > /dev/null \
  && npm install --omit=dev --no-audit --no-fund /packs/*.tgz better-sqlite3@^12 pg@^8 \
  && npm cache clean --force

FROM node:${NODE_VERSION}-slim
ENV NODE_ENV=production \
  PATH=/app/node_modules/.bin:$PATH
# A dedicated system user with no shell and no password; it owns only /data.
RUN groupadd --system opayo-kashflow \
  && useradd --system --gid opayo-kashflow --home-dir /data --shell /usr/sbin/nologin opayo-kashflow \
  && mkdir -p /data /config \
  && chown opayo-kashflow:opayo-kashflow /data
COPY --from=build /app /app
# The SQLite file, when the config uses SQLite (`"store": { "sqlite": "/data/opayo-kashflow.db" }`);
# the config file is mounted read-only at /config, secrets come from the environment.
VOLUME /data
WORKDIR /data
USER opayo-kashflow
# server.port in the config; the admin listener (server.admin) stays on loopback.
EXPOSE 8080
# /health answers 200 while money moves and 503 when it stops (docs/monitoring.md). The slim image
# has no curl: Node's own fetch asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["opayo-kashflow"]
CMD ["serve", "--config", "/config/opayo-kashflow.config.json"]
