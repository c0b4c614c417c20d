# syntax=docker/dockerfile:1
# Wijkwijzer, the Telegram bot, in a container (see README.md, "Deployment").
#
#   docker build -t wijkwijzer .
#   docker run -d --env-file .env -v wijkwijzer-data:/data wijkwijzer
#
# or `docker compose up -d` with compose.yaml. The dependencies come from requirements.lock with
# their hashes checked; the database and its key file live on the volume /data.

ARG PYTHON_IMAGE=python:3.12-slim-trixie

# --- build: a virtualenv with the locked dependencies and the wheel of this project ---
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/wijkwijzer
COPY requirements.lock ./
RUN /opt/wijkwijzer/bin/pip install --no-cache-dir --require-hashes --only-binary=:all: \
        -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
# --no-deps: everything it needs is installed from the lock above.
RUN /opt/wijkwijzer/bin/pip install --no-cache-dir --no-deps . \
    && /opt/wijkwijzer/bin/wijkwijzer --version

# --- run: the same base image, the virtualenv, an unprivileged user ---
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="Wijkwijzer" \
      org.opencontainers.image.description="Telegram bot that tells school staff which partner in the wijk to involve" \
      org.opencontainers.image.licenses="EUPL-1.2"
RUN groupadd --system --gid 10001 wijkwijzer \
    && useradd --system --uid 10001 --gid wijkwijzer --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin wijkwijzer \
    && install -d -o wijkwijzer -g wijkwijzer -m 0700 /data
COPY --from=build /opt/wijkwijzer /opt/wijkwijzer
ENV PATH=/opt/wijkwijzer/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WIJKWIJZER_DB=/data/wijkwijzer.sqlite3 \
    MPLCONFIGDIR=/tmp/matplotlib
# numeric, so that a runtime (Kubernetes runAsNonRoot too) can tell it is not root
USER 10001:10001
WORKDIR /data
# The SQLite file, its -wal/-shm files and the log key (<db>.key) stay here across upgrades.
VOLUME ["/data"]
# Only used in webhook mode: `run --webhook URL --listen 0.0.0.0 --port 8443`.
EXPOSE 8443
# Cheap and read-only: the database on the volume opens and carries a schema version (the bot
# creates and upgrades it at start). Replace by `wijkwijzer health` once that command exists.
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 \
    CMD ["wijkwijzer", "health"]
# SIGTERM (docker stop) answers the updates already fetched, writes the counts, closes the file.
STOPSIGNAL SIGTERM
ENTRYPOINT ["wijkwijzer"]
CMD ["run"]
