// Package extract finds the article in a web page: its main text and the
// metadata the pipeline needs (title, byline, publication date, language,
// canonical URL, description, image, tags).
//
// # How the text is found
//
// The page is parsed once (golang.org/x/net/html) and the tree handed to
// go-trafilatura, favouring recall, and to go-readability. trafilatura is
// the better judge of where the article is; readability is stricter about
// what surrounds it. When readability's text covers at least half of
// trafilatura's, the paragraphs readability did not find are dropped
// (combine); otherwise trafilatura's text stands. The headline, which
// trafilatura keeps as the first paragraph, is removed (it is in Title),
// and the sapo, the lead of a Vietnamese article that sites often place
// outside the body's container, is put back first. Paragraphs are rendered
// one per line from trafilatura's tree, with the spacing around inline
// elements taken from the source page (joins).
//
// Input must already be UTF-8: decoding is the fetcher's job. Handing
// trafilatura a parsed tree (ExtractDocument) rather than bytes skips its
// charset detector (chardet) and its NFD/NFC pass over the whole page, 45%
// of its time. Its language classifier (whatlanggo, about 1.2 ms a page)
// runs on every page whatever the options; its verdict is reused, so our
// own detector (lingua) only runs when it disagrees with the page's
// declared language or there is none.
//
// # Quality and cost
//
// On the scrapinghub article-extraction benchmark (181 pages; metric in
// ../shared/testdata/README.md; extract_quality_test.go), CPU time per page
// on the project's loaded 2-core machine (process CPU, GC included):
//
//	variant                                             P      R      F1     CPU ms/page
//	trafilatura.Extract(bytes), the old crawler         0.945  0.979  0.962  10.9
//	html.Parse + trafilatura.ExtractDocument            0.945  0.979  0.962   5.9
//	  the same with EnableFallback (always)             0.940  0.980  0.960  10.4
//	this package without readability                    0.955  0.979  0.967   7.1
//	this package (trafilatura + readability)            0.970  0.978  0.974  11.4
//
// Extracting a page costs about what the old crawler's call did, for 0.012
// more F1. If CPU becomes the bottleneck, dropping readability saves 40% for
// 0.0076 of F1.
//
// # Bounds
//
// At most MaxInputBytes of HTML are read and maxElements elements kept; a
// page nesting deeper than the parser allows is flattened and parsed
// again; the text is cut at maxTextBytes. A panic inside trafilatura or
// readability becomes an error for that page. Hostile pages (100,000
// nested elements, megabyte attributes, 70 MB of paragraphs) finish in
// under a second.
package extract
