// SPDX-License-Identifier: Apache-2.0

// Command tlogcheck audits a running custodia server's ledger with Go's
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog packages: it
// opens the signed checkpoint (C2SP signed-note, tlog-checkpoint), reads the
// C2SP tlog-tiles under /log/tile/, and checks with x/mod's own code that
// every entry is included in the checkpoint's tree, that the tree is
// consistent with every earlier size and with an earlier checkpoint, and
// that custodia's RFC 9162 proofs (/api/v1/ledger/proof/...) are the very
// proofs x/mod computes.
//
// Usage:
//
//	tlogcheck -url http://127.0.0.1:PORT -vkey VKEY [-old FILE] [-want-size N]
//	          [-wait 5s] [-save FILE]
//
// Without -old it audits the latest checkpoint. With -old FILE (a checkpoint
// saved by an earlier run) it first waits for a checkpoint larger than that
// one (and at least -want-size entries), audits it and proves it consistent
// with the old one. -save writes the audited checkpoint to FILE.
//
// Prints "ok   ..." or "FAIL ..." per check and "tlogcheck: N passed, M
// failed"; exits 1 if a check failed, 2 on a usage error.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8 // C2SP tlog-tiles: 256-wide tiles

var (
	baseURL  string
	client   = &http.Client{Timeout: 15 * time.Second}
	passed   int
	failed   int
	requests int
)

func ok(format string, args ...interface{}) {
	passed++
	fmt.Printf("ok   "+format+"\n", args...)
}

func fail(format string, args ...interface{}) {
	failed++
	fmt.Printf("FAIL "+format+"\n", args...)
}

// finish prints the summary and exits.
func finish() {
	fmt.Printf("tlogcheck: %d passed, %d failed (%d HTTP requests)\n", passed, failed, requests)
	if failed > 0 {
		os.Exit(1)
	}
	os.Exit(0)
}

// fatal records a failed check that makes the rest meaningless and stops.
func fatal(format string, args ...interface{}) {
	fail(format, args...)
	finish()
}

// problems collects the failures of a check run over many indexes and
// reports the first few of them.
type problems struct {
	n     int
	first []string
}

func (p *problems) add(format string, args ...interface{}) {
	p.n++
	if len(p.first) < 5 {
		p.first = append(p.first, fmt.Sprintf(format, args...))
	}
}

func (p *problems) report(what string) {
	if p.n == 0 {
		ok("%s", what)
		return
	}
	fail("%s: %d problem(s)", what, p.n)
	for _, s := range p.first {
		fmt.Printf("     | %s\n", s)
	}
}

// get fetches path from the server and returns the body of a 200 response.
func get(path string) ([]byte, error) {
	requests++
	resp, err := client.Get(baseURL + path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		if len(body) > 200 {
			body = body[:200]
		}
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", path, resp.StatusCode, bytes.TrimSpace(body))
	}
	return body, nil
}

func getJSON(path string, v interface{}) error {
	body, err := get(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("GET %s: bad JSON: %v", path, err)
	}
	return nil
}

// ---- checkpoints -----------------------------------------------------------

type checkpoint struct {
	raw    []byte // the signed note as served
	origin string
	tree   tlog.Tree
}

