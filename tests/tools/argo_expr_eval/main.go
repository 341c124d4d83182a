// argo_expr_eval substitutes Argo Workflows template tags offline, the way the Argo controller
// does, with the libraries Argo links: sprig v3 and expr (Debian packages them; see
// build_argo_expr_eval.sh). It exists so pipecc's tests can evaluate the `{{=…}}` expressions
// and `{{workflow.creationTimestamp.X}}` sub-keys that pipecc emits, instead of reading them.
//
// Input (stdin), one JSON request or a JSON array of them:
//
//	{"vars": {"workflow.creationTimestamp.s": "1711902600", ...},
//	 "created_unix": 1711902600,      // optional: bind every workflow.creationTimestamp variable
//	 "controller_zone": "UTC",        //   as the controller does, in its local zone (default UTC)
//	 "template": "a whole Argo parameter value with {{=EXPR}} and {{simple}} tags"}
//	{"template": "...", "passes": [{"vars": {...}}, {"vars": {...}, "strict": ["tasks", "steps"]}]}
//	                                  // the controller's passes over one text, each on what the
//	                                  // one before wrote (see substitutePasses); created_unix and
//	                                  // controller_zone bind the creation time in every pass
//	{"layout": "2006-01-02", "zone": "Asia/Tokyo", "unix": 1711902600}
//	                                  // Go's time.Unix(unix, 0).In(zone).Format(layout)
//
// With "vars" every tag must resolve (template.Replace with allowUnresolved=false). With
// "passes" each pass leaves what it cannot resolve as it was, as the controller's passes do, and
// the result is the text after the last one: what reaches the pod.
//
// A single request prints its result as raw text (exit 1 and a message on stderr on error); an
// array prints a JSON array of {"out": "..."} or {"error": "..."}.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	sprig "github.com/Masterminds/sprig/v3"
	"github.com/antonmedv/expr"
)

// pass is one of the controller's substitutions: the variables it knows and the prefixes of the
// simple tags it must resolve (dag.go's ReplaceStrictAny with "tasks", "steps"); the rest of
// what it cannot resolve it leaves as it was.
type pass struct {
	Vars   map[string]string `json:"vars"`
	Strict []string          `json:"strict"`
}

type request struct {
	Vars           map[string]string `json:"vars"`
	Passes         []pass            `json:"passes"`
	CreatedUnix    *int64            `json:"created_unix"`
	ControllerZone string            `json:"controller_zone"`
	Template       *string           `json:"template"`
	Layout         *string           `json:"layout"`
	Zone           string            `json:"zone"`
	Unix           int64             `json:"unix"`
}

type result struct {
	Out   *string `json:"out,omitempty"`
	Error string  `json:"error,omitempty"`
}

// argoStrftimeChars is github.com/argoproj/pkg/strftime.FormatChars: the
// workflow.creationTimestamp.<char> sub-keys and the Go layout each is formatted with.
var argoStrftimeChars = map[rune]string{
	'B': "January", 'b': "Jan", 'm': "01", 'A': "Monday", 'a': "Mon", 'd': "02", 'H': "15",
	'I': "03", 'M': "04", 'S': "05", 'Y': "2006", 'y': "06", 'p': "PM", 'Z': "MST", 'z': "-0700",
	'L': ".000",
}

// sprigFuncs is Argo's util/expr/env: sprig's generic functions without env and expandenv.
var sprigFuncs = func() map[string]interface{} {
	m := sprig.GenericFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	return m
}()

// creationVars binds the creation-time variables as Argo's operator does (setGlobalParameters),
// from a metav1.Time that the informer decoded into the controller's local zone.
func creationVars(vars map[string]string, unix int64, zone string) error {
	if zone == "" {
		zone = "UTC"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err
	}
	t := time.Unix(unix, 0).In(loc)
	vars["workflow.creationTimestamp"] = t.Format(time.RFC3339)
	for c, layout := range argoStrftimeChars {
		vars["workflow.creationTimestamp."+string(c)] = t.Format(layout)
	}
	vars["workflow.creationTimestamp.s"] = strconv.FormatInt(t.Unix(), 10)
	vars["workflow.creationTimestamp.RFC3339"] = t.Format(time.RFC3339)
	return nil
}

