package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// metricsConfig is where Prometheus metrics are served.
type metricsConfig struct {
	// Addr is the metrics listener's host:port (PAIRUP_METRICS_ADDR); "" serves no metrics.
	// It is never the API's address: metrics are for the monitoring network only.
	Addr string
}

func loadMetricsConfig(getenv func(string) string) (metricsConfig, error) {
	v := strings.TrimSpace(getenv("PAIRUP_METRICS_ADDR"))
	if v == "" {
		return metricsConfig{}, nil
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return metricsConfig{}, fmt.Errorf("PAIRUP_METRICS_ADDR=%q is not a host:port such as 127.0.0.1:9090", v)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return metricsConfig{}, fmt.Errorf("PAIRUP_METRICS_ADDR=%q has no port from 0 to 65535", v)
	}
	return metricsConfig{Addr: net.JoinHostPort(host, port)}, nil
}
