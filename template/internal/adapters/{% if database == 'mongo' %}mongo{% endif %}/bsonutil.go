package mongo

import (
	"errors"
	"strings"

	"github.com/google/uuid"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// duplicateKey is the server's error code of a write that breaks a unique index.
const duplicateKey = 11000

// duplicateKeyIndex reports whether err is a write refused for breaking a unique index, and
// the name of that index. MongoDB names it in the message ("E11000 duplicate key error
// collection: db.customers index: customers_email_key dup key: ..."); a server that does not
// (FerretDB v1) gives "".
func duplicateKeyIndex(err error) (string, bool) {
	var we mongo.WriteException
	if !errors.As(err, &we) {
		return "", false
	}
	for _, e := range we.WriteErrors {
		if e.Code != duplicateKey {
			continue
		}
		_, after, found := strings.Cut(e.Message, " index: ")
		if !found {
			return "", true
		}
		index, _, _ := strings.Cut(after, " ")
		return index, true
	}
	return "", false
}

// uuidBinary is id as BSON binary of the UUID subtype, the standard encoding of UUIDs in
// MongoDB.
func uuidBinary(id uuid.UUID) bson.Binary {
	return bson.Binary{Subtype: bson.TypeBinaryUUID, Data: id[:]}
}
