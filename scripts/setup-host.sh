#!/usr/bin/env bash
# Installs or starts what Director (or its tests) needs, only when it is missing, and says what it did.
# Debian 12, as root. Flags: --npm --nginx --docker (with busybox-static and debootstrap for base images,
# openssh-sftp-server for sftp into sites, and docker-registry for images on several nodes) --postgres --tools
# (wrk) --ssh (the OpenSSH client and sshpass, for the SSH tests) --web (builds the web interface when missing or
# out of date) --browser (chromium, for the browser tests) --acme (pebble, the test ACME server, with
# pebble-challtestsrv; openssl for test certificates)
# --database-tools (Debian's postgresql-client, pg_dump and pg_restore 15, for exports and imports of site databases,
# when no pg_dump 15 or newer is here) --redis (a Redis server on 127.0.0.1:6379, for the login limits managers share)
# Idempotent: a second run on a ready machine does nothing but check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
say() { printf '[setup] %s\n' "$*" >&2; }

apt_updated=""
apt_install() {
  if [ "$(id -u)" != 0 ]; then say "need root to install: $*"; exit 1; fi
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  say "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_npm() {
  # Reinstall when node_modules is missing or older than the lock file.
  if [ ! -f "$root/node_modules/.package-lock.json" ] || [ "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]; then
    say "installing npm packages"
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || apt_install nginx-light
  # Debian starts a system nginx on port 80 after install; Director runs its own, so leave that one alone.
}

# Site processes must not gain privileges through setuid programs. Docker 20.10 ignores the per-service setting
# (Privileges.NoNewPrivileges needs Engine API 1.46), so the daemon-wide default is set instead. It takes effect when
# dockerd starts: a dockerd already running without it is left alone (restart it to apply), with a warning.
ensure_docker_no_new_privileges() {
  local conf=/etc/docker/daemon.json
  if [ -f "$conf" ] && grep -q '"no-new-privileges"[[:space:]]*:[[:space:]]*true' "$conf"; then return 0; fi
  mkdir -p /etc/docker
  if [ -f "$conf" ]; then
    node -e 'const fs=require("fs");const p=process.argv[1];const c=JSON.parse(fs.readFileSync(p,"utf8")||"{}");c["no-new-privileges"]=true;fs.writeFileSync(p,JSON.stringify(c,null,2)+"\n")' "$conf"
  else
    printf '{\n  "no-new-privileges": true\n}\n' > "$conf"
  fi
  say "set no-new-privileges in $conf"
  if docker info >/dev/null 2>&1; then
    say "dockerd is already running: restart it to apply no-new-privileges to site processes"
  fi
}

ensure_docker() {
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  # Base images are made locally (no registry): busybox-static for the small one, debootstrap for Debian's.
  [ -x /bin/busybox ] || apt_install busybox-static
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || apt_install debootstrap
  # sftp and scp into a site run OpenSSH's sftp-server, copied from this machine into a small image.
  [ -x /usr/lib/openssh/sftp-server ] || apt_install openssh-sftp-server
  # Several nodes get site images from a registry; the tests run Debian's (distribution 2.8) on a loopback port.
  # Its package also starts a system registry on :5000, which Director does not use: stopped, and left installed.
  if ! command -v docker-registry >/dev/null 2>&1; then
    apt_install docker-registry
    pkill -x docker-registry 2>/dev/null || true
  fi
  ensure_docker_no_new_privileges
  if ! docker info >/dev/null 2>&1; then
    say "starting dockerd"
    mkdir -p /var/log
    nohup dockerd >/var/log/director-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { say "dockerd did not start; see /var/log/director-dockerd.log"; exit 1; }
  fi
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)" != "active" ]; then
    say "initialising Docker Swarm"
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
  fi
}

pg_ready() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
ensure_postgres() {
  # Tests use a PostgreSQL server on 127.0.0.1:5432 (the developers' and CI machines run one already).
  pg_ready && return 0
  command -v pg_ctlcluster >/dev/null 2>&1 || apt_install postgresql
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 40); do pg_ready && break; sleep 0.5; done
  pg_ready || { say "PostgreSQL did not start on 127.0.0.1:5432"; exit 1; }
}

