package ledger

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseCurrency(t *testing.T) {
	for code, exponent := range map[string]int{"JPY": 0, "KRW": 0, "USD": 2, "EUR": 2, "BHD": 3, "KWD": 3, "CLF": 4} {
		c, ok := ParseCurrency(code)
		assert.True(t, ok, code)
		assert.Equal(t, exponent, c.Exponent(), code)
	}
	// Unknown, lowercase, withdrawn and codes without minor units are refused.
	for _, code := range []string{"", "US", "USDT", "usd", "XYZ", "XAU", "XDR", "XXX", "XTS", "HRK", "BGN"} {
		_, ok := ParseCurrency(code)
		assert.False(t, ok, code)
	}
}

func TestCurrenciesAreSortedAndParse(t *testing.T) {
	all := Currencies()
	assert.IsIncreasing(t, all)
	for _, c := range all {
		parsed, ok := ParseCurrency(string(c))
		assert.True(t, ok, c)
		assert.Equal(t, c, parsed)
	}
}
