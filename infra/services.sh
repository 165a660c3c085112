#!/usr/bin/env bash
# Start PostgreSQL, Redis and RabbitMQ on this machine if they are down, then wait for each.
# Idempotent and quiet when everything already runs; exits non-zero naming what failed.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # name port seconds
  local i
  for ((i = 0; i < $3; i++)); do
    port_open "$2" && return 0
    sleep 1
  done
  echo "error: $1 did not come up on 127.0.0.1:$2" >&2
  return 1
}

status=0
if ! port_open 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  wait_for PostgreSQL 5432 60 || status=1
fi
if ! port_open 6379; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  wait_for Redis 6379 30 || status=1
fi
if ! port_open 5672; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached || true
  wait_for RabbitMQ 5672 90 || status=1
fi
exit $status
