# Guidebot as a container: a build stage with the development dependencies compiles TypeScript to
# dist/ and prunes them away; the runtime stage holds the production dependencies, dist/ and the
# guides, runs as the unprivileged `node` user (uid 1000), and starts the bot with node itself (PID 1's direct
# child under `docker run --init` / compose's `init: true`; as PID 1 it still stops on SIGTERM).
# test/deploy/recipe.test.ts runs these steps in a clean folder, so keep them plain RUN/COPY lines.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and hnswlib-node compile their native code when no prebuilt binary fits. The
# compilers come from the base image's Debian release, which fixes their versions.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
# onnxruntime-node's install script only downloads GPU (CUDA) files; its CPU binaries ship in the
# package. npm 11.16 and later skip it (allowScripts in package.json); older npm needs this.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/build.mjs
COPY src src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HEALTH_PORT=8080 \
    HEALTH_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY corpus corpus
# The database, the search index and the models live in volumes the bot must be able to write.
RUN mkdir -p data embeddings models && chown 1000:1000 data embeddings models
# The image's `node` user, by number so that runAsNonRoot-style checks can verify it.
USER 1000:1000
VOLUME ["/app/data", "/app/embeddings", "/app/models"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
