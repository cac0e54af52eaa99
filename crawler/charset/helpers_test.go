package charset

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
)

// readCharmap reads the single-byte entries of a gzipped glibc charmap
// ("<U1EA0>     /x80         LATIN CAPITAL LETTER A WITH DOT BELOW").
func readCharmap(path string) (map[byte]rune, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read charmap %s: %w", path, err)
	}
	m := make(map[byte]rune)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || !strings.HasPrefix(fields[0], "<U") || len(fields[1]) != 4 || !strings.HasPrefix(fields[1], "/x") {
			continue
		}
		var r rune
		var b byte
		if _, err := fmt.Sscanf(fields[0], "<U%X>", &r); err != nil {
			continue
		}
		if _, err := fmt.Sscanf(fields[1], "/x%X", &b); err != nil {
			continue
		}
		m[b] = r
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read charmap %s: %w", path, err)
	}
	if len(m) < 200 {
		return nil, fmt.Errorf("read charmap %s: only %d entries", path, len(m))
	}
	return m, nil
}
