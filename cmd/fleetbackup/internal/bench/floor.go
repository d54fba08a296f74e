package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/fleetbackup/fleetbackup/pkg/bus"
)

// FloorConfig sizes the floor scenario.
type FloorConfig struct {
	Ops    int  // operations timed back to back (default 1000)
	NoSync bool // the embedded server's NoSync
	// Reads adds a KV read of the record before each compare-and-swap, as a worker that
	// does not know the record's revision must do.
	Reads bool
}

// FloorRow is the cost of the calls one operation cannot avoid, with nothing else running.
type FloorRow struct {
	Sync    bool    `json:"sync"`
	Reads   bool    `json:"reads"`
	Ops     int     `json:"ops"`
	MsPerOp float64 `json:"ms_per_op"`
}

// The floor uses the finalizer's subject and durable consumer, which see no other traffic since
// no service runs.
const (
	floorConsumer = bus.ConsumerFinalizer
	floorKind     = bus.OpFinalize
)

// floorRecord stands for an operation record: about the size of a real one.
var floorRecord = []byte(`{"op":{"sequence":0,"operation_id":"` + strings.Repeat("x", 64) +
	`","kind":"verify-artifact","state":"pending"},"deps":{"need":1,"done":"AQ=="},"claim":` +
	`{"worker":"bench-0","attempt":1,"lease_until_unix_ms":0},"attempts":1,"receipts":[]` +
	strings.Repeat(" ", 200) + `}`)

// Floor measures, on a fresh embedded server with the installation's streams, consumers and
// buckets (bus.Setup), the KV and publish calls one operation needs, back to back with
// nats.go: fetch its message from the work-queue stream, claim and complete its record with
// two compare-and-swap updates on one key, publish the next operation's message with a
// message id, and acknowledge. The records are created beforehand, untimed.
func Floor(ctx context.Context, cfg FloorConfig) (FloorRow, error) {
	if cfg.Ops <= 0 {
		cfg.Ops = 1000
	}
	dir, err := os.MkdirTemp("", "fleetbackup-bench-floor-")
	if err != nil {
		return FloorRow{}, err
	}
	defer os.RemoveAll(dir)
	srv, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: dir, Port: -1, NoSync: cfg.NoSync})
	if err != nil {
		return FloorRow{}, err
	}
	defer func() { srv.Shutdown(); srv.WaitForShutdown() }()
	nc, js, err := bus.Connect(bus.ConnectConfig{InProcess: srv, Name: "fleetbackup-bench-floor"})
	if err != nil {
		return FloorRow{}, err
	}
	defer nc.Close()
	elapsed, err := floorLoop(ctx, js, cfg)
	if err != nil {
		return FloorRow{}, err
	}
	return FloorRow{Sync: !cfg.NoSync, Reads: cfg.Reads, Ops: cfg.Ops, MsPerOp: ms(elapsed) / float64(cfg.Ops)}, nil
}

// floorLoop sets up the installation's names, seeds the records and the first message, and
// times cfg.Ops operations.
func floorLoop(ctx context.Context, js jetstream.JetStream, cfg FloorConfig) (time.Duration, error) {
	ops := cfg.Ops
	names, err := bus.NewNames("")
	if err != nil {
		return 0, err
	}
	if err := bus.Setup(ctx, js, names, bus.SetupConfig{}); err != nil {
		return 0, err
	}
	kv, err := js.KeyValue(ctx, names.OpsBucket())
	if err != nil {
		return 0, err
	}
	cons, err := js.Consumer(ctx, names.OpStream(), floorConsumer)
	if err != nil {
		return 0, fmt.Errorf("binding consumer %s: %w", floorConsumer, err)
	}
	revs := make([]uint64, ops)
	for i := range ops {
		if revs[i], err = kv.Create(ctx, floorKey(i), floorRecord); err != nil {
			return 0, err
		}
	}
	subject := names.OpSubject(floorKind)
	if _, err := js.Publish(ctx, subject, floorRecord[:64], jetstream.WithMsgID(floorKey(0))); err != nil {
		return 0, err
	}
	f := floorOp{js: js, kv: kv, cons: cons, subject: subject, reads: cfg.Reads}
	start := time.Now()
	for i := range ops {
		if err := f.run(ctx, i, revs[i], i+1 < ops); err != nil {
			return 0, fmt.Errorf("operation %d: %w", i, err)
		}
	}
	return time.Since(start), nil
}

// floorOp is what one operation of the floor works with.
type floorOp struct {
	js      jetstream.JetStream
	kv      jetstream.KeyValue
	cons    jetstream.Consumer
	subject string
	reads   bool
}

// run is operation i: fetch, claim, complete, publish the next (unless last), ack.
func (f floorOp) run(ctx context.Context, i int, rev uint64, next bool) error {
	msg, err := f.cons.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		return fmt.Errorf("fetching: %w", err)
	}
	key := floorKey(i)
	for _, step := range []string{"claiming", "completing"} {
		if rev, err = f.cas(ctx, key, rev); err != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
	}
	if next {
		_, err = f.js.PublishMsg(ctx, &nats.Msg{Subject: f.subject, Data: floorRecord[:64]},
			jetstream.WithMsgID(floorKey(i+1)))
		if err != nil {
			return fmt.Errorf("publishing: %w", err)
		}
	}
	return msg.Ack()
}

// cas writes the record at rev, or at the revision it reads first when the floor reads.
func (f floorOp) cas(ctx context.Context, key string, rev uint64) (uint64, error) {
	if f.reads {
		e, err := f.kv.Get(ctx, key)
		if err != nil {
			return 0, err
		}
		rev = e.Revision()
	}
	return f.kv.Update(ctx, key, floorRecord, rev)
}

func floorKey(i int) string { return "floor." + strconv.Itoa(i) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
