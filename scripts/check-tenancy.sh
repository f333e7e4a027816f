#!/usr/bin/env bash
# Tenancy lock 3: code reaches tenant data only through a TenantContext's TenantDatabase.
#
# Scans all of Sources/App except Tenancy/ (the tenant door itself) and Migrations/ (schema changes). It fails on
# any line that reaches a database around the tenant wrapper: a request's or application's database, a Fluent
# query or write built by hand, a cast to SQLDatabase, the wrapper's unscoped database, or a tenant database for
# an id of the caller's choosing. Infrastructure that owns tables no tenant owns (jobs, the mail outbox, rate
# limits, the transactor, the command line acting for the operator) marks each such line with
# `// tenancy: <why>` on the line above; code under Features/ may never use the mark.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='(^|[^A-Za-z0-9_])(req|request|app|application)\.db([^A-Za-z0-9_]|$)|\.query\(on:|\.find\([^)]*,[[:space:]]*on:|\.(save|create|update|delete)\(on:|unscopedDatabase|as[!?] any SQLDatabase|\.db\.db([^A-Za-z0-9_]|$)|tenantDatabase\('
status=0
# A hit passes only when the line above it carries the mark.
if hits=$(find Sources/App -name '*.swift' -not -path '*/Tenancy/*' -not -path '*/Migrations/*' -print0 \
    | PATTERN="$pattern" xargs -0 awk '
        $0 ~ ENVIRON["PATTERN"] && previous !~ /\/\/ tenancy: / { print FILENAME ":" FNR ": " $0 }
        { previous = $0 }' | grep .); then
    echo "Code reaches the database around the tenant wrapper (use context.db, or mark infrastructure with '// tenancy: why'):"
    echo "$hits"
    status=1
fi
if marked=$(grep -rn '// tenancy: ' Sources/App/Features); then
    echo "Feature code may not opt out of the tenancy check:"
    echo "$marked"
    status=1
fi
[ "$status" = 0 ] || exit 1
count=$(grep -rn '// tenancy: ' Sources/App --include='*.swift' --exclude-dir=Tenancy --exclude-dir=Migrations | wc -l)
echo "tenancy check: Sources/App (but Tenancy/, Migrations/) reaches tenant data only through TenantDatabase;" \
    "$count infrastructure lines marked"
