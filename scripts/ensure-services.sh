#!/bin/sh
# In CI (CI=true) the suite runs on PostgreSQL and Redis for real. Start them when they
# are down (this machine kind's own commands), and fail loudly when they can't be reached.
set -eu
[ "${CI:-}" = "true" ] || exit 0

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
  for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 || { echo "FATAL: PostgreSQL at 127.0.0.1:5432 cannot be reached" >&2; exit 1; }
# The suite's own test database is created by Django; this one is for manage.py checks.
psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = 'ipcity'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "create database ipcity" >/dev/null

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is down; starting it"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for i in 1 2 3 4 5; do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "FATAL: Redis at 127.0.0.1:6379 cannot be reached" >&2; exit 1; }
echo "CI services: PostgreSQL and Redis are up"
