-- +goose Up
CREATE TABLE accounts (
    id         uuid        PRIMARY KEY,
    code       text        NOT NULL,
    currency   text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    type       text        NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    status     text        NOT NULL CHECK (status IN ('active', 'closed')),
    created_at timestamptz NOT NULL,
    CONSTRAINT accounts_code_key UNIQUE (code)
);

-- One row per account, created with it. version is the optimistic lock:
-- every update is conditional on it and increments it.
CREATE TABLE balances (
    account_id uuid        PRIMARY KEY REFERENCES accounts (id),
    debits     bigint      NOT NULL DEFAULT 0 CHECK (debits >= 0),
    credits    bigint      NOT NULL DEFAULT 0 CHECK (credits >= 0),
    version    bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE balances;
DROP TABLE accounts;
