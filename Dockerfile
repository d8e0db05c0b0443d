# syntax=docker/dockerfile:1
# Panel klienta: multi-stage build (cargo-chef caches the dependency layer),
# distroless runtime, non-root numeric user, data volume at /data.
# Build: docker build -t panel .
# Run:   docker run -p 8080:8080 -v panel-data:/data panel

FROM rust:1.95-slim-bookworm AS chef
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /app

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /app/recipe.json recipe.json
# Dependencies only: this layer stays cached until Cargo.toml/Cargo.lock change.
RUN cargo chef cook --release --recipe-path recipe.json --bin panel
COPY . .
# The empty data directory, owned by the runtime user, is staged under /rootfs
# so that COPY --chown below also sets the owner of the directory itself.
RUN cargo build --release --bin panel \
    && mkdir -p /rootfs/data \
    && chown 65532:65532 /rootfs/data \
    && chmod 0700 /rootfs/data

FROM gcr.io/distroless/cc-debian12:nonroot AS runtime
COPY --from=builder /app/target/release/panel /usr/local/bin/panel
COPY --from=builder --chown=65532:65532 /rootfs/ /
USER 65532:65532
ENV PANEL_DATA_DIR=/data PANEL_LISTEN=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/panel", "health"]
ENTRYPOINT ["/usr/local/bin/panel"]
CMD ["serve"]