// expandEnv is Argo's util/expand.Expand: a key that has children ("a" beside "a.b") is dropped,
// then dotted keys become nested maps (bellows.Expand).
func expandEnv(vars map[string]string) map[string]interface{} {
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	kept := map[string]string{}
	for i, k := range keys {
		if i+1 < len(keys) && strings.HasPrefix(keys[i+1], k+".") {
			continue
		}
		kept[k] = vars[k]
	}
	env := map[string]interface{}{}
	for k, v := range kept {
		parts := strings.Split(k, ".")
		m := env
		for _, p := range parts[:len(parts)-1] {
			child, ok := m[p].(map[string]interface{})
			if !ok {
				child = map[string]interface{}{}
				m[p] = child
			}
			m = child
		}
		m[parts[len(parts)-1]] = v
	}
	return env
}

// jsonFix is Argo's util/json.Fix, applied to a tag before evaluating it.
func jsonFix(s string) string {
	s = strings.Replace(s, "\\u003c", "<", -1)
	s = strings.Replace(s, "\\u003e", ">", -1)
	return strings.Replace(s, "\\u0026", "&", -1)
}

func marshalInner(s string) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	return string(b[1 : len(b)-1]), nil
}

// scanTags splits JSON-marshalled text into the literal texts and tags between them, exactly as
// github.com/valyala/fasttemplate's Template.Reset does (v1.2.2 template.go, which Argo's
// util/template/template.go NewTemplate calls with "{{" and "}}" at v3.6.19 and v4.1.2; v1.1.0,
// Argo 3.2.4's, scans alike): a tag opens at the first "{{" and closes at the first "}}" after
// it, so "{{{workflow.name}}" is the tag "{workflow.name". len(texts) == len(tags)+1.
func scanTags(s string) (texts []string, tags []string, err error) {
	for {
		n := strings.Index(s, "{{")
		if n < 0 {
			return append(texts, s), tags, nil
		}
		texts = append(texts, s[:n])
		s = s[n+2:]
		n = strings.Index(s, "}}")
		if n < 0 {
			return nil, nil, fmt.Errorf("Cannot find end tag=%q in the template starting from %q", "}}", s)
		}
		tags = append(tags, s[:n])
		s = s[n+2:]
	}
}

// substitution says how one pass treats what it cannot resolve.
type substitution struct {
	allowUnresolved bool     // leave unresolved tags as they were (template.Replace(…, true))
	strict          []string // ...but not simple tags with these prefixes (ReplaceStrictAny)
}

func (m substitution) mustResolve(tag string) bool {
	if !m.allowUnresolved {
		return true
	}
	for _, p := range m.strict {
		if tag == p || strings.HasPrefix(tag, p+".") {
			return true
		}
	}
	return false
}

// substitute replaces every tag of `text` as Argo's template.Replace does with
// allowUnresolved=false: on the JSON-marshalled text, tag by tag, then unmarshals the result.
func substitute(text string, vars map[string]string) (string, error) {
	marshalled, err := marshalInner(text)
	if err != nil {
		return "", err
	}
	out, err := substitutePass(marshalled, vars, substitution{})
	if err != nil {
		return "", err
	}
	return unmarshalInner(out)
}

// substitutePasses runs the controller's passes over `text` in turn. Each pass rescans what the
// one before wrote: Argo marshals the template, substitutes, unmarshals it, and the next pass
// (SubstituteParams' second Replace in workflow/common/util.go, dag.go's ReplaceStrictAny on a
// task, the pod's in workflowpod.go, at v3.6.19 and v4.1.2) starts again from that text.
func substitutePasses(text string, passes []pass) (string, error) {
	for _, p := range passes {
		marshalled, err := marshalInner(text)
		if err != nil {
			return "", err
		}
		out, err := substitutePass(marshalled, p.Vars, substitution{allowUnresolved: true, strict: p.Strict})
		if err != nil {
			return "", err
		}
		if text, err = unmarshalInner(out); err != nil {
			return "", err
		}
	}
	return text, nil
}