// parseCheckpoint parses a C2SP tlog-checkpoint body: origin, decimal tree
// size, base64 root hash, then optional extension lines. (tlog.ParseTree
// only knows the go.sum database's "go.sum database tree" header.)
func parseCheckpoint(text string) (origin string, tree tlog.Tree, err error) {
	lines := strings.SplitAfterN(text, "\n", 4)
	if len(lines) < 3 || !strings.HasSuffix(lines[2], "\n") {
		return "", tree, fmt.Errorf("checkpoint body has fewer than three lines: %q", text)
	}
	origin = strings.TrimSuffix(lines[0], "\n")
	sizeLine := strings.TrimSuffix(lines[1], "\n")
	rootLine := strings.TrimSuffix(lines[2], "\n")
	if origin == "" {
		return "", tree, fmt.Errorf("checkpoint has an empty origin line")
	}
	n, err := strconv.ParseInt(sizeLine, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != sizeLine {
		return "", tree, fmt.Errorf("checkpoint size line %q is not a canonical decimal", sizeLine)
	}
	h, err := base64.StdEncoding.Strict().DecodeString(rootLine)
	if err != nil || len(h) != tlog.HashSize {
		return "", tree, fmt.Errorf("checkpoint root line %q is not a base64 SHA-256 hash", rootLine)
	}
	tree.N = n
	copy(tree.Hash[:], h)
	return origin, tree, nil
}

// openCheckpoint verifies a signed checkpoint with the node's key and parses it.
func openCheckpoint(raw []byte, verifiers note.Verifiers, keyName string) (*checkpoint, error) {
	n, err := note.Open(raw, verifiers)
	if err != nil {
		return nil, fmt.Errorf("note.Open: %v", err)
	}
	origin, tree, err := parseCheckpoint(n.Text)
	if err != nil {
		return nil, err
	}
	if len(n.Sigs) != 1 || n.Sigs[0].Name != keyName {
		return nil, fmt.Errorf("checkpoint is not signed by exactly the key %q", keyName)
	}
	if origin != keyName {
		return nil, fmt.Errorf("checkpoint origin %q is not the key name %q", origin, keyName)
	}
	return &checkpoint{raw: raw, origin: origin, tree: tree}, nil
}

func fetchCheckpoint(verifiers note.Verifiers, keyName string) (*checkpoint, error) {
	raw, err := get("/log/checkpoint")
	if err != nil {
		return nil, err
	}
	return openCheckpoint(raw, verifiers, keyName)
}

// ---- tiles -----------------------------------------------------------------

// tilePath maps an x/mod tile to custodia's C2SP URL: x/mod's Path() is
// "tile/8/L/N[.p/W]" with "data" for level -1; C2SP drops the height and
// calls the data tiles "entries".
func tilePath(t tlog.Tile) (string, error) {
	if t.H != tileHeight {
		return "", fmt.Errorf("tile of height %d requested; custodia serves height %d", t.H, tileHeight)
	}
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	if t.L == -1 {
		if !strings.HasPrefix(p, "data/") {
			return "", fmt.Errorf("unexpected x/mod data tile path %q", t.Path())
		}
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "/log/tile/" + p, nil
}

// tileReader is a tlog.TileReader over custodia's /log/tile/ URLs. Tiles are
// kept in memory once fetched (a tile path's bytes never change: a partial
// tile .p/W holds the first W hashes for good); tlog.TileHashReader
// authenticates them against the tree on every read regardless.
type tileReader struct {
	cache   map[string][]byte
	fetched int
	// tamper, if set, may alter a tile's bytes after they are read.
	tamper func(t tlog.Tile, data []byte) []byte
}

func newTileReader() *tileReader { return &tileReader{cache: map[string][]byte{}} }

func (r *tileReader) Height() int { return tileHeight }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if t.L < 0 {
			return nil, fmt.Errorf("tlog asked for data tile %s as hashes", t.Path())
		}
		p, err := tilePath(t)
		if err != nil {
			return nil, err
		}
		data, cached := r.cache[p]
		if !cached {
			if data, err = get(p); err != nil {
				return nil, err
			}
			if len(data) != t.W*tlog.HashSize {
				return nil, fmt.Errorf("%s has %d bytes, want %d (%d hashes)", p, len(data),
					t.W*tlog.HashSize, t.W)
			}
			r.cache[p] = data
			r.fetched++
		}
		if r.tamper != nil {
			data = r.tamper(t, append([]byte(nil), data...))
		}
		out[i] = data
	}
	return out, nil
}

