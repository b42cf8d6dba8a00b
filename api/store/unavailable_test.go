package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/pairup/pairup/api/pairup"
	"github.com/pairup/pairup/internal/pgcluster"
)

// TestIsUnavailable classifies the errors a real server and a real driver produce: a live
// server's answers (no rows, a failed statement, a cancelled caller) are no outage; a closed
// port, a server stopped under an open pool, and a restarting server are. The store's own
// methods mark theirs, so callers see EUNAVAILABLE however they wrap it.
func TestIsUnavailable(t *testing.T) {
	ctx := context.Background()
	cluster := pgcluster.Start(t)
	pool, err := pgxpool.New(ctx, cluster.URL()+"&pool_max_conns=4")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := Migrate(ctx, pool, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	st := New(pool)

	want := func(t *testing.T, what string, err error, unavailable bool) {
		t.Helper()
		if err == nil && unavailable {
			t.Fatalf("%s: no error", what)
		}
		if got := IsUnavailable(err); got != unavailable {
			t.Errorf("IsUnavailable(%s: %T %v) = %v, want %v", what, err, err, got, unavailable)
		}
		if got := IsUnavailable(fmt.Errorf("wrapped: %w", err)); got != unavailable && err != nil {
			t.Errorf("IsUnavailable(wrapped %s) = %v, want %v", what, got, unavailable)
		}
	}

	t.Run("live server", func(t *testing.T) {
		want(t, "nil", nil, false)
		var n int
		want(t, "no rows", pool.QueryRow(ctx, "SELECT 1 WHERE false").Scan(&n), false)
		_, err := pool.Exec(ctx, "SELECT 1/0")
		want(t, "division by zero", err, false)
		_, err = pool.Exec(ctx, "INSERT INTO settings (key) VALUES (NULL)")
		want(t, "not-null violation", err, false)

		// A client that went away cancels its request's context: no outage, marked or not.
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		_, err = pool.Exec(cancelled, "SELECT 1")
		want(t, "cancelled context", err, false)
		_, err = st.Person(cancelled, "30000000")
		want(t, "store read with a cancelled context", err, false)
		if pairup.ErrorCode(err) == pairup.EUNAVAILABLE {
			t.Errorf("store read with a cancelled context: code %s", pairup.ErrorCode(err))
		}

		// A store read that finds nothing is ENOTFOUND, untouched by the marking.
		_, err = st.Person(ctx, "30000000")
		if pairup.ErrorCode(err) != pairup.ENOTFOUND {
			t.Errorf("Person of no one: %v, want ENOTFOUND", err)
		}
		want(t, "not found", err, false)
	})

	t.Run("closed port", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		conn, err := pgx.Connect(ctx, "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=5")
		if err == nil {
			conn.Close(ctx)
			t.Fatalf("connected to the closed port %s", addr)
		}
		var ce *pgconn.ConnectError
		if !errors.As(err, &ce) {
			t.Errorf("connect to a closed port: %T %v, want a *pgconn.ConnectError", err, err)
		}
		want(t, "connect to a closed port", err, true)
		_, err = net.Dial("tcp", addr)
		want(t, "dial a closed port", err, true)

		// A pool (and a store) on the closed port: acquiring fails.
		dead, err := pgxpool.New(ctx, "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=5")
		if err != nil {
			t.Fatal(err)
		}
		defer dead.Close()
		_, err = dead.Exec(ctx, "SELECT 1")
		want(t, "pool on a closed port", err, true)
		_, err = New(dead).Person(ctx, "30000000")
		wantMarked(t, "store on a closed port", err)
	})

	t.Run("server stopped and restarted", func(t *testing.T) {
		// Open connections in the pool first, so the stop cuts them rather than refusing new ones.
		conns := make([]*pgxpool.Conn, 3)
		for i := range conns {
			if conns[i], err = pool.Acquire(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range conns {
			c.Release()
		}
		if err := cluster.Stop("immediate"); err != nil {
			t.Fatal(err)
		}
		restarted := false
		defer func() {
			if !restarted {
				if err := cluster.Start(); err != nil {
					t.Error(err)
				}
			}
		}()
		// Each call may meet a cut connection (57P01, EOF, reset) or a refused new one.
		for i := range 4 {
			_, err := pool.Exec(ctx, "SELECT 1")
			want(t, fmt.Sprintf("raw query %d on a stopped server", i), err, true)
			_, err = st.Person(ctx, "30000000")
			wantMarked(t, fmt.Sprintf("store read %d on a stopped server", i), err)
			err = st.InTx(ctx, func(tx *Tx) error {
				_, err := tx.Person(ctx, "30000000")
				return err
			})
			wantMarked(t, fmt.Sprintf("transaction %d on a stopped server", i), err)
		}
		if err := st.Ping(ctx); pairup.ErrorCode(err) != pairup.EUNAVAILABLE || !IsUnavailable(err) {
			t.Errorf("Ping of a stopped server: %v", err)
		}

		restarted = true
		if err := cluster.Start(); err != nil {
			t.Fatal(err)
		}
		_, err = st.Person(ctx, "30000000")
		if pairup.ErrorCode(err) != pairup.ENOTFOUND {
			t.Errorf("Person after the restart: %v, want ENOTFOUND", err)
		}
	})

	t.Run("server answers", func(t *testing.T) {
		for code, unavailable := range map[string]bool{
			"08006": true, "08001": true, "57P01": true, "57P02": true, "57P03": true, "53300": true,
			"57014": false, "23505": false, "40001": false, "28P01": false, "3D000": false, "53200": false,
		} {
			want(t, "SQLSTATE "+code, &pgconn.PgError{Code: code}, unavailable)
		}
	})

	t.Run("plain io errors", func(t *testing.T) {
		// io.EOF ends any reader (a WebSocket, a request body): only the store's own counts.
		want(t, "io.EOF", io.EOF, false)
		want(t, "marked io.EOF", markUnavailable(io.EOF), true)
		want(t, "io.ErrUnexpectedEOF", io.ErrUnexpectedEOF, true)
		if err := markUnavailable(pgx.ErrNoRows); err != pgx.ErrNoRows {
			t.Errorf("markUnavailable(ErrNoRows) = %v, want it unchanged", err)
		}
		want(t, "marked cancel", markUnavailable(context.Canceled), false)
	})
}

// wantMarked checks that an error of the store carries ErrUnavailable: EUNAVAILABLE for any use
// case that asks for the code.
func wantMarked(t *testing.T, what string, err error) {
	t.Helper()
	wrapped := fmt.Errorf("use case: %w", err)
	if !errors.Is(wrapped, ErrUnavailable) || pairup.ErrorCode(wrapped) != pairup.EUNAVAILABLE || !IsUnavailable(wrapped) {
		t.Errorf("%s: %T %v is not marked unavailable (code %q)", what, err, err, pairup.ErrorCode(wrapped))
	}
}
