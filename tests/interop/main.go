// Command checkproof verifies VaxTrail audit checkpoints and proofs with the Go module's own
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog, an implementation that is not ours.
//
// Input (JSON on stdin): the verifier key, a signed checkpoint, the event (envelope fields and payload,
// from which this program recomputes the event's chain hash by the rule of docs/architecture.md
// "Hash chain"), its inclusion proof, and optionally an older signed checkpoint with a consistency proof.
// It prints what it verified and exits 0, or prints why not and exits 1.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type event struct {
	EventID          string  `json:"event_id"`
	EventType        string  `json:"event_type"`
	AggregateType    string  `json:"aggregate_type"`
	AggregateID      string  `json:"aggregate_id"`
	AggregateVersion int64   `json:"aggregate_version"`
	OccurredAt       string  `json:"occurred_at"`
	RecordedAt       string  `json:"recorded_at"`
	Producer         string  `json:"producer"`
	ActorID          string  `json:"actor_id"`
	ActorRole        string  `json:"actor_role"`
	CorrelationID    string  `json:"correlation_id"`
	CausationID      string  `json:"causation_id"`
	IdempotencyKey   *string `json:"idempotency_key"`
	Payload          string  `json:"payload"`   // base64
	PrevHash         string  `json:"prev_hash"` // hex
}

type input struct {
	VerifierKey   string   `json:"verifier_key"`
	Checkpoint    string   `json:"checkpoint"`
	Event         event    `json:"event"`
	LeafIndex     int64    `json:"leaf_index"`
	Inclusion     []string `json:"inclusion"`
	OldCheckpoint string   `json:"old_checkpoint"`
	Consistency   []string `json:"consistency"`
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func framed(b []byte) []byte {
	out := make([]byte, 4, 4+len(b))
	binary.BigEndian.PutUint32(out, uint32(len(b)))
	return append(out, b...)
}

// chainHash is SHA-256(prev_hash || canonical bytes), the event's hash and its log leaf's data.
func chainHash(e event) ([]byte, error) {
	payload, err := base64.StdEncoding.DecodeString(e.Payload)
	if err != nil {
		return nil, fmt.Errorf("payload: %v", err)
	}
	prev, err := hex.DecodeString(e.PrevHash)
	if err != nil || len(prev) != 32 {
		return nil, fmt.Errorf("prev_hash is not 32 bytes of hex")
	}
	var canonical bytes.Buffer
	canonical.Write(framed([]byte("vaxtrail.event.v2")))
	for _, text := range []string{e.EventID, e.EventType, e.AggregateType, e.AggregateID,
		strconv.FormatInt(e.AggregateVersion, 10), e.OccurredAt, e.RecordedAt, e.Producer, e.ActorID,
		e.ActorRole, e.CorrelationID, e.CausationID} {
		canonical.Write(framed([]byte(text)))
	}
	if e.IdempotencyKey == nil {
		canonical.WriteByte(0)
	} else {
		canonical.WriteByte(1)
		canonical.Write(framed([]byte(*e.IdempotencyKey)))
	}
	canonical.Write(framed(payload))
	sum := sha256.Sum256(append(prev, canonical.Bytes()...))
	return sum[:], nil
}

func open(signed string, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open([]byte(signed), note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return checkpoint{}, fmt.Errorf("checkpoint body has %d lines", len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, fmt.Errorf("tree size: %v", err)
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("root hash: %v", err)
	}
	if lines[0] != verifier.Name() {
		return checkpoint{}, fmt.Errorf("origin %q is not the key name %q", lines[0], verifier.Name())
	}
	return checkpoint{lines[0], size, root}, nil
}

func hashes(encoded []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(encoded))
	for i, s := range encoded {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func run() error {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		return fmt.Errorf("input: %v", err)
	}
	verifier, err := note.NewVerifier(in.VerifierKey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	cp, err := open(in.Checkpoint, verifier)
	if err != nil {
		return err
	}
	fmt.Printf("checkpoint: %s, %d leaves, signature verified by %s\n", cp.origin, cp.size, verifier.Name())
	leaf, err := chainHash(in.Event)
	if err != nil {
		return err
	}
	proof, err := hashes(in.Inclusion)
	if err != nil {
		return fmt.Errorf("inclusion proof: %v", err)
	}
	if err := tlog.CheckRecord(proof, cp.size, cp.root, in.LeafIndex, tlog.RecordHash(leaf)); err != nil {
		return fmt.Errorf("tlog.CheckRecord: event %s (hash %x) at leaf %d: %v", in.Event.EventID, leaf,
			in.LeafIndex, err)
	}
	fmt.Printf("inclusion: event %s (hash %x) is leaf %d\n", in.Event.EventID, leaf, in.LeafIndex)
	if in.OldCheckpoint != "" {
		old, err := open(in.OldCheckpoint, verifier)
		if err != nil {
			return err
		}
		tree, err := hashes(in.Consistency)
		if err != nil {
			return fmt.Errorf("consistency proof: %v", err)
		}
		if err := tlog.CheckTree(tree, cp.size, cp.root, old.size, old.root); err != nil {
			return fmt.Errorf("tlog.CheckTree %d -> %d: %v", old.size, cp.size, err)
		}
		fmt.Printf("consistency: tree %d is a prefix of tree %d\n", old.size, cp.size)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Println("FAILED:", err)
		os.Exit(1)
	}
}
