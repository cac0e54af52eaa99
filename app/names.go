package app

import (
	"context"

	"github.com/presswatch/presswatch/config"
	"github.com/presswatch/presswatch/names"
)

// departmentNames are the names of alerts.departments: the one list the
// pages, the notifications and the reports name departments from.
func departmentNames(ac config.Alerts) names.Departments {
	out := make(names.Departments, len(ac.Departments))
	for i, d := range ac.Departments {
		out[i] = names.Department{ID: d.ID, Vi: d.Name, En: d.NameEn}
	}
	return out
}

// sourceNames names the sources (the configuration's and the UI's) by ID,
// for messages; a source without a name is left out, and shows by its ID.
func (a *App) sourceNames(ctx context.Context) (map[string]string, error) {
	srcs, _, err := a.sourceLayers().list(ctx)
	m := make(map[string]string, len(srcs))
	for _, s := range srcs {
		if s.Name != "" {
			m[s.ID] = s.Name
		}
	}
	return m, err
}
