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
//	{"layout": "2006-01-02", "zone": "Asia/Tokyo", "unix": 1711902600}
//	                                  // Go's time.Unix(unix, 0).In(zone).Format(layout)
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

type request struct {
	Vars           map[string]string `json:"vars"`
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

// substitute replaces every tag of `text` as Argo's template.Replace does with
// allowUnresolved=false: on the JSON-marshalled text, tag by tag (fasttemplate with "{{" "}}"),
// then unmarshals the result.
func substitute(text string, vars map[string]string) (string, error) {
	marshalled, err := marshalInner(text)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	s := marshalled
	for {
		start := strings.Index(s, "{{")
		if start < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:start])
		s = s[start+2:]
		end := strings.Index(s, "}}")
		if end < 0 {
			return "", errors.New("cannot find end tag=\"}}\" in the template")
		}
		tag := s[:end]
		s = s[end+2:]
		if strings.HasPrefix(tag, "=") {
			v, err := evalExpression(jsonFix(strings.TrimPrefix(tag, "=")), vars)
			if err != nil {
				return "", err
			}
			out.WriteString(v)
			continue
		}
		v, ok := vars[strings.TrimSpace(tag)]
		if !ok {
			return "", fmt.Errorf("failed to resolve {{%s}}", tag)
		}
		q := strconv.Quote(v)
		out.WriteString(q[1 : len(q)-1])
	}
	var final string
	if err := json.Unmarshal([]byte("\""+out.String()+"\""), &final); err != nil {
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
