// Command jsleader prints the name of the NATS server that leads a JetStream stream, asking the
// JetStream API ($JS.API.STREAM.INFO.<stream>) from outside the cluster. test/compose/run.sh
// uses it to wait until JetStream is ready (the stream has a leader and every replica is
// current) and to find the node to kill.
//
//	jsleader --nats-url nats://127.0.0.1:4222,nats://127.0.0.1:4223 --stream KV_fleetbackup_ops
//
// It retries until --wait has passed: exit status 0 with the leader's name on stdout, 1 when the
// stream never had a leader with all replicas current in that time (the last answer on stderr).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// streamInfo is the part of the JetStream API's stream info answer this command reads.
type streamInfo struct {
	Error *struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	} `json:"error"`
	Cluster *struct {
		Leader   string `json:"leader"`
		Replicas []struct {
			Name    string `json:"name"`
			Current bool   `json:"current"`
			Offline bool   `json:"offline"`
		} `json:"replicas"`
	} `json:"cluster"`
}

func main() {
	url := flag.String("nats-url", nats.DefaultURL, "NATS server `URLs`, comma-separated")
	stream := flag.String("stream", "KV_fleetbackup_ops", "`STREAM` whose leader to print")
	wait := flag.Duration("wait", 30*time.Second, "how long to retry")
	current := flag.Bool("current", true, "also wait until every replica is current")
	flag.Parse()
	leader, err := waitLeader(*url, *stream, *wait, *current)
	if err != nil {
		fmt.Fprintf(os.Stderr, "jsleader: %s: %v\n", *stream, err)
		os.Exit(1)
	}
	fmt.Println(leader)
}

func waitLeader(url, stream string, wait time.Duration, current bool) (string, error) {
	deadline := time.Now().Add(wait)
	nc, err := nats.Connect(url, nats.IgnoreDiscoveredServers(), nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1), nats.ReconnectWait(250*time.Millisecond), nats.Timeout(2*time.Second))
	if err != nil {
		return "", err
	}
	defer nc.Close()
	for {
		leader, err := askLeader(nc, stream, current)
		if err == nil {
			return leader, nil
		}
		if time.Now().After(deadline) {
			return "", err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func askLeader(nc *nats.Conn, stream string, current bool) (string, error) {
	msg, err := nc.Request("$JS.API.STREAM.INFO."+stream, nil, 2*time.Second)
	if err != nil {
		return "", err
	}
	var info streamInfo
	if err := json.Unmarshal(msg.Data, &info); err != nil {
		return "", fmt.Errorf("bad answer %q: %w", msg.Data, err)
	}
	switch {
	case info.Error != nil:
		return "", fmt.Errorf("JetStream API error %d: %s", info.Error.Code, info.Error.Description)
	case info.Cluster == nil || info.Cluster.Leader == "":
		return "", errors.New("no leader")
	}
	var lagging []string
	for _, r := range info.Cluster.Replicas {
		if !r.Current || r.Offline {
			lagging = append(lagging, r.Name)
		}
	}
	if current && len(lagging) > 0 {
		return "", fmt.Errorf("leader %s, replicas not current: %s", info.Cluster.Leader, strings.Join(lagging, ", "))
	}
	return info.Cluster.Leader, nil
}
