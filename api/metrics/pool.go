package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// RegisterPool adds the database pool's statistics, read from pool.Stat() at each scrape.
func (m *Metrics) RegisterPool(pool *pgxpool.Pool) {
	if m == nil || pool == nil {
		return
	}
	m.reg.MustRegister(poolCollector{pool: pool})
}

var (
	poolAcquired = prometheus.NewDesc("pairup_db_pool_acquired_conns",
		"Database connections in use now.", nil, nil)
	poolIdle = prometheus.NewDesc("pairup_db_pool_idle_conns",
		"Database connections idle in the pool now.", nil, nil)
	poolTotal = prometheus.NewDesc("pairup_db_pool_total_conns",
		"Database connections open now (acquired, idle and being opened).", nil, nil)
	poolMax = prometheus.NewDesc("pairup_db_pool_max_conns",
		"The pool's connection limit (pool_max_conns).", nil, nil)
	poolAcquires = prometheus.NewDesc("pairup_db_pool_acquires_total",
		"Connections acquired from the pool.", nil, nil)
	poolAcquireSeconds = prometheus.NewDesc("pairup_db_pool_acquire_duration_seconds_total",
		"Time spent waiting for pool connections, in total.", nil, nil)
	poolEmptyAcquires = prometheus.NewDesc("pairup_db_pool_empty_acquires_total",
		"Acquires that found no idle connection and had to wait for one or open one.", nil, nil)
	poolCanceledAcquires = prometheus.NewDesc("pairup_db_pool_canceled_acquires_total",
		"Acquires given up because their context ended.", nil, nil)
)

// poolCollector reads pgxpool.Stat() when scraped.
type poolCollector struct{ pool *pgxpool.Pool }

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires, poolAcquireSeconds, poolEmptyAcquires, poolCanceledAcquires} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolAcquireSeconds, prometheus.CounterValue, s.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolEmptyAcquires, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolCanceledAcquires, prometheus.CounterValue, float64(s.CanceledAcquireCount()))
}
