# syntax=docker/dockerfile:1

# Build: a static binary (no cgo), version stamped in.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X movieapi/internal/app.version=${VERSION}" \
      -o /out/movieapi ./cmd/movieapi

# Run: nothing but the binary (migrations and pages are embedded), as a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/movieapi /movieapi
USER nonroot
EXPOSE 3000
ENV API_BIND_ADDR=0.0.0.0:3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["/movieapi", "healthcheck"]
ENTRYPOINT ["/movieapi"]
CMD ["serve"]
