#!/usr/bin/env bash
# Serve the app on one port (frontend + backend) with the job consumer beside it.
# The consumer stops when the app stops.
set -euo pipefail
port="${1:-3000}"
cd "$(dirname "$0")/.."
# Links in e-mails and payment redirects point here unless BASE_URL says otherwise.
export BASE_URL="${BASE_URL:-http://localhost:$port}"
# A BASE_URL naming another address sends payment returns and e-mail links elsewhere: say so now.
.venv/bin/python -m ticketapp check-base-url "$port"
# The job consumer runs at a lower priority: in an on-sale rush the buyers' pages get the CPU first and
# tickets and mails follow moments later (fulfilment is recorded as due, so nothing waits forever).
nice -n 10 .venv/bin/python -m ticketapp worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/reflex run --env prod --frontend-port "$port"
