package messaging

import (
	"hash/fnv"
	"sync"
)

// Keyed runs work for every item received from items on n goroutines: items of the same key
// run one after the other, in the order they were received, and items of different keys run
// at once. It returns when items is closed and every item's work has returned.
func Keyed[T any](n int, items <-chan T, key func(T) string, work func(T)) {
	lanes := make([]chan T, n)
	var wg sync.WaitGroup
	for i := range lanes {
		lanes[i] = make(chan T)
		wg.Go(func() {
			for item := range lanes[i] {
				work(item)
			}
		})
	}
	for item := range items {
		h := fnv.New32a()
		_, _ = h.Write([]byte(key(item)))
		lanes[int(h.Sum32())%n] <- item
	}
	for _, lane := range lanes {
		close(lane)
	}
	wg.Wait()
}
