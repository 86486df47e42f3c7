package grpcapi

import (
	"context"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// healthService is grpc.health.v1 for the server's services: each of them, and the server as
// a whole (the empty service name), is SERVING while the readiness checks of the service's
// dependencies pass, and NOT_SERVING otherwise and from the start of shutdown on.
type healthService struct {
	healthpb.UnimplementedHealthServer

	services map[string]bool

	mu      sync.Mutex
	serving bool
	// changed is closed, and replaced, whenever serving changes or shutdown begins.
	changed  chan struct{}
	stopping bool
}

// newHealthService returns the health service of the services in info, NOT_SERVING until
// setReady says otherwise.
func newHealthService(info map[string]grpc.ServiceInfo) *healthService {
	services := map[string]bool{"": true}
	for name := range info {
		services[name] = true
	}
	return &healthService{services: services, changed: make(chan struct{})}
}

// setReady records the outcome of the readiness checks and reports whether it changed what
// the service reports. After shutdown it changes nothing.
func (h *healthService) setReady(ready bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopping || h.serving == ready {
		return false
	}
	h.serving = ready
	h.notify()
	return true
}

// shutdown reports NOT_SERVING from now on and ends every watch once it has been told so.
func (h *healthService) shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopping {
		return
	}
	h.serving, h.stopping = false, true
	h.notify()
}

// notify wakes every watch; h.mu must be held.
func (h *healthService) notify() {
	close(h.changed)
	h.changed = make(chan struct{})
}

func (h *healthService) state() (healthpb.HealthCheckResponse_ServingStatus, <-chan struct{}, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.serving {
		return healthpb.HealthCheckResponse_SERVING, h.changed, h.stopping
	}
	return healthpb.HealthCheckResponse_NOT_SERVING, h.changed, h.stopping
}

// Check answers the status of a service of the server; an unknown service is NOT_FOUND.
func (h *healthService) Check(_ context.Context, req *healthpb.HealthCheckRequest) (*healthpb.HealthCheckResponse, error) {
	if !h.services[req.GetService()] {
		return nil, status.Errorf(codes.NotFound, "unknown service %q", req.GetService())
	}
	serving, _, _ := h.state()
	return &healthpb.HealthCheckResponse{Status: serving}, nil
}

// List answers the status of every service of the server.
func (h *healthService) List(context.Context, *healthpb.HealthListRequest) (*healthpb.HealthListResponse, error) {
	serving, _, _ := h.state()
	resp := &healthpb.HealthListResponse{Statuses: make(map[string]*healthpb.HealthCheckResponse, len(h.services))}
	for name := range h.services {
		resp.Statuses[name] = &healthpb.HealthCheckResponse{Status: serving}
	}
	return resp, nil
}

// Watch sends the status of a service of the server, then every change of it, until the
// client ends the call or the server shuts down: then it sends NOT_SERVING and ends the call
// with UNAVAILABLE, so that a graceful stop does not wait for the watches. An unknown service
// gets SERVICE_UNKNOWN once.
func (h *healthService) Watch(req *healthpb.HealthCheckRequest, stream healthpb.Health_WatchServer) error {
	known := h.services[req.GetService()]
	var last healthpb.HealthCheckResponse_ServingStatus = -1
	for {
		serving, changed, stopping := h.state()
		if !known {
			serving = healthpb.HealthCheckResponse_SERVICE_UNKNOWN
		}
		if serving != last {
			if err := stream.Send(&healthpb.HealthCheckResponse{Status: serving}); err != nil {
				return err
			}
			last = serving
		}
		if stopping {
			return status.Error(codes.Unavailable, "the server is shutting down")
		}
		select {
		case <-changed:
		case <-stream.Context().Done():
			return status.FromContextError(stream.Context().Err()).Err()
		}
	}
}
