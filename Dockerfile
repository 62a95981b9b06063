# The production image, made the way test/e2e/artifact.test.ts makes and checks the artefact:
# build dist/ with the dev dependencies, then a clean directory with only dist/, package.json,
# package-lock.json and production dependencies (`npm ci --omit=dev`), running `node dist/main.js`
# (what `npm run start:prod` runs).
#
#   docker build -t calendar-gateway .
#   docker run --rm -p 4000:4000 --env-file .env calendar-gateway
#
# NODE_ENV=production: the gateway refuses to start without caller auth, Wix credentials and a
# protected /metrics (README: "Production start rules"). `-e NODE_ENV=development` runs it on the
# embedded emulator instead.
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY schema/ schema/
COPY client/operations/ client/operations/
COPY scripts/ scripts/
COPY src/ src/
# graphql-codegen, then scripts/build.ts: the compiled code and dist/assets/ (SDL, operations, pages).
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/ dist/
# The image's files stay root's; the process only reads them.
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1: SIGTERM reaches the gateway, which drains and exits 0.
CMD ["node", "dist/main.js"]
