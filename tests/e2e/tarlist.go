// tests/e2e/tarlist.go -- how Go's archive/tar (what ORAS and the reference
// verifier use) reads a layer: one line per entry on stdout,
//
//	<typeflag as a number> <size> <sha256 of the body> <name>
//
// exit 1 when Go refuses the archive. Reads a tar+gzip layer from stdin
// (-plain: a tar). Only the standard library, so it builds with
// GO111MODULE=off.
package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	plain := flag.Bool("plain", false, "the input is a tar, not tar+gzip")
	flag.Parse()
	var r io.Reader = os.Stdin
	if !*plain {
		z, err := gzip.NewReader(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tarlist:", err)
			os.Exit(1)
		}
		r = z
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "tarlist:", err)
			os.Exit(1)
		}
		sum := sha256.New()
		if _, err := io.Copy(sum, tr); err != nil {
			fmt.Fprintln(os.Stderr, "tarlist:", err)
			os.Exit(1)
		}
		fmt.Printf("%d %d %x %s\n", h.Typeflag, h.Size, sum.Sum(nil), h.Name)
	}
	// what follows the archive must read cleanly too (gzip CRC, members)
	if _, err := io.Copy(io.Discard, r); err != nil {
		fmt.Fprintln(os.Stderr, "tarlist:", err)
		os.Exit(1)
	}
}
