// Package query is presswatch's one query language, shared by search, rules
// and report filters: a parser (Parse) producing an AST (Node), and Eval, the
// in-memory matcher that is the reference semantics. The search back end
// compiles the same AST to Bleve and must agree with Eval on every document;
// where this documentation and Eval differ, Eval is the bug.
//
// # Documents and fields
//
// A document has text fields (title, text, author — the byline) and keyword
// fields (source, site, lang, tier, label), see Document.
//
// Text fields are split into tokens by textnorm.Tokenize: a token is a run
// of letters, digits and combining marks that starts with a letter or digit;
// everything else only separates tokens ("COVID-19" → covid, 19; "Bien's" →
// bien, s; "1.000" → 1, 000). Tokens are numbered from 0 within each field;
// the fields are separate streams, so nothing (phrase, NEAR) spans two fields.
//
// Each token is compared in one of three forms:
//
//   - folded: textnorm.Fold — NFC, tone placement unified, lower case,
//     tones and diacritics removed, đ → d. "hoa", "hòa", "hoà", "HÓA" and
//     NFD-encoded "hòa" all fold to "hoa".
//   - exact: ExactForm — textnorm.Normalize (NFC, tone of open oa/oe/uy
//     on the first vowel, so "hoà" = "hòa"), then lower case. "Hòa",
//     "hòa" and "hoà" are equal; "hoa" and "hóa" are not.
//   - stem: textnorm.Stem of the folded form, in English and French
//     articles (Keywords["lang"] en or fr, textnorm.StemLangOf).
//
// Marks carry meaning (lở đất, a landslide, is not lô đất, a land plot), so
// a text leaf is compared by how it is typed:
//
//   - typed with marks (Term.Marked: some token carries one, no = or ~):
//     exact, except in a field written without marks (textnorm.Toneless:
//     under a fifth of its syllables marked), where it folds. "Điện Biên"
//     matches "Điện Biên" and, in toneless text, "Dien Bien"; never
//     "diễn biến" in text written with marks.
//   - typed without marks, or with ~: folded. lu matches lũ, lú, lu.
//   - with =: exact, in every field, toneless ones included.
//
// In English and French articles, leaves that are neither = nor prefixes
// compare stems (marks are folded there: flood matches "floods", "Điện
// Biên" matches "Dien Bien"); prefixes compare folded words, = leaves exact
// ones. Other languages are not stemmed.
//
// Exact comparison narrows folded comparison: an exact match is also a
// folded match (for every letter, in either case, composed or decomposed,
// equal exact forms imply equal folded forms; TestExactImpliesFolded), so
// a back end may look for candidates among folded tokens. The only
// difference is for a letter and combining mark that have a precomposed
// form in one case only (T̈ and ẗ), which textnorm.Fold treats as
// different letters.
//
// A sentence ends where textnorm.SentenceBreak says (line breaks, ! ? ;, a
// full stop followed by a blank except after abbreviations such as "TP.").
// Phrases and NEAR pairs lie within one sentence.
//
// Keyword fields are compared whole: a value matches when KeywordForm of the
// value (folded, or ExactForm with =) equals the term's single Token, or for
// a prefix term starts with it. No tokenising, no trimming: site:vnexpress.net
// matches the value "VnExpress.net" but not "m.vnexpress.net".
//
// # Syntax
//
// Operators are words, in any case: AND, OR, NOT, NEAR/n, ONEAR/n, plus
// parentheses. There is no && or ||, and a leading - is not NOT; both are
// errors that say what to write instead. To search for the word "and",
// "or", "not" or "near", quote it: "and".
//
//	term            a word: lũ, Quét, COVID-19
//	"a phrase"      tokens adjacent and in order; “typographic quotes” work too
//	prefix*         a token starting with the prefix: thiên*
//	=term ="…" =pre*  exact as written, even in toneless text
//	~term ~"…" ~pre*  folded: marks ignored
//	@name           any entry of a named list (Options.Lists)
//	field:x         x restricted to a field; x is a term, phrase, prefix,
//	                =…, @list or a parenthesised group: title:(lũ OR bão)
//	a AND b, a b    both (a blank between operands is an implicit AND)
//	a OR b          either
//	NOT a           a does not match; a NOT b is a AND NOT b
//	a NEAR/n b      see Proximity
//	a ONEAR/n b     see Proximity
//
// Precedence, tightest first: NOT, NEAR/ONEAR, AND (explicit or implicit),
// OR. So
//
//	a OR b c             = a OR (b AND c)
//	lũ quét              = lũ AND quét (two words anywhere; the phrase is "lũ quét")
//	NOT a b              = (NOT a) AND b
//	a b NEAR/3 c         = a AND (b NEAR/3 c)
//	NOT a NEAR/3 b       is an error: NOT cannot be a NEAR operand; write NOT (a NEAR/3 b)
//
// A term written without quotes is still tokenised: COVID-19 is the phrase
// "covid 19" and Bien's is "bien s". A multi-syllable Vietnamese word must be
// quoted to be a phrase ("Mường Chà"); unquoted it is an AND of syllables.
//
// Prefixes: * only at the end of a single-token word, with at least
// MinPrefix (3) characters before it, counted in the folded token (lũ* is
// too short, thiên* is fine). The prefix is compared like the leaf's
// tokens: thien* matches "thiên"; thiên* matches "thien" only in toneless
// text; =thiên* never. No * inside
// phrases, no * in the middle of a word, no prefix of a multi-token word
// (covid-19* is an error).
//
// Field scopes apply to one operand, written with no blank after the colon:
// title:lũ quét is title:lũ AND quét. Field names are case-insensitive. A
// scope on a group applies to every leaf in it; a different scope inside is
// an error, the same one is allowed. After title:, text: or author: the
// word is always a literal, so title:and searches the word "and". After a
// keyword field the rest of the word is the value as written, colons
// included (label:policy:land), and inside a keyword-scoped group bare words
// are values too (label:(sensitive OR policy:land)); quote values with
// blanks: source:"Báo Điện Biên Phủ". The = and ~ prefixes follow the
// field: title:="Hòa Bình". ~ before a keyword value, a list, another = or
// ~, or nothing is an error.
//
// A quote or ( glued to the word before it (lũ"quét", lũ(quét)) and a word
// or quote glued to a closing quote ("lũ"quét) are errors ("missing
// space"), since they are usually typos; operators may touch parentheses:
// NOT(a)OR(b) is NOT a OR b.
//
// Lists: @name is resolved at parse time by Options.Lists; an unknown list
// is an error. Each entry is plain text, not query syntax: it is tokenised
// (several tokens make a phrase) and compared like a leaf typed that way
// (an entry with marks keeps them), in the scope of the reference
// (title:@province). Entries without letters or digits are
// skipped; an empty list matches nothing. The AST keeps the list (ListRef)
// so that explanations can name it. =@name and ~@name are errors. List names are
// letters, digits, _, - and . and are passed to Lists as written.
//
// # Matching
//
// A text leaf (term, phrase, prefix, list entry) matches when its tokens
// occur as consecutive tokens of one field and one sentence, compared as
// above, the last one a prefix for prefix leaves. Unscoped leaves look in the title and the
// text (not the author); scoped ones in their field only.
//
// AND, OR and NOT are boolean. NOT x alone, at the top or anywhere, matches
// the documents where x does not match, including documents with no text.
// So NOT label:sensitive selects every unlabelled article, and a OR NOT b
// matches most documents; such queries have no positive term (see
// HasPositiveRequirement), so a presearcher must evaluate them everywhere.
//
// # Proximity
//
// a NEAR/n b matches when some occurrence of a and some occurrence of b lie
// in the same field and sentence, do not share a token, and have at most n tokens between
// them, in either order. a ONEAR/n b is the same with a's occurrence before
// b's. An occurrence is a span of token positions [start, end] (one token
// for a term, several for a phrase); the number of tokens between spans A
// and B with A first is B.start − A.end − 1. n is 1 to MaxNear (100).
//
//	flood NEAR/2 damage
//	  "flood damage"                         0 between  match
//	  "damage from the flood"                2 between  match (either order)
//	  "flood caused severe damage"           2 between  match
//	  "flood caused very severe damage"      3 between  no match
//	flood ONEAR/2 damage
//	  "damage from the flood"                           no match (wrong order)
//	"lũ quét" NEAR/1 "Mường Chà"
//	  "lũ quét ở Mường Chà"                  1 between (ở)  match
//	lũ NEAR/3 lũ
//	  needs two different occurrences of lũ; one alone does not match
//	title:lũ NEAR/5 quét
//	  both in the title: the unscoped side may only pair within the title
//
// NEAR operands are text terms, phrases, prefixes (exact or folded), lists,
// or parenthesised OR groups of those, where any alternative counts:
// (lũ OR "sạt lở") NEAR/5 @province. AND, NOT, another NEAR and keyword
// fields are errors, and NEAR cannot be chained (a NEAR/3 b NEAR/3 c); write
// (a NEAR/3 b) AND (b NEAR/3 c).
//
// # Errors and limits
//
// Errors are *Error; the message starts with the 1-based column, counted in
// characters (code points), of the offending token or of the end of the
// query: "col 14: expected a term
// after AND", "col 1: unbalanced )", "col 3: unterminated phrase", "col 9:
// NEAR needs a number: NEAR/5", `col 1: unknown field "titel:" (known:
// title, …)`, "col 8: unknown list @provinc", "empty query".
//
// Limits, each an error: the query is at most MaxQueryBytes (4096) bytes;
// nesting (each parenthesis and each NOT) at most MaxDepth (32); at most
// MaxTerms (1024) literal leaves, list entries included; NEAR/n with n from 1
// to MaxNear (100); prefixes of at least MinPrefix (3) characters. Parsing is
// a single pass, linear in the query length.
//
// # Canonical form
//
// Node.String renders canonical syntax: upper-case operators, explicit AND,
// parentheses only where precedence needs them, each leaf with its own
// field (title:(a OR b) renders as title:a OR title:b), terms with several
// tokens quoted. Parsing it again, with the same lists, gives an Equal tree
// (Equal ignores columns). The canonical form can be longer than the query,
// so a query close to MaxQueryBytes may render beyond the limit.
//
// # Back ends
//
// For a Bleve (or any other) back end: index the folded tokens of each text
// field and an accent copy (exact forms in fields written with marks, ~
// and the folded form in toneless ones, ~en~ or ~fr~ and the stem in
// English and French articles), with a break token between sentences, and
// compile each leaf to the alternatives that hold exactly its matches
// (docs/QUERY.md, Back ends). = leaves and proximity can be checked on
// candidates with Eval, which is the definition. Terms lists the positive
// leaves for candidate selection and highlighting; Explain gives the byte
// offsets of the leaves behind a match.
package query
