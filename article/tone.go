package article

// Tones of an article, from its sentiment score: what the index counts and
// the UI shows, so both draw the line at the same place.
const (
	ToneNegative = "negative"
	ToneNeutral  = "neutral"
	TonePositive = "positive"
)

// toneMargin is how far from 0 a sentiment must be to count as negative or
// positive; the lexicon scores a text with one mild word near ±0.1.
const toneMargin = 0.2

// Tones lists the tones, negative first.
func Tones() []string { return []string{ToneNegative, ToneNeutral, TonePositive} }

// ToneOf classes a sentiment score (−1..1).
func ToneOf(sentiment float64) string {
	switch {
	case sentiment <= -toneMargin:
		return ToneNegative
	case sentiment >= toneMargin:
		return TonePositive
	}
	return ToneNeutral
}