// substitutePass is Argo's impl.Replace over JSON-marshalled text (util/template/template.go,
// simple_template.go, expression_template.go at v3.6.19 and v4.1.2): one scan, each tag replaced
// by what it resolves to; what it writes is not scanned again in this pass.
func substitutePass(marshalled string, vars map[string]string, mode substitution) (string, error) {
	texts, tags, err := scanTags(marshalled)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	for i, tag := range tags {
		out.WriteString(texts[i])
		// kind.go parseTag: "=" opens an expression, whose text util/json.Fix un-escapes.
		if strings.HasPrefix(tag, "=") {
			v, err := evalExpression(jsonFix(strings.TrimPrefix(tag, "=")), vars)
			if err != nil {
				if !mode.allowUnresolved {
					return "", err
				}
				v = "{{" + tag + "}}" // unresolved is allowed: the tag stays for a later pass
			}
			out.WriteString(v)
			continue
		}
		v, ok := vars[strings.TrimSpace(tag)]
		if !ok {
			// simple_template.go: a "{{" inside the tag is tried as a nested tag.
			if index := strings.LastIndex(tag, "{{"); index > 0 {
				if nested, ok := vars[tag[index+2:]]; ok {
					q := strconv.Quote(nested)
					out.WriteString("{{" + tag[:index] + q[1:len(q)-1])
					continue
				}
			}
			if mode.mustResolve(strings.TrimSpace(tag)) {
				return "", fmt.Errorf("failed to resolve {{%s}}", tag)
			}
			out.WriteString("{{" + tag + "}}")
			continue
		}
		q := strconv.Quote(v)
		out.WriteString(q[1 : len(q)-1])
	}
	out.WriteString(texts[len(tags)])
	return out.String(), nil
}

func unmarshalInner(s string) (string, error) {
	var final string
	if err := json.Unmarshal([]byte("\""+s+"\""), &final); err != nil {
		return "", fmt.Errorf("the substituted text is not a JSON string: %w", err)
	}
	return final, nil
}

// evalExpression is Argo's expressionReplace for one `{{=…}}` tag.
func evalExpression(expression string, vars map[string]string) (string, error) {
	var unmarshalled string
	if err := json.Unmarshal([]byte("\""+expression+"\""), &unmarshalled); err != nil {
		return "", fmt.Errorf("failed to unmarshall JSON expression: %w", err)
	}
	env := expandEnv(vars)
	env["sprig"] = sprigFuncs
	program, err := expr.Compile(unmarshalled, expr.Env(env))
	if err != nil {
		return "", fmt.Errorf("failed to evaluate expression %q: %w", unmarshalled, err)
	}
	value, err := expr.Run(program, env)
	if err != nil {
		return "", fmt.Errorf("failed to evaluate expression %q: %w", unmarshalled, err)
	}
	if value == nil {
		return "", fmt.Errorf("failed to evaluate expression %q: nil result", unmarshalled)
	}
	return marshalInner(fmt.Sprintf("%v", value))
}

func handle(r request) (string, error) {
	if r.Layout != nil {
		loc, err := time.LoadLocation(r.Zone)
		if err != nil {
			return "", err
		}
		return time.Unix(r.Unix, 0).In(loc).Format(*r.Layout), nil
	}
	if r.Template == nil {
		return "", errors.New("a request needs a template or a layout")
	}
	vars := map[string]string{}
	if r.CreatedUnix != nil {
		if err := creationVars(vars, *r.CreatedUnix, r.ControllerZone); err != nil {
			return "", err
		}
	}
	for k, v := range r.Vars {
		vars[k] = v
	}
	if r.Passes != nil {
		if len(r.Vars) > 0 {
			return "", errors.New("a request has either vars or passes")
		}
		// The creation time is a global: every pass knows it.
		passes := make([]pass, len(r.Passes))
		for i, p := range r.Passes {
			passes[i] = pass{Vars: map[string]string{}, Strict: p.Strict}
			for k, v := range vars {
				passes[i].Vars[k] = v
			}
			for k, v := range p.Vars {
				passes[i].Vars[k] = v
			}
		}
		return substitutePasses(*r.Template, passes)
	}
	return substitute(*r.Template, vars)
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	trimmed := strings.TrimSpace(string(input))
	if strings.HasPrefix(trimmed, "[") {
		var reqs []request
		if err := json.Unmarshal(input, &reqs); err != nil {
			fmt.Fprintln(os.Stderr, "bad input:", err)
			os.Exit(2)
		}
		results := make([]result, len(reqs))
		for i, r := range reqs {
			out, err := handle(r)
			if err != nil {
				results[i].Error = err.Error()
			} else {
				results[i].Out = &out
			}
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return
	}
	var r request
	if err := json.Unmarshal(input, &r); err != nil {
		fmt.Fprintln(os.Stderr, "bad input:", err)
		os.Exit(2)
	}
	out, err := handle(r)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(out)
}
