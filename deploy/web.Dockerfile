# syntax=docker/dockerfile:1
# The web service: the SPA built with Node, served by nginx, which also proxies /api (WebSocket
# included) to the api replicas. Built from the repository root (see docker-compose.yml).

# The build's output is plain files, so it runs on the build machine's platform.
FROM --platform=$BUILDPLATFORM node:22-slim AS build
# Playwright's browsers are for the end-to-end tests only.
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_cache=/cache/npm
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,target=/cache/npm npm ci --no-audit --no-fund
# openapi.yaml sits one level up, where the frontend's scripts expect it.
COPY openapi.yaml /src/
COPY frontend/ ./
RUN npm run build

FROM nginx:1.28-alpine AS runtime
COPY deploy/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/frontend/dist /usr/share/nginx/html
EXPOSE 8080
