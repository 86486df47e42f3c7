"""Schemathesis hooks for fuzzing a generated ledger against its served OpenAPI document.

Loaded by `st run` through SCHEMATHESIS_HOOKS. GOGEN_FUZZ_FIXTURES names a JSON file with the
ids of real accounts and transactions (posted ones, and pending ones to post or void), so that
some generated requests reach the business rules instead of stopping at "not found". A
generated value is replaced only where it is already a valid UUID, so a negative case (a
malformed id) stays negative.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import schemathesis

FIXTURES: dict[str, Any] = json.loads(Path(os.environ["GOGEN_FUZZ_FIXTURES"]).read_text())
CHOOSER = random.Random(0)
# The statement operations draw from their own generator, so adding them leaves the draws of
# the other operations (and what a given seed exercises there) as they were.
STATEMENT_CHOOSER = random.Random(1)


def is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def real(kind: str, value: object, chooser: random.Random = CHOOSER) -> object:
    """Three times in four, a valid UUID becomes the id of a real account, transaction, rate,
    conversion or statement."""
    ids = FIXTURES.get(kind)
    if isinstance(ids, dict):
        ids = list(ids.values())
    if is_uuid(value) and ids and chooser.random() < 0.75:
        return chooser.choice(ids)
    return value


@schemathesis.hook
def map_body(ctx: Any, body: Any) -> Any:
    if ctx.operation.path == "/v1/conversions" and isinstance(body, dict):
        for field in ("source_account_id", "destination_account_id"):
            if field in body:
                body[field] = real("accounts", body[field])
        if "rate_id" in body and is_uuid(body["rate_id"]) and CHOOSER.random() < 0.75:
            body["rate_id"] = CHOOSER.choice(list(FIXTURES["rates"].values()))
    if ctx.operation.path == "/v1/transactions" and isinstance(body, dict):
        postings = body.get("postings")
        if isinstance(postings, list):
            for posting in postings:
                if isinstance(posting, dict) and "account_id" in posting:
                    posting["account_id"] = real("accounts", posting["account_id"])
    return body


@schemathesis.hook
def map_path_parameters(ctx: Any, path_parameters: Any) -> Any:
    if isinstance(path_parameters, dict) and "id" in path_parameters:
        path = ctx.operation.path
        if path.startswith("/v1/accounts"):
            kind = "accounts"
        elif path.startswith("/v1/fx/rates"):
            kind = "rates"
        elif path.startswith("/v1/conversions"):
            kind = "conversions"
        elif path.startswith("/v1/statements"):
            kind = "statements"
        elif path.endswith(("/post", "/void")):
            kind = "pending"
        else:
            kind = "transactions"
        chooser = STATEMENT_CHOOSER if "statements" in path else CHOOSER
        path_parameters["id"] = real(kind, path_parameters["id"], chooser)
    return path_parameters


@schemathesis.hook
def map_query(ctx: Any, query: Any) -> Any:
    if isinstance(query, dict) and "account_id" in query:
        query["account_id"] = real("accounts", query["account_id"])
    return query


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    """Half the schema-valid transactions get postings that balance between two real accounts
    of one currency, so the fuzzer reaches posting, replays and reversals, not only the
    rules that refuse random postings; three in four schema-valid conversions go between real
    accounts of two currencies with a rate, at that rate or at the one in effect; and three in
    four schema-valid rates state a fact of their own (two currencies, a source not used before), so
    they are recorded rather than refused as the same currency or a conflicting fact. Statement
    imports get real statements (real_statement)."""
    if case.operation.path == "/v1/accounts/{id}/statements":
        real_statement(case)
        return
    meta = case.meta
    positive = meta is not None and meta.generation.mode.is_positive and isinstance(case.body, dict)
    # The examples phase sends one or two cases per operation: those always reach the rules.
    share = 1.0 if meta is not None and meta.phase.name == "examples" else 0.75
    if (case.operation.path == "/v1/fx/rates" and case.method.upper() == "POST" and positive
            and CHOOSER.random() < share):
        if case.body.get("base") == case.body.get("quote"):
            case.body["quote"] = "EUR" if case.body.get("base") == "USD" else "USD"
        case.body["source"] = f"fuzz-{uuid.UUID(int=CHOOSER.getrandbits(128)).hex}"
        return
    if case.operation.path == "/v1/conversions" and case.method.upper() == "POST" and positive:
        # Keys are unique across every posting operation, and the fuzzer draws the same few
        # ("0", ...) for each; a conversion's own keys keep its replays and conflicts its own.
        key = (case.headers or {}).get("Idempotency-Key")
        if isinstance(key, str) and len(key) <= 252:
            case.headers["Idempotency-Key"] = "fx-" + key
    if (case.operation.path == "/v1/conversions" and case.method.upper() == "POST" and positive
            and CHOOSER.random() < share):
        pair = CHOOSER.choice(list(FIXTURES["rates"]))
        source, destination = pair.split("/")
        case.body["source_account_id"] = CHOOSER.choice(FIXTURES["by_currency"][source])
        case.body["destination_account_id"] = CHOOSER.choice(FIXTURES["by_currency"][destination])
        case.body["amount"] = CHOOSER.randint(1, 10_000_000)
        if "rate_id" in case.body:
            case.body["rate_id"] = FIXTURES["rates"][pair]
        return
    if (case.operation.path != "/v1/transactions" or case.method.upper() != "POST"
            or meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict)
            or CHOOSER.random() < 0.5):
        return
    debit, credit = CHOOSER.sample(CHOOSER.choice(list(FIXTURES["by_currency"].values())), 2)
    amount = CHOOSER.randint(1, 10_000)
    case.body["postings"] = [
        {"account_id": debit, "direction": "debit", "amount": amount},
        {"account_id": credit, "direction": "credit", "amount": amount},
    ]


def currency_of(account_id: object) -> str | None:
    for currency, ids in FIXTURES["by_currency"].items():
        if account_id in ids:
            return str(currency)
    return None


def statement_file(media_type: str, currency: str, statement_id: str) -> str:
    """A statement whose lines reference the seed transaction of the currency (one matches or
    breaks, one is the bank's alone), in whole units so it is exact in every currency."""
    day = datetime.now(UTC).date().isoformat()
    lines = [(f"fuzz-seed-{currency}", STATEMENT_CHOOSER.randint(1, 3)), ("fuzz-fee", -STATEMENT_CHOOSER.randint(1, 9))]
    if media_type == "text/csv":
        rows = "".join(f"{day},{amount},{currency},{ref},Fuzz line\r\n" for ref, amount in lines)
        return "date,amount,currency,reference,description\r\n" + rows
    entries = "".join(
        f'<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="{currency}">{abs(amount)}</Amt>'
        f"<CdtDbtInd>{'CRDT' if amount > 0 else 'DBIT'}</CdtDbtInd><BookgDt><Dt>{day}</Dt></BookgDt></Ntry>"
        for ref, amount in lines)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>'
            f"<Id>{statement_id}</Id>{entries}</Stmt></BkToCstmrStmt></Document>")


