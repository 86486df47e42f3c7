-- pgbench script: one ledger transfer, the statements the generated PostgreSQL store runs for
-- POST /v1/transactions (template/internal/adapters/{% if database == 'postgres' %}postgres{%
-- endif %}/{% if preset == 'ledger' %}ledger.go{% endif %}.jinja), in its order and in its
-- round trips: the two reads before the transaction, BEGIN with the balance rows locked in
-- account order and their reservations read, then the insert, the balance update and COMMIT
-- together. Keep it in step with that file: it is the baseline of the POST rows of
-- bench/README.md.
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
-- outside the transaction: the idempotency key is not recorded yet; the accounts
SELECT t.id, t.idempotency_key, t.request_hash, t.description, t.metadata, t.reversal_of,
       t.status, t.created_at, t.expires_at,
       CASE WHEN t.status = 'posted' THEN COALESCE(t.posted_at, t.created_at) END, t.voided_at
  FROM transactions t WHERE t.idempotency_key = 'pgbench-' || :client_id || '-' || :key;
SELECT id, code, currency, type, status, allow_overdraft, created_at FROM accounts
  WHERE id = ANY (ARRAY[('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid,
                        ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid]);
-- one round trip: BEGIN, the balance rows locked in account order, then their reservations
\startpipeline
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT b.account_id, a.currency, a.type, b.debits, b.credits, b.version
  FROM balances b JOIN accounts a ON a.id = b.account_id
  WHERE b.account_id = ANY (ARRAY[('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid,
                                  ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid])
  ORDER BY b.account_id FOR UPDATE OF b;
SELECT account_id,
       COALESCE(SUM(amount) FILTER (WHERE direction = 'debit'), 0)::bigint,
       COALESCE(SUM(amount) FILTER (WHERE direction = 'credit'), 0)::bigint,
       MIN(expires_at)
  FROM pending_postings
  WHERE account_id = ANY (ARRAY[('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid,
                                ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid])
    AND expires_at > now()
  GROUP BY account_id;
\endpipeline
-- one round trip: the transaction with its postings, the balances, COMMIT
\startpipeline
WITH t AS (
  INSERT INTO transactions (id, idempotency_key, request_hash, description, metadata, reversal_of,
                            status, created_at, expires_at, posted_at)
  VALUES (md5('pgbench-' || :client_id || '-' || :key)::uuid, 'pgbench-' || :client_id || '-' || :key,
          '\x00', 'bench', '{}', NULL, 'posted', now(), NULL, now())
), p AS (
  INSERT INTO postings (transaction_id, position, account_id, direction, amount, currency)
  SELECT md5('pgbench-' || :client_id || '-' || :key)::uuid, p.ordinality - 1, p.account_id, p.direction, p.amount, p.currency
    FROM unnest(ARRAY[('00000000-0000-0000-0000-' || lpad(:debit::text, 12, '0'))::uuid,
                      ('00000000-0000-0000-0000-' || lpad(:credit::text, 12, '0'))::uuid],
                ARRAY['debit', 'credit'], ARRAY[1, 1]::bigint[], ARRAY['USD', 'USD'])
         WITH ORDINALITY AS p (account_id, direction, amount, currency, ordinality)
  RETURNING position, account_id, direction, amount
)
INSERT INTO pending_postings (transaction_id, position, account_id, direction, amount, expires_at)
SELECT md5('pgbench-' || :client_id || '-' || :key)::uuid, p.position, p.account_id, p.direction, p.amount, NULL
  FROM p WHERE 'posted' = 'pending';
UPDATE balances b
   SET debits = b.debits + n.debits, credits = b.credits + n.credits, version = b.version + 1, updated_at = now()
  FROM unnest(ARRAY[('00000000-0000-0000-0000-' || lpad(:lo::text, 12, '0'))::uuid,
                    ('00000000-0000-0000-0000-' || lpad(:hi::text, 12, '0'))::uuid],
              ARRAY[:lo_debits, :hi_debits]::bigint[], ARRAY[1 - :lo_debits, 1 - :hi_debits]::bigint[])
       AS n (account_id, debits, credits)
 WHERE b.account_id = n.account_id;
COMMIT;
\endpipeline
