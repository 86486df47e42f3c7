-- pgbench script: one ledger transfer, the statements the generated PostgreSQL store runs for
-- POST /v1/transactions (template/internal/adapters/{% if database == 'postgres' %}postgres{%
-- endif %}/{% if preset == 'ledger' %}ledger.go{% endif %}.jinja), in its order, with the
-- balance rows locked in account order. Keep it in step with that file: it is the baseline of
-- the POST rows of bench/README.md.
--
-- Accounts 1..10 and the hot account 11 have the ids 00000000-0000-0000-0000-0000000000NN
-- (bench/run.py creates them). -D hot=1: every transfer credits account 11 and debits one of
-- 1..10; -D hot=0: two distinct accounts of 1..10. UUID order is the order of NN here, so
-- :lo/:hi are the balance rows in account order.
\set i random(1, 10)
\set j 1 + (:i + random(0, 8)) % 10
\if :hot
\set debit :i
\set credit 11
\else
\set debit :i
\set credit :j
\endif
\set lo least(:debit, :credit)
\set hi greatest(:debit, :credit)
\set key random(1, 9000000000000000000)
\set lo_debits case when :lo = :debit then 1 else 0 end
\set hi_debits case when :hi = :debit then 1 else 0 end
BEGIN ISOLATION LEVEL READ COMMITTED;
-- the idempotency key is not recorded yet
SELECT t.id, t.idempotency_key, t.request_hash, t.description, t.metadata, t.reversal_of, t.created_at
  FROM transactions t WHERE t.idempotency_key = 'pgbench-' || :client_id || '-' || :key;
SELECT id, code, currency, type, status, created_at FROM accounts
  WHERE id = ANY (ARRAY[('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid,
                        ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid]);
SELECT b.account_id, a.currency, a.type, b.debits, b.credits, b.version
  FROM balances b JOIN accounts a ON a.id = b.account_id
  WHERE b.account_id = ANY (ARRAY[('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid,
                                  ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid])
  ORDER BY b.account_id FOR UPDATE OF b;
-- one pipelined batch: the transaction and its two postings (pgx SendBatch)
\startpipeline
INSERT INTO transactions (id, idempotency_key, request_hash, description, metadata, reversal_of, created_at)
  VALUES (md5('pgbench-' || :client_id || '-' || :key)::uuid, 'pgbench-' || :client_id || '-' || :key,
          '\x00', 'bench', '{}', NULL, now());
INSERT INTO postings (transaction_id, position, account_id, direction, amount, currency)
  VALUES (md5('pgbench-' || :client_id || '-' || :key)::uuid, 0,
          ('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid, 'debit', 1, 'USD');
INSERT INTO postings (transaction_id, position, account_id, direction, amount, currency)
  VALUES (md5('pgbench-' || :client_id || '-' || :key)::uuid, 1,
          ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid, 'credit', 1, 'USD');
\endpipeline
-- one pipelined batch: the two balances, in account order
\startpipeline
UPDATE balances SET debits = debits + :lo_debits, credits = credits + 1 - :lo_debits,
                    version = version + 1, updated_at = now()
  WHERE account_id = ('00000000-0000-0000-0000-' || lpad(:lo::text, 12, '0'))::uuid;
UPDATE balances SET debits = debits + :hi_debits, credits = credits + 1 - :hi_debits,
                    version = version + 1, updated_at = now()
  WHERE account_id = ('00000000-0000-0000-0000-' || lpad(:hi::text, 12, '0'))::uuid;
\endpipeline
COMMIT;
