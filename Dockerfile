# jetmq container: a single binary built with `bun build --compile`,
# run on Debian slim as an unprivileged user.
#   docker build -t jetmq .
#   docker run -p 1883:1883 -v jetmq-data:/data jetmq

FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN npm install -g bun@1
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY main.ts ./
COPY src ./src
RUN bun build --compile --minify --sourcemap main.ts --outfile /out/jetmq \
  && /out/jetmq version

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data jetmq \
  && mkdir -p /data && chown jetmq /data
COPY --from=build /out/jetmq /usr/local/bin/jetmq
USER jetmq
VOLUME /data
# MQTT, MQTT over TLS, MQTT over WebSocket.
EXPOSE 1883 8883 8080
ENTRYPOINT ["/usr/local/bin/jetmq"]
CMD ["serve", "--data", "/data"]
