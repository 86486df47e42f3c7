// Package ledger is the double-entry bookkeeping domain: accounts, balanced
// transactions of postings in integer minor units, balances that follow each
// account type's normal side, and the typed errors that report broken rules.
//
// It depends on the standard library and github.com/google/uuid only.
package ledger
