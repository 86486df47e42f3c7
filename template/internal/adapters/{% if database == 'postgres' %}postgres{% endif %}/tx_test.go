package postgres

import (
	"testing"
	"time"
)

// TestRetryPauseIsBoundedForEveryAcceptedAttempt covers every retry DB_TX_MAX_RETRIES
// allows: the ceiling grows from retryBaseDelay to retryMaxDelay and stays there (a plain
// shift overflows long before the largest accepted count), and each pause is in (0, ceiling].
func TestRetryPauseIsBoundedForEveryAcceptedAttempt(t *testing.T) {
	previous := time.Duration(0)
	for attempt := range maxTxRetries + 1 {
		ceiling := retryCeiling(attempt)
		if ceiling < previous || ceiling > retryMaxDelay {
			t.Fatalf("attempt %d: ceiling %v after %v; want non-decreasing and at most %v",
				attempt, ceiling, previous, retryMaxDelay)
		}
		previous = ceiling
		for range 20 {
			if pause := retryPause(attempt); pause <= 0 || pause > ceiling {
				t.Fatalf("attempt %d: pause %v outside (0, %v]", attempt, pause, ceiling)
			}
		}
	}
	if got := retryCeiling(0); got != retryBaseDelay {
		t.Fatalf("first ceiling = %v, want %v", got, retryBaseDelay)
	}
	if previous != retryMaxDelay {
		t.Fatalf("last ceiling = %v, want %v", previous, retryMaxDelay)
	}
}
