# syntax=docker/dockerfile:1
# meshgate's image, built from the npm package: the build stage packs the package exactly as
# `npm publish` would (npm pack), the install stage installs that tarball's production
# dependencies at the versions package-lock.json pins, and the final stage is distroless
# Node.js 24: no shell, no npm, uid 65532. Base images are pinned by digest; refreshing them is
# a release step (docs/releasing.md).

# Build: compile TypeScript and pack the npm package.
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY templates ./templates
COPY manifests ./manifests
COPY README.md LICENSE ./
RUN npm pack --pack-destination /pkg && mv /pkg/meshgate-*.tgz /pkg/meshgate.tgz

# Install: the packed package and its production dependencies, as the lockfile pins them.
FROM node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS install
WORKDIR /app
COPY --from=build /pkg/meshgate.tgz /tmp/meshgate.tgz
COPY package-lock.json /tmp/package-lock.json
RUN tar -xzf /tmp/meshgate.tgz --strip-components=1 -C /app \
 && cp /tmp/package-lock.json /app/package-lock.json \
 && npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
 && rm /app/package-lock.json \
 && /app/bin/meshgate.js --help > /dev/null

# Run: distroless Node.js 24 (no shell, no package manager), as the nonroot user 65532, which the
# Deployment also pins together with a read-only root filesystem.
FROM gcr.io/distroless/nodejs24-debian12:nonroot@sha256:14d42e2511532589a7c7e01a753667a74fcc96266e137e8125006b87b0c32d0a
ENV NODE_ENV=production
WORKDIR /app
COPY --from=install /app /app
USER 65532:65532
EXPOSE 9443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/main.js"]
CMD ["serve"]
