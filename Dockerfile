# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the full dependency set.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies, compiled code, templates and manifests only.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY templates ./templates
COPY manifests ./manifests
# The image's built-in unprivileged user; the Deployment also pins uid 65532 and a read-only root.
RUN groupadd --system --gid 65532 meshgate && useradd --system --uid 65532 --gid 65532 --no-create-home meshgate
USER 65532:65532
EXPOSE 9443
ENTRYPOINT ["node", "/app/dist/main.js"]
CMD ["serve"]
