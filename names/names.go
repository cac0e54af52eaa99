// Package names is the one place that names departments, by ID, in
// Vietnamese and English: the web pages, the notifications and the
// reports all ask it, so a department shows by the same name everywhere
// and never by its ID when it has a name.
package names

// Department is one department's names.
type Department struct {
	ID string
	// Vi is the Vietnamese name ("Sở Y tế"); En the English one
	// ("Department of Health"), optional: English pages fall back to Vi.
	Vi, En string
}

// In is d's name in lang ("vi" or "en"), or its ID when it has none.
func (d Department) In(lang string) string {
	switch {
	case lang == "en" && d.En != "":
		return d.En
	case d.Vi != "":
		return d.Vi
	case d.En != "":
		return d.En
	}
	return d.ID
}

// Departments are the configured departments, in configuration order.
type Departments []Department

// Find is the department id, if configured.
func (ds Departments) Find(id string) (Department, bool) {
	for _, d := range ds {
		if d.ID == id {
			return d, true
		}
	}
	return Department{}, false
}

// Name is department id's name in lang; an unknown ID names itself.
func (ds Departments) Name(id, lang string) string {
	if d, ok := ds.Find(id); ok {
		return d.In(lang)
	}
	return id
}

// In maps every department's ID to its name in lang.
func (ds Departments) In(lang string) map[string]string {
	m := make(map[string]string, len(ds))
	for _, d := range ds {
		m[d.ID] = d.In(lang)
	}
	return m
}
