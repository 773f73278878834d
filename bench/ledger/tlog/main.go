// SPDX-License-Identifier: Apache-2.0
// bench/ledger (a), Go baseline: the same entries appended with
// golang.org/x/mod/sumdb/tlog (StoredHashes into an in-memory slice, the
// reader the package's own tests use), best of REPS; prints key=value lines
// and the root for comparison with custodia's. GOPATH mode (no module):
// GO111MODULE=off GOPATH=/usr/share/gocode go build.
//
// Usage: tlog FILE REPS
package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: tlog FILE REPS")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	reps, _ := strconv.Atoi(os.Args[2])
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	n := int64(len(lines))
	var hashes []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	best := time.Duration(1 << 62)
	for r := 0; r < reps; r++ {
		hashes = make([]tlog.Hash, 0, 2*n+64)
		t0 := time.Now()
		for i := int64(0); i < n; i++ {
			h, err := tlog.StoredHashes(i, lines[i], reader)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			hashes = append(hashes, h...)
		}
		if d := time.Since(t0); d < best {
			best = d
		}
	}
	root, err := tlog.TreeHash(n, reader)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("go_n=%d\ngo_rate=%.0f\ngo_root=%s\n", n, float64(n)/best.Seconds(),
		hex.EncodeToString(root[:]))
}