func (r *tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

// readEntries reads the entries 0..n-1 from the entry bundles
// /log/tile/entries/N[.p/W]: each entry a 2-byte big-endian length and its bytes.
func readEntries(n int64) ([][]byte, error) {
	var entries [][]byte
	for k := int64(0); k<<tileHeight < n; k++ {
		w := n - k<<tileHeight
		if w > 1<<tileHeight {
			w = 1 << tileHeight
		}
		t := tlog.Tile{H: tileHeight, L: -1, N: k, W: int(w)}
		p, err := tilePath(t)
		if err != nil {
			return nil, err
		}
		data, err := get(p)
		if err != nil {
			return nil, err
		}
		for j := 0; j < int(w); j++ {
			if len(data) < 2 {
				return nil, fmt.Errorf("%s ends after %d of its %d entries", p, j, w)
			}
			l := int(data[0])<<8 | int(data[1])
			if len(data) < 2+l {
				return nil, fmt.Errorf("%s: entry %d says %d bytes, %d remain", p, j, l, len(data)-2)
			}
			entries = append(entries, data[2:2+l])
			data = data[2+l:]
		}
		if len(data) != 0 {
			return nil, fmt.Errorf("%s has %d bytes after its %d entries", p, len(data), w)
		}
	}
	return entries, nil
}

// ---- custodia's own proofs ---------------------------------------------------

type inclusionJSON struct {
	Index    int64    `json:"index"`
	Size     int64    `json:"size"`
	LeafHash string   `json:"leaf_hash"`
	Root     string   `json:"root"`
	Proof    []string `json:"proof"`
}

type consistencyJSON struct {
	From  int64    `json:"from"`
	To    int64    `json:"to"`
	Root1 string   `json:"root1"`
	Root2 string   `json:"root2"`
	Proof []string `json:"proof"`
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// sameProof compares custodia's base64 proof with x/mod's; "" if equal.
func sameProof(theirs []string, ours []tlog.Hash) string {
	if len(theirs) != len(ours) {
		return fmt.Sprintf("custodia's proof has %d hashes, x/mod's %d", len(theirs), len(ours))
	}
	for k := range ours {
		if theirs[k] != b64(ours[k]) {
			return fmt.Sprintf("hash %d: custodia %s, x/mod %s", k, theirs[k], b64(ours[k]))
		}
	}
	return ""
}

// ---- the audit ---------------------------------------------------------------

// auditTree checks everything about the tree of one verified checkpoint.
func auditTree(cp *checkpoint) {
	tree := cp.tree
	N := tree.N
	label := fmt.Sprintf("[size %d]", N)
	if N == 0 {
		ok("%s empty tree: nothing to prove", label)
		return
	}
	tr := newTileReader()
	hr := tlog.TileHashReader(tree, tr)

	th, err := tlog.TreeHash(N, hr)
	if err != nil {
		fatal("%s x/mod TileHashReader rejects custodia's hash tiles: %v", label, err)
	}
	if th != tree.Hash {
		fatal("%s x/mod computes root %s from the tiles, the checkpoint says %s", label, b64(th),
			b64(tree.Hash))
	}
	ok("%s x/mod authenticates custodia's hash tiles against the checkpoint root", label)

	entries, err := readEntries(N)
	if err != nil {
		fatal("%s entry bundles: %v", label, err)
	}
	if int64(len(entries)) != N {
		fatal("%s entry bundles hold %d entries, the tree %d", label, len(entries), N)
	}
	ok("%s the entry bundles /log/tile/entries/... hold exactly %d entries", label, N)

	// The bundles' bytes are the API's bytes.
	var pe problems
	for i := int64(0); i < N; i++ {
		var e struct {
			Index int64  `json:"index"`
			Entry string `json:"entry"`
		}
		if err := getJSON(fmt.Sprintf("/api/v1/ledger/entries/%d", i), &e); err != nil {
			pe.add("entry %d: %v", i, err)
		} else if e.Index != i || e.Entry != string(entries[i]) {
			pe.add("entry %d: the bundle has %q, /api/v1/ledger/entries/%d has index %d %q", i,
				entries[i], i, e.Index, e.Entry)
		}
	}
	pe.report(fmt.Sprintf("%s every entry bundle's bytes equal /api/v1/ledger/entries/{i}", label))

	// Leaves, x/mod's inclusion proofs, and custodia's.
	var pl, pr, pc problems
	for i := int64(0); i < N; i++ {
		rh := tlog.RecordHash(entries[i])
		hs, err := hr.ReadHashes([]int64{tlog.StoredHashIndex(0, i)})
		if err != nil {
			pl.add("leaf %d: %v", i, err)
		} else if hs[0] != rh {
			pl.add("leaf %d: the level-0 tile has %s, SHA-256(0x00 || entry) is %s", i,
				b64(hs[0]), b64(rh))
		}
		proof, err := tlog.ProveRecord(N, i, hr)
		if err != nil {
			pr.add("entry %d: tlog.ProveRecord: %v", i, err)
			continue
		}
		if err := tlog.CheckRecord(proof, N, tree.Hash, i, rh); err != nil {
			pr.add("entry %d: tlog.CheckRecord: %v", i, err)
		}
		var inc inclusionJSON
		path := fmt.Sprintf("/api/v1/ledger/proof/inclusion?index=%d&size=%d", i, N)
		if err := getJSON(path, &inc); err != nil {
			pc.add("entry %d: %v", i, err)
			continue
		}
		switch {
		case inc.Index != i || inc.Size != N:
			pc.add("entry %d: %s answers index %d size %d", i, path, inc.Index, inc.Size)
		case inc.Root != b64(tree.Hash):
			pc.add("entry %d: custodia's root %s, the checkpoint's %s", i, inc.Root, b64(tree.Hash))
		case inc.LeafHash != b64(rh):
			pc.add("entry %d: custodia's leaf_hash %s, x/mod's RecordHash %s", i, inc.LeafHash, b64(rh))
		default:
			if d := sameProof(inc.Proof, proof); d != "" {
				pc.add("entry %d in %d: %s", i, N, d)
			}
		}
	}
	pl.report(fmt.Sprintf("%s every level-0 tile hash is tlog.RecordHash of its entry (%d leaves)", label, N))
	pr.report(fmt.Sprintf("%s tlog.ProveRecord + tlog.CheckRecord prove all %d entries in the checkpoint", label, N))
	pc.report(fmt.Sprintf("%s custodia's inclusion proofs equal x/mod's (%d entries)", label, N))

	// Every earlier size: x/mod's consistency proofs, and custodia's.
	var px, py problems
	for m := int64(1); m <= N; m++ {
		oh, err := tlog.TreeHash(m, hr)
		if err != nil {
			px.add("size %d: tlog.TreeHash: %v", m, err)
			continue
		}
		proof, err := tlog.ProveTree(N, m, hr)
		if err != nil {
			px.add("size %d: tlog.ProveTree: %v", m, err)
			continue
		}
		if err := tlog.CheckTree(proof, N, tree.Hash, m, oh); err != nil {
			px.add("size %d: tlog.CheckTree: %v", m, err)
		}
		var c consistencyJSON
		path := fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", m, N)
		if err := getJSON(path, &c); err != nil {
			py.add("size %d: %v", m, err)
			continue
		}
		switch {
		case c.From != m || c.To != N:
			py.add("size %d: %s answers from %d to %d", m, path, c.From, c.To)
		case c.Root1 != b64(oh) || c.Root2 != b64(tree.Hash):
			py.add("size %d: custodia's roots %s, %s; x/mod's %s, %s", m, c.Root1, c.Root2, b64(oh),
				b64(tree.Hash))
		default:
			if d := sameProof(c.Proof, proof); d != "" {
				py.add("%d -> %d: %s", m, N, d)
			}
		}
	}
	px.report(fmt.Sprintf("%s tlog.ProveTree + tlog.CheckTree: the tree extends each of its %d prefixes", label, N))
	py.report(fmt.Sprintf("%s custodia's consistency proofs equal x/mod's (from 1..%d)", label, N))
	fmt.Printf("     %s %d hash tiles, %d entry bundles read\n", label, tr.fetched, (N+255)/256)

	// Negative checks: x/mod must notice a changed tile or entry. A flipped
	// bit in the last hash of the first level-0 tile is in entry 0's proof
	// (or, for one entry, in the root). TileHashReader should refuse the tile
	// itself; x/mod 0.7.0 (Debian 12) does not authenticate every full tile
	// (its loop over the tiles to check starts at len(stx), the number of
	// root subtrees, not of their tiles: e.g. for 300 entries it skips 0/000),
	// so a proof built from the tile failing CheckRecord is enough.
	bad := newTileReader()
	bad.tamper = func(t tlog.Tile, data []byte) []byte {
		if t.L == 0 && t.N == 0 {
			data[len(data)-1] ^= 1
		}
		return data
	}
	if proof, err := tlog.ProveRecord(N, 0, tlog.TileHashReader(tree, bad)); err != nil {
		ok("%s a level-0 tile with one bit flipped is rejected by TileHashReader (%v)", label, err)
	} else if err := tlog.CheckRecord(proof, N, tree.Hash, 0, tlog.RecordHash(entries[0])); err != nil {
		ok("%s a level-0 tile with one bit flipped gives a proof of entry 0 that fails "+
			"tlog.CheckRecord (%v; TileHashReader let the tile through)", label, err)
	} else {
		fail("%s x/mod accepted a level-0 tile with one bit flipped", label)
	}
	changed := append([]byte(nil), entries[N-1]...)
	changed[len(changed)/2] ^= 1
	proof, err := tlog.ProveRecord(N, N-1, hr)
	if err != nil {
		fail("%s tlog.ProveRecord(%d): %v", label, N-1, err)
	} else if err := tlog.CheckRecord(proof, N, tree.Hash, N-1, tlog.RecordHash(changed)); err == nil {
		fail("%s tlog.CheckRecord accepted entry %d with one bit changed", label, N-1)
	} else {
		ok("%s entry %d with one bit changed fails tlog.CheckRecord (%v)", label, N-1, err)
	}
}

// checkSignatures checks that note.Open refuses what it must refuse.
func checkSignatures(cp *checkpoint, verifiers note.Verifiers, keyName string) {
	// One changed character in the root line.
	text := string(cp.raw)
	lines := strings.SplitAfterN(text, "\n", 4)
	root := []byte(lines[2])
	if root[0] == 'A' {
		root[0] = 'B'
	} else {
		root[0] = 'A'
	}
	tampered := lines[0] + lines[1] + string(root) + lines[3]
	_, err := note.Open([]byte(tampered), verifiers)
	var ise *note.InvalidSignatureError
	if errors.As(err, &ise) {
		ok("a checkpoint with one changed byte in its root line fails note.Open (%v)", err)
	} else {
		fail("a checkpoint with one changed byte in its root line: note.Open returned %v, "+
			"want an InvalidSignatureError", err)
	}
	// A changed size line.
	tampered = lines[0] + strconv.FormatInt(cp.tree.N+1, 10) + "\n" + lines[2] + lines[3]
	if _, err := note.Open([]byte(tampered), verifiers); errors.As(err, &ise) {
		ok("a checkpoint with a changed size fails note.Open")
	} else {
		fail("a checkpoint with a changed size: note.Open returned %v", err)
	}
	// The same name with another key: the signature is not that key's.
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		fatal("ed25519.GenerateKey: %v", err)
	}
	otherKey, err := note.NewEd25519VerifierKey(keyName, pub)
	if err != nil {
		fatal("note.NewEd25519VerifierKey: %v", err)
	}
	other, err := note.NewVerifier(otherKey)
	if err != nil {
		fatal("note.NewVerifier(%q): %v", otherKey, err)
	}
	var une *note.UnverifiedNoteError
	if _, err := note.Open(cp.raw, note.VerifierList(other)); errors.As(err, &une) {
		ok("the checkpoint does not verify with another key of the same name")
	} else {
		fail("the checkpoint opened with another key of the same name: %v", err)
	}
}

func main() {
	var vkey, oldFile, saveFile string
	var wantSize int64
	var wait time.Duration
	flag.StringVar(&baseURL, "url", "", "base URL of the custodia server")
	flag.StringVar(&vkey, "vkey", "", "verifier key (custodia ledger key)")
	flag.StringVar(&oldFile, "old", "", "an earlier checkpoint to prove consistency with")
	flag.Int64Var(&wantSize, "want-size", 0, "with -old: wait for a checkpoint of at least this size")
	flag.DurationVar(&wait, "wait", 5*time.Second, "with -old: how long to wait for a newer checkpoint")
	flag.StringVar(&saveFile, "save", "", "write the audited checkpoint to this file")
	flag.Parse()
	if baseURL == "" || vkey == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: tlogcheck -url URL -vkey VKEY [-old FILE [-want-size N] [-wait D]] [-save FILE]")
		os.Exit(2)
	}
	baseURL = strings.TrimSuffix(baseURL, "/")

	v, err := note.NewVerifier(vkey)
	if err != nil {
		fatal("note.NewVerifier(%q): %v", vkey, err)
	}
	ok("note.NewVerifier accepts custodia's verifier key %s", vkey)
	verifiers := note.VerifierList(v)
	keyName := v.Name()

	var old *checkpoint
	if oldFile != "" {
		raw, err := os.ReadFile(oldFile)
		if err != nil {
			fatal("reading the old checkpoint: %v", err)
		}
		if old, err = openCheckpoint(raw, verifiers, keyName); err != nil {
			fatal("the old checkpoint %s: %v", oldFile, err)
		}
		if wantSize <= old.tree.N {
			wantSize = old.tree.N + 1
		}
	}

	var cp *checkpoint
	start := time.Now()
	for {
		cp, err = fetchCheckpoint(verifiers, keyName)
		if err != nil {
			fatal("GET /log/checkpoint: %v", err)
		}
		if old == nil || cp.tree.N >= wantSize {
			break
		}
		if time.Since(start) > wait {
			fatal("no checkpoint of %d or more entries within %v (the latest has %d)", wantSize,
				wait, cp.tree.N)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if old != nil {
		ok("a newer checkpoint (%d entries, was %d) appeared after %.2f s", cp.tree.N, old.tree.N,
			time.Since(start).Seconds())
	}
	ok("note.Open verifies /log/checkpoint: origin %s, %d entries, root %s", cp.origin, cp.tree.N,
		b64(cp.tree.Hash))

	checkSignatures(cp, verifiers, keyName)
	auditTree(cp)

	if old != nil {
		hr := tlog.TileHashReader(cp.tree, newTileReader())
		proof, err := tlog.ProveTree(cp.tree.N, old.tree.N, hr)
		if err != nil {
			fail("tlog.ProveTree(%d, %d) from custodia's tiles: %v", cp.tree.N, old.tree.N, err)
		} else if err := tlog.CheckTree(proof, cp.tree.N, cp.tree.Hash, old.tree.N, old.tree.Hash); err != nil {
			fail("the checkpoint of %d is not consistent with the old one of %d: %v", cp.tree.N,
				old.tree.N, err)
		} else {
			ok("tlog.CheckTree: the signed checkpoint of %d entries extends the signed one of %d",
				cp.tree.N, old.tree.N)
		}
		var c consistencyJSON
		path := fmt.Sprintf("/api/v1/ledger/proof/consistency?from=%d&to=%d", old.tree.N, cp.tree.N)
		if err := getJSON(path, &c); err != nil {
			fail("%v", err)
		} else if c.Root1 != b64(old.tree.Hash) || c.Root2 != b64(cp.tree.Hash) {
			fail("%s: roots %s, %s; the checkpoints say %s, %s", path, c.Root1, c.Root2,
				b64(old.tree.Hash), b64(cp.tree.Hash))
		} else if err := tlog.CheckTree(toHashes(c.Proof), cp.tree.N, cp.tree.Hash, old.tree.N,
			old.tree.Hash); err != nil {
			fail("custodia's consistency proof %d -> %d fails tlog.CheckTree: %v", old.tree.N,
				cp.tree.N, err)
		} else {
			ok("custodia's consistency proof %d -> %d passes tlog.CheckTree", old.tree.N, cp.tree.N)
		}
	}

	if saveFile != "" {
		if err := os.WriteFile(saveFile, cp.raw, 0o644); err != nil {
			fatal("saving the checkpoint: %v", err)
		}
	}
	finish()
}

// toHashes decodes custodia's base64 hashes (a bad one becomes a zero hash,
// which fails any check).
func toHashes(b []string) []tlog.Hash {
	out := make([]tlog.Hash, len(b))
	for i, s := range b {
		if h, err := base64.StdEncoding.DecodeString(s); err == nil && len(h) == tlog.HashSize {
			copy(out[i][:], h)
		}
	}
	return out
}
