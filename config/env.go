package config

import (
	"reflect"
	"slices"
	"strings"
)

const envPrefix = "PRESSWATCH_"

// nonConfigEnv reports whether a PRESSWATCH_* variable belongs to something
// other than this configuration (the demo, the search client and the test
// harnesses), so that it is not rejected as a misspelt setting.
func nonConfigEnv(name string) bool {
	return name == "PRESSWATCH_DEMO_TOKEN" || name == "PRESSWATCH_DEMO_PASSWORD" || name == "PRESSWATCH_ARTIFACTS" || name == "PRESSWATCH_TOKEN" || name == "PRESSWATCH_SERVER" ||
		strings.HasPrefix(name, "PRESSWATCH_TEST_") ||
		strings.HasPrefix(name, "PRESSWATCH_E2E_")
}

// envTarget is a setting the environment can override.
type envTarget struct {
	key string        // key path, e.g. indexer.batch_size
	v   reflect.Value // the field, settable
}

// EnvVar is the environment variable that overrides the setting at key
// path key, e.g. "indexer.batch_size" -> "PRESSWATCH_INDEXER_BATCH_SIZE".
// Appending "_FILE" gives the variable that reads the value from a file.
func EnvVar(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// envTargets lists, by variable name, every scalar and string-list setting
// reachable through nested blocks. Settings inside lists (sources,
// receivers, tokens) have no variable: there is no stable name for the
// third source.
func envTargets(v reflect.Value, key string, out map[string]envTarget) {
	t := v.Type()
	for i := range t.NumField() {
		name, ok := yamlName(t.Field(i))
		if !ok {
			continue
		}
		fv, fk := v.Field(i), joinKey(key, name)
		ft := fv.Type()
		switch {
		case ft.Kind() == reflect.Struct:
			envTargets(fv, fk, out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String,
			ft.Kind() == reflect.Pointer && ft.Elem().Kind() != reflect.Struct,
			ft.Kind() != reflect.Slice && ft.Kind() != reflect.Pointer && ft.Kind() != reflect.Map:
			out[EnvVar(fk)] = envTarget{key: fk, v: fv}
		}
	}
}

// applyEnv applies the PRESSWATCH_* variables in env to c. When a variable
// appears more than once the last one wins, as with exec.Cmd.Env, so that
// overrides can be appended to os.Environ().
func applyEnv(c *Config, env []string, errs *errList) {
	vars := make(map[string]string)
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || nonConfigEnv(name) {
			continue
		}
		vars[name] = value
	}
	if len(vars) == 0 {
		return
	}
	targets := make(map[string]envTarget)
	envTargets(reflect.ValueOf(c).Elem(), "", targets)
	if c.origins == nil {
		c.origins = newOrigins()
	}

	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	// Sorted, so that the same environment gives the same report.
	slices.Sort(names)
	for _, name := range names {
		value := vars[name]
		target, direct := targets[name]
		if !direct {
			base, isFile := strings.CutSuffix(name, "_FILE")
			target, isFile = targets[base], isFile && targets[base].v.IsValid()
			if !isFile {
				errs.add(&Error{File: envSource, Msg: "unknown variable " + name})
				continue
			}
			if _, both := vars[base]; both {
				errs.add(&Error{File: envSource, Var: name, Msg: "set either " + base + " or " + name + ", not both"})
				continue
			}
			s, err := readSecret(value)
			if err != nil {
				errs.add(&Error{File: envSource, Var: name, Err: err})
				continue
			}
			value = s
		}
		if err := setEnvValue(target.v, value); err != nil {
			errs.add(&Error{File: envSource, Var: name, Msg: err.Error()})
			continue
		}
		c.origins.forget(target.key)
		c.origins.set(target.key, origin{env: name})
	}
}

// setEnvValue parses an environment value into v. A list is written
// comma-separated (PRESSWATCH_ROLES=crawler,indexer); blanks around and
// between items are dropped.
func setEnvValue(v reflect.Value, s string) error {
	if v.Kind() != reflect.Slice {
		return setScalar(v, s)
	}
	var items []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	list := reflect.MakeSlice(v.Type(), len(items), len(items))
	for i, item := range items {
		if err := setScalar(list.Index(i), item); err != nil {
			return err
		}
	}
	v.Set(list)
	return nil
}
