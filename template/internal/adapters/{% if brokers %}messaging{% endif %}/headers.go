package messaging

import (
	"errors"
	"fmt"
	"maps"
	"time"
)

// CloudEvents attributes carried as headers, without the prefix of a protocol binding.
const (
	attrSpecVersion = "specversion"
	attrID          = "id"
	attrSource      = "source"
	attrType        = "type"
	attrSubject     = "subject"
	attrTime        = "time"
)

// Headers returns the headers of m in binary content mode: its CloudEvents attributes, each
// name after prefix (the protocol binding's: "ce_" for Kafka, "ce-" for NATS,
// "cloudEvents:" for AMQP), and its other headers as they are. The data content type is not
// among them: each protocol has a place of its own for it.
func Headers(m Message, prefix string) map[string]string {
	h := make(map[string]string, len(m.Headers)+6)
	maps.Copy(h, m.Headers)
	h[prefix+attrSpecVersion] = SpecVersion
	h[prefix+attrID] = m.ID
	h[prefix+attrSource] = m.Source
	h[prefix+attrType] = m.Type
	if m.Subject != "" {
		h[prefix+attrSubject] = m.Subject
	}
	if !m.Time.IsZero() {
		h[prefix+attrTime] = m.Time.UTC().Format(time.RFC3339Nano)
	}
	return h
}

// FromHeaders reads a message in binary content mode from its headers, whose CloudEvents
// attributes are named after prefix, and its data. The other headers are kept. It fails on a
// message that is not a CloudEvent this service can read; the message is returned anyway,
// with what could be read, for the dead letters.
func FromHeaders(prefix string, headers map[string]string, contentType string, data []byte) (Message, error) {
	m := Message{Data: data, Headers: map[string]string{}}
	var errs []error
	for name, value := range headers {
		switch name {
		case prefix + attrSpecVersion:
			if value != SpecVersion {
				errs = append(errs, fmt.Errorf("unsupported CloudEvents specversion %q", value))
			}
		case prefix + attrID:
			m.ID = value
		case prefix + attrSource:
			m.Source = value
		case prefix + attrType:
			m.Type = value
		case prefix + attrSubject:
			m.Subject = value
		case prefix + attrTime:
			t, err := time.Parse(time.RFC3339Nano, value)
			if err != nil {
				errs = append(errs, fmt.Errorf("the time %q is not RFC 3339", value))
			}
			m.Time = t
		default:
			m.Headers[name] = value
		}
	}
	if _, ok := headers[prefix+attrSpecVersion]; !ok {
		errs = append(errs, errors.New("the message is not a CloudEvent in binary content mode: no specversion"))
	}
	if contentType != ContentType {
		errs = append(errs, fmt.Errorf("unsupported content type %q, want %s", contentType, ContentType))
	}
	return m, errors.Join(errs...)
}
