// Package ledger is the double-entry bookkeeping domain: accounts, balanced
// transactions of postings in integer minor units, balances that follow each
// account type's normal side, exchange rates and currency conversions through
// FX trading accounts, and the coded errors (made with package fault)
// that report broken rules.
//
// It depends on the standard library, github.com/google/uuid and the domain's
// fault package only.
package ledger
