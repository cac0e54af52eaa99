package charset

// TCVN3 support.
//
// TCVN3 ("ABC", TCVN 5712:1993 VN3) is the 8-bit encoding of the old
// Vietnamese .Vn* fonts and still appears on old provincial pages. VN3 has
// lowercase letters plus the seven untoned capitals Ă Â Ê Ô Ơ Ư Đ; pages
// wrote toned capitals with a separate "H" font that draws the lowercase
// codes as capitals, so such text can only be decoded as lowercase.
//
// The table below is TCVN 5712:1993 VN1, which agrees with VN3 on every code
// VN3 defines and adds the toned capitals (in 0x80–0x9F, the gaps of the
// upper half and six C0 positions) and the five combining tone marks at
// 0xB0–0xB4. Decoding with the superset loses nothing for VN3 text and
// decodes VN1 text as well. The combining marks make NFC composition
// necessary afterwards, which every Decode function does.

// tcvn3High maps bytes 0x80–0xFF.
var tcvn3High = [128]rune{
	// 0x80: toned capitals (VN1 only)
	'\u00C0', '\u1EA2', '\u00C3', '\u00C1', '\u1EA0', '\u1EB6', '\u1EAC', '\u00C8',
	'\u1EBA', '\u1EBC', '\u00C9', '\u1EB8', '\u1EC6', '\u00CC', '\u1EC8', '\u0128',
	// 0x90
	'\u00CD', '\u1ECA', '\u00D2', '\u1ECE', '\u00D5', '\u00D3', '\u1ECC', '\u1ED8',
	'\u1EDC', '\u1EDE', '\u1EE0', '\u1EDA', '\u1EE2', '\u00D9', '\u1EE6', '\u0168',
	// 0xA0: no-break space, then Ă Â Ê Ô Ơ Ư Đ ă â ê ô ơ ư đ, then Ằ (VN1)
	'\u00A0', '\u0102', '\u00C2', '\u00CA', '\u00D4', '\u01A0', '\u01AF', '\u0110',
	'\u0103', '\u00E2', '\u00EA', '\u00F4', '\u01A1', '\u01B0', '\u0111', '\u1EB0',
	// 0xB0: combining grave, hook above, tilde, acute, dot below; then a
	'\u0300', '\u0309', '\u0303', '\u0301', '\u0323', '\u00E0', '\u1EA3', '\u00E3',
	'\u00E1', '\u1EA1', '\u1EB2', '\u1EB1', '\u1EB3', '\u1EB5', '\u1EAF', '\u1EB4',
	// 0xC0: ă and â series
	'\u1EAE', '\u1EA6', '\u1EA8', '\u1EAA', '\u1EA4', '\u1EC0', '\u1EB7', '\u1EA7',
	'\u1EA9', '\u1EAB', '\u1EA5', '\u1EAD', '\u00E8', '\u1EC2', '\u1EBB', '\u1EBD',
	// 0xD0: e, ê and i series
	'\u00E9', '\u1EB9', '\u1EC1', '\u1EC3', '\u1EC5', '\u1EBF', '\u1EC7', '\u00EC',
	'\u1EC9', '\u1EC4', '\u1EBE', '\u1ED2', '\u0129', '\u00ED', '\u1ECB', '\u00F2',
	// 0xE0: o, ô and ơ series
	'\u1ED4', '\u1ECF', '\u00F5', '\u00F3', '\u1ECD', '\u1ED3', '\u1ED5', '\u1ED7',
	'\u1ED1', '\u1ED9', '\u1EDD', '\u1EDF', '\u1EE1', '\u1EDB', '\u1EE3', '\u00F9',
	// 0xF0: u, ư and y series
	'\u1ED6', '\u1EE7', '\u0169', '\u00FA', '\u1EE5', '\u1EEB', '\u1EED', '\u1EEF',
	'\u1EE9', '\u1EF1', '\u1EF3', '\u1EF7', '\u1EF9', '\u00FD', '\u1EF5', '\u1ED0',
}

// tcvn3Low lists the C0 positions VN1 gives to toned capitals that did not
// fit in the upper half.
var tcvn3Low = [...]struct {
	b byte
	r rune
}{
	{0x01, '\u00DA'}, // Ú
	{0x02, '\u1EE4'}, // Ụ
	{0x04, '\u1EEA'}, // Ừ
	{0x05, '\u1EEC'}, // Ử
	{0x06, '\u1EEE'}, // Ữ
	{0x11, '\u1EE8'}, // Ứ
	{0x12, '\u1EF0'}, // Ự
	{0x13, '\u1EF2'}, // Ỳ
	{0x14, '\u1EF6'}, // Ỷ
	{0x15, '\u1EF8'}, // Ỹ
	{0x16, '\u00DD'}, // Ý
	{0x17, '\u1EF4'}, // Ỵ
}
