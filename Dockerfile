# syntax=docker/dockerfile:1
# vip-arp-exporter image.
#   docker build -t vip-arp-exporter --build-arg REVISION=$(git rev-parse --short HEAD) .
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
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and the compiled code only --------------------------
FROM node:20-bookworm-slim AS runtime
ARG REVISION=unknown
ENV NODE_ENV=production \
    VIP_ARP_EXPORTER_REVISION=${REVISION}
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
# Simulated-segment scenarios for --sim.scenario /app/scenarios/NAME.yaml (demos, trials).
COPY scenarios ./scenarios
# Files stay owned by root and world-readable, so the image also runs under the arbitrary UID
# OpenShift assigns. 1000 is the base image's unprivileged "node" user (numeric, so that
# Kubernetes' runAsNonRoot can verify it).
USER 1000:1000
EXPOSE 9797
# No curl in the slim image: node does the GET. Assumes the default port 9797.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "require('http').get('http://127.0.0.1:9797/-/healthy',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1)).setTimeout(4000,()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["--config.file", "/etc/vip-arp-exporter/config.yml", "--web.listen-address", ":9797"]
