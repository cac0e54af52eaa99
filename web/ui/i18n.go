package ui

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFS embed.FS

// langs are the UI's languages, Vietnamese first: it is the default.
var langs = []language.Tag{language.Vietnamese, language.English}

// catalog maps a language code to its messages.
type catalog map[string]map[string]string

func loadCatalog() (catalog, error) {
	c := catalog{}
	for _, tag := range langs {
		code := tag.String()
		data, err := localeFS.ReadFile(path.Join("locales", code+".json"))
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", code, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("locale %s: %w", code, err)
		}
		c[code] = m
	}
	return c, nil
}

// text returns the message key in lang, formatted with args; a missing
// key shows itself so that it is noticed, never an empty label.
func (c catalog) text(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		if msg, ok = c["vi"][key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// LangCookie remembers the language picked before signing in.
const LangCookie = "pw_lang"

// chooseLang follows the user's setting, then the language picked on the
// login page, then the browser's Accept-Language; Vietnamese by default.
func chooseLang(userLang string, r *http.Request) string {
	if userLang == "vi" || userLang == "en" {
		return userLang
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "vi" || c.Value == "en") {
		return c.Value
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := language.NewMatcher(langs).Match(tags...)
			if conf != language.No {
				return langs[i].String()
			}
		}
	}
	return "vi"
}
