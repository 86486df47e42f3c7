// Command load is the bench suite's HTTP load client: closed-loop, N workers each sending one
// request at a time over keep-alive connections for a fixed duration (after a warm-up that is not
// recorded). It records every request's latency and prints one JSON object: requests, req/s,
// p50/p99 latency, and the answers by status (refusals also by their problem+json code), plus
// transport errors.
//
//	load -c 8 -d 10s -url http://127.0.0.1:8080/health/live
//	load -c 8 -d 10s -url http://127.0.0.1:8080/v1/transactions -transfer -accounts ID,ID,... [-hot ID]
//
// With -transfer each request posts a two-posting transaction of 1 minor unit, with a new
// Idempotency-Key: between two distinct accounts drawn from -accounts, or, with -hot, crediting
// the hot account and debiting one drawn from -accounts.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type result struct {
	Requests int            `json:"requests"`
	Seconds  float64        `json:"seconds"`
	RPS      float64        `json:"rps"`
	P50ms    float64        `json:"p50_ms"`
	P99ms    float64        `json:"p99_ms"`
	Answers  map[string]int `json:"answers"`
	Errors   map[string]int `json:"errors,omitempty"`
}

type config struct {
	url      string
	workers  int
	duration time.Duration
	warmup   time.Duration
	transfer bool
	accounts []string
	hot      string
	run      string
}

type worker struct {
	latencies []time.Duration
	answers   map[string]int
	errors    map[string]int
}

func main() {
	var cfg config
	var accounts string
	flag.StringVar(&cfg.url, "url", "", "URL to load (GET, or POST with -transfer)")
	flag.IntVar(&cfg.workers, "c", 1, "concurrent workers (each one request in flight)")
	flag.DurationVar(&cfg.duration, "d", 10*time.Second, "measured duration")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unrecorded warm-up before measuring")
	flag.BoolVar(&cfg.transfer, "transfer", false, "POST ledger transfers to -url")
	flag.StringVar(&accounts, "accounts", "", "comma-separated account ids for -transfer")
	flag.StringVar(&cfg.hot, "hot", "", "account credited by every transfer")
	flag.Parse()
	if cfg.url == "" || cfg.workers < 1 {
		fmt.Fprintln(os.Stderr, "load: -url and -c >= 1 are required")
		os.Exit(2)
	}
	if accounts != "" {
		cfg.accounts = strings.Split(accounts, ",")
	}
	if cfg.transfer && (len(cfg.accounts) < 2 && cfg.hot == "" || len(cfg.accounts) < 1) {
		fmt.Fprintln(os.Stderr, "load: -transfer needs two -accounts, or one and -hot")
		os.Exit(2)
	}
	cfg.run = strconv.FormatInt(time.Now().UnixNano(), 36)
	out, err := json.Marshal(run(cfg))
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}

func run(cfg config) result {
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        cfg.workers,
			MaxIdleConnsPerHost: cfg.workers,
			DisableCompression:  true,
		},
	}
	if cfg.warmup > 0 {
		ctx, cancel := context.WithTimeout(context.Background(), cfg.warmup)
		spawn(ctx, cfg, client, "w")
		cancel()
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.duration)
	defer cancel()
	start := time.Now()
	workers := spawn(ctx, cfg, client, "m")
	elapsed := time.Since(start).Seconds()

	res := result{Answers: map[string]int{}, Errors: map[string]int{}, Seconds: elapsed}
	var all []time.Duration
	for _, w := range workers {
		all = append(all, w.latencies...)
		for k, n := range w.answers {
			res.Answers[k] += n
		}
		for k, n := range w.errors {
			res.Errors[k] += n
		}
	}
	slices.Sort(all)
	res.Requests = len(all)
	res.RPS = float64(len(all)) / elapsed
	res.P50ms = percentile(all, 0.50)
	res.P99ms = percentile(all, 0.99)
	return res
}

func percentile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = max(0, min(i, len(sorted)-1))
	return float64(sorted[i].Microseconds()) / 1000
}

func spawn(ctx context.Context, cfg config, client *http.Client, phase string) []*worker {
	workers := make([]*worker, cfg.workers)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{answers: map[string]int{}, errors: map[string]int{}}
		workers[i] = w
		wg.Go(func() { w.loop(ctx, cfg, client, fmt.Sprintf("%s-%s-%d", cfg.run, phase, i)) })
	}
	wg.Wait()
	return workers
}

func (w *worker) loop(ctx context.Context, cfg config, client *http.Client, id string) {
	rng := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) //nolint:gosec // load, not secrets
	for seq := 0; ctx.Err() == nil; seq++ {
		req, err := request(ctx, cfg, rng, fmt.Sprintf("%s-%d", id, seq))
		if err != nil {
			w.errors[err.Error()]++
			return
		}
		began := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				w.errors[errorKind(err)]++
			}
			continue
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		took := time.Since(began)
		if err != nil {
			if ctx.Err() == nil {
				w.errors[errorKind(err)]++
			}
			continue
		}
		w.latencies = append(w.latencies, took)
		w.answers[answer(resp, body)]++
	}
}

func request(ctx context.Context, cfg config, rng *rand.Rand, key string) (*http.Request, error) {
	if !cfg.transfer {
		return http.NewRequestWithContext(ctx, http.MethodGet, cfg.url, nil)
	}
	debit, credit := cfg.hot, cfg.hot
	if cfg.hot != "" {
		for debit == cfg.hot {
			debit = cfg.accounts[rng.IntN(len(cfg.accounts))]
		}
	} else {
		i := rng.IntN(len(cfg.accounts))
		j := (i + 1 + rng.IntN(len(cfg.accounts)-1)) % len(cfg.accounts)
		debit, credit = cfg.accounts[i], cfg.accounts[j]
	}
	body := fmt.Sprintf(`{"description":"bench","postings":[`+
		`{"account_id":%q,"direction":"debit","amount":1},`+
		`{"account_id":%q,"direction":"credit","amount":1}]}`, debit, credit)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.url, bytes.NewBufferString(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	return req, nil
}

// answer names a response by its status, and a refusal also by its problem+json code.
func answer(resp *http.Response, body []byte) string {
	status := strconv.Itoa(resp.StatusCode)
	if resp.StatusCode < 300 {
		return status
	}
	var problem struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(body, &problem) == nil && problem.Code != "" {
		return status + " " + problem.Code
	}
	return status
}

func errorKind(err error) string {
	text := err.Error()
	if i := strings.LastIndex(text, ": "); i >= 0 {
		return text[i+2:]
	}
	return text
}
