// Command grpcprobe drives a running ledger service over gRPC for tests/test_grpc_integration.py,
// which copies it into a service rendered as github.com/acme/svc and builds it there. It exits
// non-zero, saying why, when the service does not answer as the API says.
//
//	grpcprobe -addr 127.0.0.1:9090 -mode serve    # health, reflection, postings, replays, errors
//	grpcprobe -addr 127.0.0.1:9090 -mode outage   # the store is stopped: UNAVAILABLE, NOT_SERVING
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	ledgerv1 "github.com/acme/svc/api/gen/ledger/v1"
)

func main() {
	addr := flag.String("addr", "", "the service's gRPC address")
	mode := flag.String("mode", "serve", "serve or outage")
	flag.Parse()
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	check(err, "dial")
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch *mode {
	case "serve":
		serve(ctx, conn)
	case "outage":
		outage(ctx, conn)
	default:
		fail("unknown mode %q", *mode)
	}
	fmt.Println("ok")
}

func serve(ctx context.Context, conn *grpc.ClientConn) {
	h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "ledger.v1.LedgerService"})
	check(err, "health check")
	expect(h.GetStatus() == healthpb.HealthCheckResponse_SERVING, "health: %v", h.GetStatus())

	stream, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	check(err, "reflection")
	check(stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}), "reflection send")
	listed, err := stream.Recv()
	check(err, "reflection list")
	var names []string
	for _, s := range listed.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	for _, want := range []string{"ledger.v1.LedgerService", "ledger.v1.FxService", "ledger.v1.ReconciliationService", "grpc.health.v1.Health"} {
		expect(slices.Contains(names, want), "reflection lists %v, not %s", names, want)
	}

	client := ledgerv1.NewLedgerServiceClient(conn)
	account := func(code string, t ledgerv1.AccountType) *ledgerv1.Account {
		resp, err := client.CreateAccount(ctx, &ledgerv1.CreateAccountRequest{Code: code, Currency: "USD", Type: t})
		check(err, "create account "+code)
		return resp.GetAccount()
	}
	cash := account("cash", ledgerv1.AccountType_ACCOUNT_TYPE_ASSET)
	revenue := account("revenue", ledgerv1.AccountType_ACCOUNT_TYPE_REVENUE)
	sale := func(amount int64) *ledgerv1.PostTransactionRequest {
		return &ledgerv1.PostTransactionRequest{Description: "sale", Postings: []*ledgerv1.Posting{
			{AccountId: cash.GetId(), Direction: ledgerv1.Direction_DIRECTION_DEBIT, Amount: amount},
			{AccountId: revenue.GetId(), Direction: ledgerv1.Direction_DIRECTION_CREDIT, Amount: amount},
		}}
	}
	keyed := metadata.AppendToOutgoingContext(ctx, "idempotency-key", "sale-1", "x-request-id", "probe-1")
	var header metadata.MD
	first, err := client.PostTransaction(keyed, sale(2500), grpc.Header(&header))
	check(err, "post")
	expect(slices.Equal(header.Get("x-request-id"), []string{"probe-1"}), "request id: %v", header)
	header = nil
	replay, err := client.PostTransaction(keyed, sale(2500), grpc.Header(&header))
	check(err, "replay")
	expect(replay.GetTransaction().GetId() == first.GetTransaction().GetId(), "a replay answers the original")
	expect(slices.Equal(header.Get("idempotent-replayed"), []string{"true"}), "replay header: %v", header)
	_, err = client.PostTransaction(keyed, sale(9900))
	expectStatus(err, codes.FailedPrecondition, "idempotency_conflict")
	_, err = client.PostTransaction(ctx, sale(100))
	expectStatus(err, codes.InvalidArgument, "request.idempotency_key_missing")
	_, err = client.GetAccount(ctx, &ledgerv1.GetAccountRequest{Id: "01a234f8-db13-763d-a891-8852056cad0f"})
	expectStatus(err, codes.NotFound, "account_not_found")

	b, err := client.GetBalance(ctx, &ledgerv1.GetBalanceRequest{AccountId: cash.GetId()})
	check(err, "balance")
	expect(b.GetBalance().GetBalance() == 2500, "balance %d", b.GetBalance().GetBalance())
	list, err := client.ListTransactions(ctx, &ledgerv1.ListTransactionsRequest{AccountId: cash.GetId(), PageSize: 10})
	check(err, "list")
	expect(len(list.GetTransactions()) == 1, "listed %d transactions", len(list.GetTransactions()))
	fmt.Println(cash.GetId())
}

// outage expects every call that needs the stopped store to be UNAVAILABLE with a retry delay,
// and the health service to turn NOT_SERVING.
func outage(ctx context.Context, conn *grpc.ClientConn) {
	client := ledgerv1.NewLedgerServiceClient(conn)
	_, err := client.GetAccount(ctx, &ledgerv1.GetAccountRequest{Id: flag.Arg(0)})
	st := expectStatus(err, codes.Unavailable, "service_unavailable")
	retry := detail[*errdetails.RetryInfo](st)
	expect(retry.GetRetryDelay().AsDuration() == time.Second, "retry delay %v", retry.GetRetryDelay())
	_, err = client.CreateAccount(ctx, &ledgerv1.CreateAccountRequest{Code: "fees", Currency: "USD", Type: ledgerv1.AccountType_ACCOUNT_TYPE_REVENUE})
	expectStatus(err, codes.Unavailable, "service_unavailable")

	deadline := time.Now().Add(10 * time.Second)
	for {
		h, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
		check(err, "health check")
		if h.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING {
			return
		}
		expect(time.Now().Before(deadline), "health still %v", h.GetStatus())
		time.Sleep(100 * time.Millisecond)
	}
}

func expectStatus(err error, code codes.Code, reason string) *status.Status {
	st, ok := status.FromError(err)
	expect(ok && st.Code() == code, "want %v %s, got %v", code, reason, err)
	info := detail[*errdetails.ErrorInfo](st)
	expect(info.GetReason() == reason, "want reason %s, got %v", reason, info)
	return st
}

func detail[T any](st *status.Status) T {
	for _, d := range st.Details() {
		if v, ok := d.(T); ok {
			return v
		}
	}
	var zero T
	fail("%v has no %T", st, zero)
	return zero
}

func check(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func expect(ok bool, format string, args ...any) {
	if !ok {
		fail(format, args...)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "grpcprobe: "+format+"\n", args...)
	os.Exit(1)
}
