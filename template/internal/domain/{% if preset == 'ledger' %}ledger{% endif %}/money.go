package ledger

import "math"

// Direction is the side of a posting: debit or credit.
type Direction string

// The two sides of double-entry bookkeeping.
const (
	Debit  Direction = "debit"
	Credit Direction = "credit"
)

// Valid reports whether d is Debit or Credit.
func (d Direction) Valid() bool { return d == Debit || d == Credit }

// Opposite returns the other side.
func (d Direction) Opposite() Direction {
	if d == Debit {
		return Credit
	}
	return Debit
}

// addAmount returns a+b for non-negative minor-unit amounts, or false if the
// sum does not fit in an int64.
func addAmount(a, b int64) (int64, bool) {
	if b > math.MaxInt64-a {
		return 0, false
	}
	return a + b, true
}
