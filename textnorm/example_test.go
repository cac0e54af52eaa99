package textnorm_test

import (
	"fmt"

	"github.com/presswatch/presswatch/textnorm"
)

// Both tone placements of an open syllable are in use in the press; Normalize
// writes them one way so that a search for one finds the other.
func ExampleNormalize() {
	fmt.Println(textnorm.Normalize("Thuỷ điện Hoà Bình"))
	fmt.Println(textnorm.Normalize("khoẻ") == textnorm.Normalize("khỏe"))
	// Output:
	// Thủy điện Hòa Bình
	// true
}

// Fold is what a query typed without tone marks is compared with.
func ExampleFold() {
	fmt.Println(textnorm.Fold("Lũ quét ở Điện Biên"))
	// Output: lu quet o dien bien
}

// Tokens keep their byte offsets in the original text, so a match can be
// highlighted where it was found.
func ExampleTokenize() {
	s := "Sạt lở, COVID-19"
	for _, t := range textnorm.Tokenize(s) {
		fmt.Printf("%s %q\n", t.Text, s[t.Start:t.End])
	}
	// Output:
	// sat "Sạt"
	// lo "lở"
	// covid "COVID"
	// 19 "19"
}
