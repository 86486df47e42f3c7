// Package mongo implements the application's ports on MongoDB with the official Go driver v2:
// one document per aggregate, indexes ensured at start, duplicate keys mapped to the domain's
// errors, and a version field on every document for optimistic locking of updates.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// ErrUnavailable is what the readiness check reports when the deployment does not answer. The
// driver's own errors describe the topology (host names, ports, replica set members): they
// go to the log, not to the probe's body.
var ErrUnavailable = errors.New("mongodb did not answer a ping")

// NewClient returns a client of the deployment at cfg.URI, with cfg's timeouts and pool sizes,
// reporting every command to monitor when it is not nil. It does not wait for the deployment:
// Ping does.
func NewClient(cfg Config, monitor *event.CommandMonitor) (*mongo.Client, error) {
	opts := options.Client().
		ApplyURI(cfg.URI.Value()).
		SetConnectTimeout(cfg.ConnectTimeout).
		SetServerSelectionTimeout(cfg.ServerSelectionTimeout).
		SetTimeout(cfg.OperationTimeout).
		SetMaxPoolSize(poolSize(cfg.MaxPoolSize)).
		SetMinPoolSize(poolSize(cfg.MinPoolSize))
	if monitor != nil {
		opts.SetMonitor(monitor)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		// The driver's error may quote the URI's options, secrets included: name the
		// variable only.
		return nil, errors.New("MONGODB_URI is not a usable MongoDB connection string " +
			"(a mongodb+srv:// address also needs its DNS records to resolve)")
	}
	return client, nil
}

// poolSize converts a pool size of the configuration, never negative, for the driver.
func poolSize(n int32) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// Ping checks that the primary of the deployment answers, within the client's operation
// timeout unless ctx ends sooner.
func Ping(ctx context.Context, client *mongo.Client) error {
	if err := client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("ping mongodb: %w", err)
	}
	return nil
}

// ReadinessCheck returns the readiness check of client: a ping, whose failure is logged in
// full and reported as ErrUnavailable.
func ReadinessCheck(client *mongo.Client, logger *slog.Logger) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := Ping(ctx, client); err != nil {
			logger.WarnContext(ctx, "readiness check failed", slog.String("check", "mongo"), slog.Any("error", err))
			return ErrUnavailable
		}
		return nil
	}
}

// Disconnect closes the client's connections, letting the operations in flight finish until
// ctx is done.
func Disconnect(ctx context.Context, client *mongo.Client) error {
	if err := client.Disconnect(ctx); err != nil {
		return fmt.Errorf("disconnect from mongodb: %w", err)
	}
	return nil
}

// EnsureIndexes creates the indexes of every collection of the service in db, unless they
// exist already. Creating an index that exists with the same keys and options does nothing,
// so every replica may run it at start.
func EnsureIndexes(ctx context.Context, db *mongo.Database) error {
	for _, c := range collections {
		if len(c.indexes) == 0 {
			continue
		}
		if _, err := db.Collection(c.name).Indexes().CreateMany(ctx, c.indexes); err != nil {
			return fmt.Errorf("create the indexes of %s: %w", c.name, err)
		}
	}
	return nil
}

// collection is a collection of the service and the indexes it needs.
type collection struct {
	name    string
	indexes []mongo.IndexModel
}
