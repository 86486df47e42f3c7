package ledger

import (
	"bytes"
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Limits of reconciliation.
const (
	// DefaultMatchWindowDays is how many days a posting's date may be from a line's booking
	// date and still match it, unless the request says otherwise.
	DefaultMatchWindowDays = 3
	// MaxMatchWindowDays is the widest window accepted.
	MaxMatchWindowDays = 31
)

// day is 24 hours: statement dates and posting dates are compared as UTC calendar days.
const day = 24 * time.Hour

// AccountPosting is a posting to one account, with what reconciliation needs of its
// transaction.
type AccountPosting struct {
	TransactionID uuid.UUID
	// Position is the posting's index in its transaction.
	Position  int
	CreatedAt time.Time
	// Reference is what statement lines are matched by: the transaction's
	// metadata["reference"] when it has one, its idempotency key otherwise.
	Reference string
	Direction Direction
	Amount    int64
}

// TransactionReference returns the reference a transaction is reconciled by: its
// metadata["reference"] when set, which lets a client post under one idempotency key the
// reference its bank will report (an end-to-end id), and its idempotency key otherwise.
func TransactionReference(idempotencyKey string, metadata map[string]string) string {
	if ref := metadata["reference"]; ref != "" {
		return ref
	}
	return idempotencyKey
}

// CandidateRange returns the creation times of the postings that may match a line of s:
// from the start of the window before the period's first day to the end of the window
// after its last, the end excluded.
func CandidateRange(s Statement, windowDays int) (from, to time.Time) {
	window := time.Duration(windowDays) * day
	return s.PeriodFrom.Add(-window), s.PeriodTo.Add(day + window)
}

// Match is a statement line paired with a posting: same reference, dates within the window,
// equal signed amounts.
type Match struct {
	Line    StatementLine
	Posting AccountPosting
}

// Break is a statement line paired with a posting of the same reference within the window
// whose amount differs: Difference is the statement's amount less the ledger's.
type Break struct {
	Line            StatementLine
	Posting         AccountPosting
	StatementAmount int64
	LedgerAmount    int64
	Difference      int64
}

// Reconciliation is the outcome of matching a statement with the ledger.
type Reconciliation struct {
	Statement Statement
	// NormalSide is the normal side of the statement's account, which signs its postings.
	NormalSide Direction
	WindowDays int
	Matched    []Match
	Breaks     []Break
	// UnmatchedLines are the statement's lines that no posting matched, in line order.
	UnmatchedLines []StatementLine
	// UnmatchedPostings are the postings created within the statement's period that no
	// line claimed, oldest first: what the ledger has and the statement does not.
	UnmatchedPostings []AccountPosting
}

// SignedAmount returns the posting's amount as the account sees it: positive on the
// account's normal side, negative on the other, the sign convention of statement lines.
func (p AccountPosting) SignedAmount(normal Direction) int64 {
	if p.Direction == normal {
		return p.Amount
	}
	return -p.Amount
}

// Reconcile matches the lines of s with postings, the postings to s's account created within
// CandidateRange, on an account whose normal side is normal. A line and a posting match when
// their references are equal and not empty, their days are at most windowDays apart and
// their signed amounts are equal; with equal references and days but different amounts they
// are a break (unless the difference exceeds an int64). Each line and each posting is used at most once: exact matches are paired
// first, then breaks, each time closest days first, then by line position, posting time,
// transaction id and posting position, so the outcome depends on nothing but the input.
func Reconcile(s Statement, normal Direction, postings []AccountPosting, windowDays int) Reconciliation {
	byReference := map[string][]int{}
	for i, p := range postings {
		if p.Reference != "" {
			byReference[p.Reference] = append(byReference[p.Reference], i)
		}
	}
	type pair struct {
		line, posting int
		distance      time.Duration
		exact         bool
	}
	window := time.Duration(windowDays) * day
	var pairs []pair
	for li, l := range s.Lines {
		if l.Reference == "" {
			continue
		}
		for _, pi := range byReference[l.Reference] {
			p := postings[pi]
			distance := postingDay(p).Sub(l.BookingDate).Abs()
			if distance > window {
				continue
			}
			ledgerAmount := p.SignedAmount(normal)
			if _, ok := difference(l.Amount, ledgerAmount); !ok {
				continue
			}
			pairs = append(pairs, pair{line: li, posting: pi, distance: distance, exact: ledgerAmount == l.Amount})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if a.exact != b.exact {
			if a.exact {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.distance, b.distance); c != 0 {
			return c
		}
		if c := cmp.Compare(s.Lines[a.line].Position, s.Lines[b.line].Position); c != 0 {
			return c
		}
		return comparePostings(postings[a.posting], postings[b.posting])
	})
	r := Reconciliation{Statement: s, NormalSide: normal, WindowDays: windowDays}
	lineUsed := make([]bool, len(s.Lines))
	postingUsed := make([]bool, len(postings))
	for _, pr := range pairs {
		if lineUsed[pr.line] || postingUsed[pr.posting] {
			continue
		}
		lineUsed[pr.line], postingUsed[pr.posting] = true, true
		l, p := s.Lines[pr.line], postings[pr.posting]
		if pr.exact {
			r.Matched = append(r.Matched, Match{Line: l, Posting: p})
			continue
		}
		ledgerAmount := p.SignedAmount(normal)
		diff, _ := difference(l.Amount, ledgerAmount)
		r.Breaks = append(r.Breaks, Break{
			Line: l, Posting: p, StatementAmount: l.Amount, LedgerAmount: ledgerAmount, Difference: diff,
		})
	}
	slices.SortFunc(r.Matched, func(a, b Match) int { return cmp.Compare(a.Line.Position, b.Line.Position) })
	slices.SortFunc(r.Breaks, func(a, b Break) int { return cmp.Compare(a.Line.Position, b.Line.Position) })
	for i, l := range s.Lines {
		if !lineUsed[i] {
			r.UnmatchedLines = append(r.UnmatchedLines, l)
		}
	}
	slices.SortFunc(r.UnmatchedLines, func(a, b StatementLine) int { return cmp.Compare(a.Position, b.Position) })
	for i, p := range postings {
		d := postingDay(p)
		if !postingUsed[i] && !d.Before(s.PeriodFrom) && !d.After(s.PeriodTo) {
			r.UnmatchedPostings = append(r.UnmatchedPostings, p)
		}
	}
	slices.SortFunc(r.UnmatchedPostings, comparePostings)
	return r
}

// difference returns a-b, or false when it does not fit in an int64; a line and a posting
// that far apart are never paired.
func difference(a, b int64) (int64, bool) {
	d := a - b
	if (b > 0 && d > a) || (b < 0 && d < a) {
		return 0, false
	}
	return d, true
}

// postingDay is the UTC calendar day a posting was created on.
func postingDay(p AccountPosting) time.Time {
	return p.CreatedAt.UTC().Truncate(day)
}

// comparePostings orders postings by creation time, transaction id and position.
func comparePostings(a, b AccountPosting) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	if c := bytes.Compare(a.TransactionID[:], b.TransactionID[:]); c != 0 {
		return c
	}
	return cmp.Compare(a.Position, b.Position)
}
