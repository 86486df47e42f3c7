package ledger

import (
	"time"

	"github.com/google/uuid"
)

// AccountType classifies an account and fixes its normal side.
type AccountType string

// The five account types of double-entry bookkeeping.
const (
	Asset     AccountType = "asset"
	Liability AccountType = "liability"
	Equity    AccountType = "equity"
	Revenue   AccountType = "revenue"
	Expense   AccountType = "expense"
)

// Valid reports whether t is one of the five account types.
func (t AccountType) Valid() bool {
	switch t {
	case Asset, Liability, Equity, Revenue, Expense:
		return true
	}
	return false
}

// NormalSide returns the side on which the account's balance grows: debit for
// assets and expenses, credit for liabilities, equity and revenue.
func (t AccountType) NormalSide() Direction {
	if t == Asset || t == Expense {
		return Debit
	}
	return Credit
}

// AccountStatus says whether an account accepts postings.
type AccountStatus string

// Account statuses. Only active accounts accept postings.
const (
	AccountActive AccountStatus = "active"
	AccountClosed AccountStatus = "closed"
)

// MaxCodeLength is the longest account code accepted.
const MaxCodeLength = 64

// Account is a ledger account holding one currency.
type Account struct {
	ID        uuid.UUID
	Code      string
	Currency  Currency
	Type      AccountType
	Status    AccountStatus
	CreatedAt time.Time
}

// NewAccount validates its input and returns an active account. code is a
// client-chosen unique name made of lowercase letters, digits and "_-.:".
func NewAccount(id uuid.UUID, code, currency, accountType string, now time.Time) (Account, error) {
	var errs fieldErrors
	if !validCode(code) {
		errs.add("code", "must be 1-64 characters of lowercase letters, digits, '_', '-', '.' or ':', starting with a letter or digit")
	}
	cur, ok := ParseCurrency(currency)
	if !ok {
		errs.add("currency", "must be an ISO 4217 code of three uppercase letters")
	}
	typ := AccountType(accountType)
	if !typ.Valid() {
		errs.add("type", "must be one of asset, liability, equity, revenue, expense")
	}
	if err := errs.err(); err != nil {
		return Account{}, err
	}
	return Account{
		ID:        id,
		Code:      code,
		Currency:  cur,
		Type:      typ,
		Status:    AccountActive,
		CreatedAt: Timestamp(now),
	}, nil
}

// NormalSide returns the side on which the account's balance grows.
func (a Account) NormalSide() Direction { return a.Type.NormalSide() }

// Timestamp normalises t to the precision the ledger keeps: UTC, whole
// microseconds (PostgreSQL's timestamp precision), so a stored and a fresh
// value compare equal.
func Timestamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func validCode(code string) bool {
	if code == "" || len(code) > MaxCodeLength {
		return false
	}
	for i := range len(code) {
		c := code[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '_' || c == '-' || c == '.' || c == ':'):
		default:
			return false
		}
	}
	return true
}
