package ledger

import "github.com/google/uuid"

// Balance holds an account's running totals. Version counts the updates and
// is used for optimistic locking by the stores.
type Balance struct {
	AccountID  uuid.UUID
	Currency   Currency
	NormalSide Direction
	Debits     int64
	Credits    int64
	Version    int64
}

// NewBalance returns the zero balance of a new account.
func NewBalance(a Account) Balance {
	return Balance{AccountID: a.ID, Currency: a.Currency, NormalSide: a.NormalSide()}
}

// Amount returns the balance on the account's normal side: debits minus
// credits for debit-normal accounts, credits minus debits otherwise. It is
// negative when the account is overdrawn against its normal side.
func (b Balance) Amount() int64 {
	if b.NormalSide == Debit {
		return b.Debits - b.Credits
	}
	return b.Credits - b.Debits
}

// Apply adds the posting to the totals. The posting must be for this account.
func (b *Balance) Apply(p Posting) error {
	if p.AccountID != b.AccountID {
		return WithDetail(ErrValidation, "posting for account "+p.AccountID.String()+" applied to "+b.AccountID.String())
	}
	var ok bool
	if p.Direction == Debit {
		b.Debits, ok = addAmount(b.Debits, p.Amount)
	} else {
		b.Credits, ok = addAmount(b.Credits, p.Amount)
	}
	if !ok {
		return WithDetail(ErrAmountOverflow, "account "+b.AccountID.String()+" totals exceed 2^63-1 minor units")
	}
	return nil
}

// Apply adds every posting of t to the balances of its accounts, which must
// all be present in balances. On error balances may be partly updated and
// must be discarded.
func Apply(balances map[uuid.UUID]Balance, t Transaction) error {
	for _, p := range t.Postings {
		b, ok := balances[p.AccountID]
		if !ok {
			return WithDetail(ErrAccountNotFound, "no balance for account "+p.AccountID.String())
		}
		if err := b.Apply(p); err != nil {
			return err
		}
		balances[p.AccountID] = b
	}
	return nil
}
