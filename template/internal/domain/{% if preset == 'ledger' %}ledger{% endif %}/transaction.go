package ledger

import (
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits on a transaction's fields.
const (
	MinPostings             = 2
	MaxPostings             = 100
	MaxIdempotencyKeyLength = 255
	MaxDescriptionLength    = 1024
	MaxMetadataEntries      = 32
	MaxMetadataKeyLength    = 64
	MaxMetadataValueLength  = 512
)

// Posting moves Amount minor units of Currency to one side of an account.
type Posting struct {
	AccountID uuid.UUID
	Direction Direction
	// Amount is a positive number of minor units (cents for USD).
	Amount int64
	// Currency is the posting's currency. In a Draft it may be empty, meaning
	// the account's currency; in a Transaction it is always set.
	Currency Currency
}

// Draft is a transaction as requested, before it is checked against accounts.
type Draft struct {
	IdempotencyKey string
	Description    string
	Metadata       map[string]string
	Postings       []Posting
	// ReversalOf is the id of the transaction this one reverses, or uuid.Nil.
	ReversalOf uuid.UUID
}

// Transaction is a posted, immutable, balanced set of postings. Corrections
// are made with a reversing transaction, never by changing a posted one.
type Transaction struct {
	ID             uuid.UUID
	IdempotencyKey string
	Description    string
	Metadata       map[string]string
	Postings       []Posting
	// ReversalOf is the id of the transaction this one reverses, or uuid.Nil.
	ReversalOf uuid.UUID
	CreatedAt  time.Time
}

// Validate checks the draft's own fields, without looking at accounts, and
// returns an ErrValidation listing every invalid field.
func (d Draft) Validate() error {
	var errs fieldErrors
	if !validIdempotencyKey(d.IdempotencyKey) {
		errs.add("idempotency_key", fmt.Sprintf("must be 1-%d printable ASCII characters", MaxIdempotencyKeyLength))
	}
	if !utf8.ValidString(d.Description) || utf8.RuneCountInString(d.Description) > MaxDescriptionLength {
		errs.add("description", fmt.Sprintf("must be valid UTF-8 of at most %d characters", MaxDescriptionLength))
	}
	validateMetadata(d.Metadata, &errs)
	switch {
	case len(d.Postings) < MinPostings:
		errs.add("postings", fmt.Sprintf("must have at least %d postings", MinPostings))
	case len(d.Postings) > MaxPostings:
		errs.add("postings", fmt.Sprintf("must have at most %d postings", MaxPostings))
	}
	for i, p := range d.Postings {
		field := "postings[" + strconv.Itoa(i) + "]"
		if p.AccountID == uuid.Nil {
			errs.add(field+".account_id", "is required")
		}
		if !p.Direction.Valid() {
			errs.add(field+".direction", "must be debit or credit")
		}
		if p.Amount <= 0 {
			errs.add(field+".amount", "must be a positive number of minor units")
		}
		if p.Currency != "" {
			if _, ok := ParseCurrency(string(p.Currency)); !ok {
				errs.add(field+".currency", "must be an ISO 4217 code of three uppercase letters")
			}
		}
	}
	return errs.err()
}

// CheckIdempotencyKey returns an ErrValidation unless key is 1-255 printable
// ASCII characters.
func CheckIdempotencyKey(key string) error {
	var errs fieldErrors
	if !validIdempotencyKey(key) {
		errs.add("idempotency_key", fmt.Sprintf("must be 1-%d printable ASCII characters", MaxIdempotencyKeyLength))
	}
	return errs.err()
}

// NewTransaction checks d and its postings against accounts (which must hold
// every account the draft posts to) and returns the transaction to record.
// It fails with ErrValidation, ErrAccountNotFound, ErrAccountInactive,
// ErrCurrencyMismatch, ErrAmountOverflow or ErrUnbalanced.
func NewTransaction(id uuid.UUID, d Draft, accounts map[uuid.UUID]Account, now time.Time) (Transaction, error) {
	if err := d.Validate(); err != nil {
		return Transaction{}, err
	}
	postings := make([]Posting, len(d.Postings))
	for i, p := range d.Postings {
		acc, ok := accounts[p.AccountID]
		if !ok {
			return Transaction{}, WithDetail(ErrAccountNotFound, "account "+p.AccountID.String())
		}
		if acc.Status != AccountActive {
			return Transaction{}, WithDetail(ErrAccountInactive, "account "+p.AccountID.String())
		}
		if p.Currency == "" {
			p.Currency = acc.Currency
		}
		if p.Currency != acc.Currency {
			return Transaction{}, WithDetail(ErrCurrencyMismatch, fmt.Sprintf(
				"postings[%d] is in %s but account %s holds %s", i, p.Currency, p.AccountID, acc.Currency))
		}
		postings[i] = p
	}
	if err := checkBalanced(postings); err != nil {
		return Transaction{}, err
	}
	return Transaction{
		ID:             id,
		IdempotencyKey: d.IdempotencyKey,
		Description:    d.Description,
		Metadata:       cloneMetadata(d.Metadata),
		Postings:       postings,
		ReversalOf:     d.ReversalOf,
		CreatedAt:      Timestamp(now),
	}, nil
}

// Reversal returns the draft of a transaction that undoes t: the same
// postings with their sides swapped.
func (t Transaction) Reversal(idempotencyKey string) Draft {
	postings := make([]Posting, len(t.Postings))
	for i, p := range t.Postings {
		p.Direction = p.Direction.Opposite()
		postings[i] = p
	}
	return Draft{
		IdempotencyKey: idempotencyKey,
		Description:    "Reversal of " + t.ID.String(),
		Metadata:       map[string]string{},
		Postings:       postings,
		ReversalOf:     t.ID,
	}
}

// AccountIDs returns the distinct accounts the postings touch, in first-use order.
func AccountIDs(postings []Posting) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(postings))
	for _, p := range postings {
		if !slices.Contains(ids, p.AccountID) {
			ids = append(ids, p.AccountID)
		}
	}
	return ids
}