def real_statement(case: Any) -> None:
    """Four in five schema-valid imports (of a generated text body) go to a real account with a
    real-looking statement in its currency, under a statement id that is new or reused (a
    replay or a conflict); the rest keep the generated body, which the parsers must refuse
    without a 5xx (the Go fuzz tests of the parsers go further)."""
    meta = case.meta
    if (meta is None or not meta.generation.mode.is_positive or not isinstance(case.path_parameters, dict)
            or not all(c.mode.is_positive for c in getattr(meta, "components", {}).values())
            or not is_uuid(case.path_parameters.get("id")) or not isinstance(case.body, str)
            or STATEMENT_CHOOSER.random() < 0.2):
        return
    media_type = (case.media_type or "").split(";")[0].strip()
    if media_type not in ("text/csv", "application/xml"):
        return
    if currency_of(case.path_parameters["id"]) is None:
        case.path_parameters["id"] = STATEMENT_CHOOSER.choice(FIXTURES["accounts"])
    currency = currency_of(case.path_parameters["id"])
    assert currency is not None
    # A generated statement_id is kept, so a case that is negative in it stays negative.
    query = case.query if isinstance(case.query, dict) else {}
    statement_id = query.get("statement_id")
    if not isinstance(statement_id, str):
        statement_id = STATEMENT_CHOOSER.choice(["fuzz-a", "fuzz-b", f"fuzz-{uuid.uuid4().hex[:12]}"])
        if media_type == "text/csv":
            case.query = {**query, "statement_id": statement_id}
    # A string, as the schema says: Schemathesis checks the body a hook sets against it, and
    # bytes would turn the case negative. The camt.053 body is `format: binary`, so it is sent
    # as it is rather than wrapped in an XML element of Schemathesis' own.
    case.body = statement_file(media_type, currency, xml_escape(statement_id))


@schemathesis.check
def field_rules_are_in_the_contract(ctx: Any, response: Any, case: Any) -> None:
    """A schema-valid request is never refused for its shape or a field rule.

    Business rules (an unbalanced transaction, a currency mismatch, an unknown account) may
    refuse a schema-valid request with their own code; 400 or 422 validation_failed would mean
    a rule the document does not state.
    """
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if response.status_code == 400 or (response.status_code == 422 and problem_code(response) == "validation_failed"):
        raise AssertionError(
            f"schema-valid request refused with {response.status_code} {problem_code(response)}: {response.text[:300]}")


def problem_code(response: Any) -> str:
    try:
        return str(json.loads(response.text).get("code", ""))
    except (ValueError, AttributeError):
        return ""
