# syntax=docker/dockerfile:1
# The Pair-Up server: a static Go binary on a minimal base. `pairup serve` applies the migrations
# (several replicas may start at once: they take turns on an advisory lock), then serves the API.
# The SPA is not in this image: the web service (deploy/web.Dockerfile) serves it.

# Pure Go, so it compiles on the build machine's platform for whichever platform is the target.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
ARG TARGETOS TARGETARCH
ENV GOCACHE=/cache/go-build
WORKDIR /src
COPY . .
# The module and build caches outlive the layer: a rebuild after a code change downloads nothing
# and recompiles only what changed.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/pairup ./cmd/pairup

# Nothing but the binary and the CA certificates and time zones it may need: no shell, no
# package manager; runs as an unprivileged user.
FROM scratch AS runtime
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /out/pairup /usr/local/bin/pairup
USER 65532:65532
ENV PAIRUP_ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/pairup"]
CMD ["serve"]
