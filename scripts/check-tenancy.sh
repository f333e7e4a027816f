#!/usr/bin/env bash
# Tenancy lock 3: feature code reaches tenant data only through the TenantContext's TenantDatabase.
# Fails when code under Sources/App/Features touches a request's or application's database, or builds a
# Fluent query by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='\b(req|request|app|application)\.db\b|\.query\(on:|\.find\([^)]*,[[:space:]]*on:|\.(save|create|update|delete)\(on:'
if hits=$(grep -rnE "$pattern" Sources/App/Features); then
    echo "Feature code reaches the database around the tenant wrapper (use context.db):"
    echo "$hits"
    exit 1
fi
echo "tenancy check: Sources/App/Features reaches tenant data only through TenantDatabase"
