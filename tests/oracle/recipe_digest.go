// tests/oracle/recipe_digest.go -- the reference's recipe digest, as a test
// oracle.
//
// Recomputes the recipe digest the way the reference implementation does
// (reference "Additions and corrections"; docs/formats.md): Go's
// gopkg.in/yaml.v3 parses the recipe into a node tree (first document),
// every comment is cleared, every mapping's pairs are sorted by the key's
// scalar text (byte-wise), for the v3 digest the top-level metadata.version
// is removed (and metadata itself when that leaves it empty), and the tree
// is re-emitted with yaml.Marshal. The digest is the SHA-256 of those bytes.
//
// Built by the tests with the Debian-packaged library only:
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o ORACLE ./tests/oracle
//
// Usage:
//
//	ORACLE [-v1] [-canon] FILE...   one line per file: the 64-hex digest,
//	                                or "error: <why>"; -canon prints the
//	                                canonical bytes instead (one file)
//	ORACLE -serve                   the differential fuzz target's side:
//	                                requests on stdin, answers on stdout
//	ORACLE -identify / -refbundle   the reference's naming and bundle
//	                                shapes (reference.go)
//
// -serve protocol, all lengths 4-byte big-endian: request = flags (1 byte,
// bit 0 set: keep metadata.version, the v1/v2 form) + length + bytes;
// answer = status (1 byte, 0 ok, 1 refused) + length + the canonical bytes
// or the reason.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"gopkg.in/yaml.v3"
)

// clearAndSort drops the comments of n and its children and sorts every
// mapping's key/value pairs by the key's text, in place.
func clearAndSort(n *yaml.Node) {
	if n == nil {
		return
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		clearAndSort(c)
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	type pair struct{ k, v *yaml.Node }
	pairs := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		pairs = append(pairs, pair{n.Content[i], n.Content[i+1]})
	}
	// The reference sorts with sort.Slice, which is not stable: keys
	// that tie are refused on our side, so the order of ties never
	// matters.
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].k.Value < pairs[j].k.Value })
	n.Content = n.Content[:0]
	for _, p := range pairs {
		n.Content = append(n.Content, p.k, p.v)
	}
}

// dropVersion removes metadata.version from the root mapping, and the
// metadata key when nothing else was in it.
func dropVersion(doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		meta := root.Content[i+1]
		if root.Content[i].Value != "metadata" || meta.Kind != yaml.MappingNode {
			continue
		}
		kept := []*yaml.Node{}
		removed := false
		for j := 0; j+1 < len(meta.Content); j += 2 {
			if meta.Content[j].Value == "version" {
				removed = true
				continue
			}
			kept = append(kept, meta.Content[j], meta.Content[j+1])
		}
		if removed && len(kept) == 0 {
			root.Content = append(root.Content[:i], root.Content[i+2:]...)
		} else {
			meta.Content = kept
		}
		return
	}
}

// canonical returns the canonical bytes, or an error where the reference
// would fail (a parse error, or a panic inside the library).
func canonical(in []byte, v3 bool) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	if len(in) == 0 {
		return nil, errors.New("cannot canonicalize empty recipe")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(in, &doc); err != nil {
		return nil, err
	}
	clearAndSort(&doc)
	if v3 {
		dropVersion(&doc)
	}
	return yaml.Marshal(&doc)
}

func serve() error {
	r := bufio.NewReader(os.Stdin)
	w := bufio.NewWriter(os.Stdout)
	var hdr [5]byte
	for {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		in := make([]byte, binary.BigEndian.Uint32(hdr[1:]))
		if _, err := io.ReadFull(r, in); err != nil {
			return err
		}
		out, err := canonical(in, hdr[0]&1 == 0)
		status := byte(0)
		if err != nil {
			status, out = 1, []byte(err.Error())
		}
		var ans [5]byte
		ans[0] = status
		binary.BigEndian.PutUint32(ans[1:], uint32(len(out)))
		w.Write(ans[:])
		w.Write(out)
		if err := w.Flush(); err != nil {
			return err
		}
	}
}

func main() {
	v1 := flag.Bool("v1", false, "keep metadata.version (the v1/v2 digest)")
	canon := flag.Bool("canon", false, "print the canonical bytes, not the digest")
	srv := flag.Bool("serve", false, "answer length-prefixed requests on stdin")
	ident := flag.Bool("identify", false, "print the reference's name, profile and digests of a recipe")
	refb := flag.Bool("refbundle", false, "write a bundle shaped as the reference's emitter shapes it")
	ptype := flag.String("type", "https://aicr.run/recipe-evidence/v3", "-refbundle: the predicate type")
	recipe := flag.String("recipe", "", "-refbundle: the recipe")
	snap := flag.String("snapshot", "", "-refbundle: the snapshot")
	ctrf := flag.String("ctrf", "", "-refbundle: the directory of <phase>.json reports")
	out := flag.String("out", "", "-refbundle: the output directory")
	flag.Parse()
	if *refb {
		if err := refBundle(*ptype, *recipe, *snap, *ctrf, *out); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(1)
		}
		return
	}
	if *ident {
		in, err := os.ReadFile(flag.Arg(0))
		var id *refIdentity
		if err == nil {
			id, err = refIdentify(in)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(1)
		}
		b, _ := json.Marshal(id)
		fmt.Println(string(b))
		return
	}
	if *srv {
		if err := serve(); err != nil {
			fmt.Fprintln(os.Stderr, "oracle:", err)
			os.Exit(2)
		}
		return
	}
	rc := 0
	for _, path := range flag.Args() {
		in, err := os.ReadFile(path)
		var out []byte
		if err == nil {
			out, err = canonical(in, !*v1)
		}
		switch {
		case err != nil:
			fmt.Printf("error: %v\n", err)
			rc = 1
		case *canon:
			os.Stdout.Write(out)
		default:
			sum := sha256.Sum256(out)
			fmt.Println(hex.EncodeToString(sum[:]))
		}
	}
	os.Exit(rc)
}