redis_ready() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }
ensure_redis() {
  # Tests of what managers share use a Redis server on 127.0.0.1:6379 (the developers' and CI machines run one).
  redis_ready && return 0
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  say "starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 40); do redis_ready && break; sleep 0.25; done
  redis_ready || { say "Redis did not start on 127.0.0.1:6379"; exit 1; }
}

rabbitmq_ready() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
ensure_rabbitmq() {
  # Tests of operations over a broker use RabbitMQ on 127.0.0.1:5672 with guest/guest (the developers' and CI
  # machines run one), and restart it with rabbitmqctl.
  rabbitmq_ready && command -v rabbitmqctl >/dev/null 2>&1 && return 0
  command -v rabbitmq-server >/dev/null 2>&1 || apt_install rabbitmq-server
  rabbitmq_ready && return 0
  say "starting RabbitMQ"
  service rabbitmq-server start >/dev/null 2>&1 || rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 120); do rabbitmq_ready && break; sleep 0.5; done
  rabbitmq_ready || { say "RabbitMQ did not start on 127.0.0.1:5672"; exit 1; }
  rabbitmqctl await_startup >/dev/null
}

# The major of the pg_dump at $1 ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" gives 15), or nothing.
pg_dump_major() { "$1" --version 2>/dev/null | sed -n 's/^pg_dump (PostgreSQL) \([0-9][0-9]*\).*/\1/p'; }

ensure_database_tools() {
  # The orchestrator exports a PostgreSQL site database with a pg_dump at or above the server's major (pg_dump cannot
  # dump a newer server) and imports it with pg_restore. director up's own host runs PostgreSQL 15, so any pg_dump 15
  # or newer does; Debian 12's postgresql-client is 15. Debian keeps each major's tools in /usr/lib/postgresql/<major>.
  local tool major
  for tool in /usr/lib/postgresql/*/bin/pg_dump "$(command -v pg_dump || true)"; do
    [ -x "$tool" ] || continue
    major="$(pg_dump_major "$tool")"
    if [ -n "$major" ] && [ "$major" -ge 15 ]; then return 0; fi
  done
  apt_install postgresql-client
}

ensure_web() {
  # The manager serves apps/manager-web/dist; build it when it is missing or older than any of its sources.
  local web="$root/apps/manager-web"
  if [ ! -f "$web/dist/index.html" ] || [ -n "$(find "$web/src" "$web/index.html" "$web/vite.config.ts" "$web/package.json" \
      -newer "$web/dist/index.html" -print -quit)" ]; then
    say "building the web interface"
    (cd "$root" && node_modules/.bin/vite build apps/manager-web --logLevel warn)
  fi
}

ensure_browser() {
  # Browser tests drive Debian's chromium with playwright-core (no browser download).
  [ -x /usr/bin/chromium ] || apt_install chromium
}

ensure_acme() {
  # ACME tests issue real certificates from pebble, a test CA; Debian's package ships both programs.
  if ! command -v pebble >/dev/null 2>&1 || ! command -v pebble-challtestsrv >/dev/null 2>&1; then
    apt_install pebble
  fi
  # The TLS tests make their own test CA and certificates with the openssl command.
  command -v openssl >/dev/null 2>&1 || apt_install openssl
}

ensure_ssh() {
  # The SSH tests log in with the real client (ssh, sftp, scp), the password given by sshpass.
  command -v ssh >/dev/null 2>&1 && command -v sftp >/dev/null 2>&1 || apt_install openssh-client
  command -v sshpass >/dev/null 2>&1 || apt_install sshpass
  # A terminal window whose size changes (e2e/support/pty-session.py) is made with Python's pty module.
  command -v python3 >/dev/null 2>&1 || apt_install python3
}

ensure_tools() {
  command -v wrk >/dev/null 2>&1 || apt_install wrk
}

for flag in "$@"; do
  case "$flag" in
    --npm) ensure_npm ;;
    --nginx) ensure_nginx ;;
    --docker) ensure_docker ;;
    --postgres) ensure_postgres ;;
    --redis) ensure_redis ;;
    --rabbitmq) ensure_rabbitmq ;;
    --database-tools) ensure_database_tools ;;
    --tools) ensure_tools ;;
    --ssh) ensure_ssh ;;
    --web) ensure_web ;;
    --browser) ensure_browser ;;
    --acme) ensure_acme ;;
    *) say "unknown flag $flag"; exit 2 ;;
  esac
done
