-- +goose Up
-- Posted transactions are immutable: the service only ever inserts them.
CREATE TABLE transactions (
    id              uuid        PRIMARY KEY,
    idempotency_key text        NOT NULL,
    request_hash    bytea       NOT NULL,
    description     text        NOT NULL,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    reversal_of     uuid        REFERENCES transactions (id),
    created_at      timestamptz NOT NULL,
    CONSTRAINT transactions_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT transactions_reversal_of_key UNIQUE (reversal_of)
);

CREATE INDEX transactions_created_at_id_idx ON transactions (created_at DESC, id DESC);

CREATE TABLE postings (
    transaction_id uuid   NOT NULL REFERENCES transactions (id),
    position       int    NOT NULL,
    account_id     uuid   NOT NULL REFERENCES accounts (id),
    direction      text   NOT NULL CHECK (direction IN ('debit', 'credit')),
    amount         bigint NOT NULL CHECK (amount > 0),
    currency       text   NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    PRIMARY KEY (transaction_id, position)
);

CREATE INDEX postings_account_id_idx ON postings (account_id, transaction_id);

-- +goose Down
DROP TABLE postings;
DROP TABLE transactions;
