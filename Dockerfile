# The Pair-Up server: a static Go binary on a minimal base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pairup ./cmd/pairup

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pairup /usr/local/bin/pairup
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/pairup"]
CMD ["serve"]
