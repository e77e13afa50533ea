# syntax=docker/dockerfile:1
# vip-arp-exporter image.
#   docker build -t vip-arp-exporter --build-arg REVISION=$(git rev-parse --short=12 HEAD) \
#     --build-arg BRANCH=$(git rev-parse --abbrev-ref HEAD) .
#   docker run -d -p 9797:9797 \
#     -v /srv/vip-arp/config.yml:/etc/vip-arp-exporter/config.yml:ro \
#     -v /srv/vip-arp/ssh:/etc/vip-arp-exporter/ssh:ro \
#     -v /srv/vip-arp/remediate:/etc/vip-arp-exporter/remediate:ro \
#     vip-arp-exporter
# Config and secrets are mounted files: the config's *_file keys point into the mounts.
# Without arguments it reads /etc/vip-arp-exporter/config.yml; demo mode on the built-in
# simulated segment: docker run -p 9797:9797 vip-arp-exporter --web.listen-address :9797
# or on a shipped scenario (scenarios/ is in the image):
#   docker run -p 9797:9797 vip-arp-exporter --sim.scenario /app/scenarios/example.yaml --web.listen-address :9797

# --- build: all dependencies, compile TypeScript ------------------------------------------
FROM node:24-bookworm-slim AS build
# No .git in the context: the build records these for --version (dist/build-info.json).
ARG REVISION=unknown
ARG BRANCH=unknown
ARG BUILD_DATE=
ENV VIP_ARP_EXPORTER_REVISION=${REVISION} \
    VIP_ARP_EXPORTER_BRANCH=${BRANCH} \
    VIP_ARP_EXPORTER_BUILD_DATE=${BUILD_DATE}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

# --- runtime: production dependencies and the compiled code only --------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/build-info.json ./dist/build-info.json
# Simulated-segment scenarios for --sim.scenario /app/scenarios/NAME.yaml (demos, trials).
COPY scenarios ./scenarios
# Files stay owned by root and world-readable, so the image also runs under the arbitrary UID
# OpenShift assigns. 1000 is the base image's unprivileged "node" user (numeric, so that
# Kubernetes' runAsNonRoot can verify it).
USER 1000:1000
EXPOSE 9797
# GET /-/healthy over HTTP, or over HTTPS with basic auth as the web config says. With TLS or
# basic auth, give the web config through VIP_ARP_WEB_CONFIG_FILE (the exporter reads it too,
# no --web.config.file needed) and, with basic auth, a password file through
# VIP_ARP_HEALTHCHECK_PASSWORD_FILE; on another port, set VIP_ARP_WEB_LISTEN_ADDRESS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "dist/src/cli.js", "healthcheck", "--timeout", "4s"]
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["--config.file", "/etc/vip-arp-exporter/config.yml", "--web.listen-address", ":9797"]