// checkBalanced requires Σdebits == Σcredits in every currency.
func checkBalanced(postings []Posting) error {
	type totals struct{ debits, credits int64 }
	sums := map[Currency]totals{}
	for _, p := range postings {
		t := sums[p.Currency]
		var ok bool
		if p.Direction == Debit {
			t.debits, ok = addAmount(t.debits, p.Amount)
		} else {
			t.credits, ok = addAmount(t.credits, p.Amount)
		}
		if !ok {
			return WithDetail(ErrAmountOverflow, "the postings in "+string(p.Currency)+" add up to more than 2^63-1 minor units")
		}
		sums[p.Currency] = t
	}
	currencies := make([]Currency, 0, len(sums))
	for c := range sums {
		currencies = append(currencies, c)
	}
	slices.Sort(currencies)
	for _, c := range currencies {
		if t := sums[c]; t.debits != t.credits {
			return WithDetail(ErrUnbalanced, fmt.Sprintf("%s debits %d, credits %d", c, t.debits, t.credits))
		}
	}
	return nil
}

func validIdempotencyKey(key string) bool {
	if key == "" || len(key) > MaxIdempotencyKeyLength {
		return false
	}
	for i := range len(key) {
		if key[i] < 0x20 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

func validateMetadata(m map[string]string, errs *fieldErrors) {
	if len(m) > MaxMetadataEntries {
		errs.add("metadata", fmt.Sprintf("must have at most %d entries", MaxMetadataEntries))
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "" || len(k) > MaxMetadataKeyLength || !utf8.ValidString(k) {
			errs.add("metadata", fmt.Sprintf("keys must be 1-%d bytes of UTF-8", MaxMetadataKeyLength))
			continue
		}
		if v := m[k]; len(v) > MaxMetadataValueLength || !utf8.ValidString(v) {
			errs.add("metadata."+k, fmt.Sprintf("must be at most %d bytes of UTF-8", MaxMetadataValueLength))
		}
	}
}

func cloneMetadata(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
