#!/usr/bin/python3
"""Check KFP v2 IR files against pipecc's JSON Schemas (schemas/*.schema.json).

Usage: /usr/bin/python3 tests/tools/check_ir_schema.py [--schema-dir DIR] [-q] FILE...

Each FILE is YAML (one PipelineSpec document, optionally followed by a
kfp-kubernetes PlatformSpec document after `---`) or JSON (a PipelineSpec
object, or an array of one or two documents). Document 1 is validated against
pipeline_spec.schema.json, document 2 against platform_spec.schema.json, with
jsonschema's Draft202012Validator. Empty YAML documents are skipped.

Besides the schemas, these are errors, as they are for protobuf's JSON parser:
duplicate mapping keys, non-string keys, and YAML values that are not JSON
data (timestamps, binary, NaN/Infinity).

Output: one line per error, `FILE: /json/pointer: message` (errors in the
second document say "PlatformSpec:" in the message). Valid files print
`FILE: OK` on stderr unless -q.
Exit status: 0 every file valid; 1 some file invalid; 2 some file unreadable
(missing, not UTF-8, YAML/JSON syntax error, more than 2 documents) or a
schema not loadable.

Needs Debian's python3-jsonschema and python3-yaml.
"""
import argparse
import datetime
import json
import math
import os
import re
import sys

import jsonschema
import yaml

SCHEMA_FILES = ('pipeline_spec.schema.json', 'platform_spec.schema.json')
DOC_LABELS = ('', 'PlatformSpec: ')
DEFAULT_SCHEMA_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'schemas')


class Unreadable(Exception):
    pass


# ----------------------------------------------------------------- loading --
class _Mapping(dict):
    """A dict that remembers the keys its source gave more than once."""
    duplicates = ()


class _DupCheckingLoader(yaml.SafeLoader):
    """yaml.SafeLoader (same tags, same safety) that records duplicate keys."""


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    seen, dups = set(), []
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            if key in seen:
                dups.append(key)
            seen.add(key)
        except TypeError:  # unhashable key: construct_mapping raises a YAMLError below
            pass
    out = _Mapping(loader.construct_mapping(node, deep=True))
    out.duplicates = dups
    return out


_DupCheckingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _json_object(pairs):
    out, dups = _Mapping(), []
    for k, v in pairs:
        if k in out:
            dups.append(k)
        out[k] = v
    out.duplicates = dups
    return out


def _reject_constant(name):
    raise ValueError(f'{name} is not valid JSON')


def load_documents(path):
    """-> list of documents (1 or 2). Raises Unreadable."""
    try:
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8-sig')
    except OSError as e:
        raise Unreadable(e.strerror or str(e))
    except UnicodeDecodeError as e:
        raise Unreadable(f'not UTF-8: {e}')
    if path.endswith('.json'):
        try:
            top = json.loads(text, object_pairs_hook=_json_object, parse_constant=_reject_constant)
        except ValueError as e:
            raise Unreadable(f'invalid JSON: {e}')
        docs = top if isinstance(top, list) else [top]
    else:
        try:
            docs = [d for d in yaml.load_all(text, Loader=_DupCheckingLoader) if d is not None]
        except yaml.YAMLError as e:
            raise Unreadable('invalid YAML: ' + ' '.join(str(e).split()))
    if len(docs) > 2:
        raise Unreadable(f'{len(docs)} documents; expected a PipelineSpec and at most one PlatformSpec')
    return docs


def to_json_data(x, path, errors):
    """Copy x as plain JSON data; append (path, message) for what JSON cannot hold."""
    if isinstance(x, dict):
        out = {}
        for k in getattr(x, 'duplicates', ()):
            errors.append((path + [str(k)], f'duplicate key {k!r}'))
        for k, v in x.items():
            if not isinstance(k, str):
                errors.append((path, f'key {k!r} is a YAML {type(k).__name__}, not a string'))
                k = str(k)
            out[k] = to_json_data(v, path + [k], errors)
        return out
    if isinstance(x, list):
        return [to_json_data(v, path + [i], errors) for i, v in enumerate(x)]
    if isinstance(x, bool) or x is None or isinstance(x, (int, str)):
        return x
    if isinstance(x, float):
        if not math.isfinite(x):
            errors.append((path, f'{x} is not a JSON number'))
        return x
    kind = 'timestamp' if isinstance(x, (datetime.date, datetime.datetime)) else type(x).__name__
    errors.append((path, f'YAML {kind} value {x!r} is not JSON data (quote it to make it a string)'))
    return str(x)


# --------------------------------------------------------------- messages --
def pointer(parts):
    if not parts:
        return '/'
    return ''.join('/' + str(p).replace('~', '~0').replace('/', '~1') for p in parts)


def _json_type(v):
    for t, name in ((bool, 'boolean'), (int, 'integer'), (float, 'number'), (str, 'string'),
                    (list, 'array'), (dict, 'object'), (type(None), 'null')):
        if isinstance(v, t):
            return name
    return type(v).__name__


def _short(v, n=60):
    s = json.dumps(v, default=str)
    return s if len(s) <= n else s[:n - 3] + '...'


def _camel(name):
    return re.sub(r'_([a-z0-9])', lambda m: m.group(1).upper(), name)


def describe(err):
    """-> list of (extra pointer parts, message) for one jsonschema error."""
    kw, inst, sch = err.validator, err.instance, err.schema
    if kw == 'additionalProperties' and isinstance(inst, dict):
        known = list(sch.get('properties', {}))
        out = []
        for k in inst:
            if k in known:
                continue
            hint = ''
            if _camel(k) in known:
                hint = f" (protobuf JSON name is '{_camel(k)}')"
            out.append(([k], f"unknown field '{k}' in {sch.get('title', 'object')}{hint}"))
        return out
    if kw == 'not' and isinstance(sch.get('$comment'), str) and sch['$comment'].startswith('oneof '):
        group = sch['$comment'][len('oneof '):].split(':', 1)[0]
        pairs = [c['required'] for c in err.validator_value.get('anyOf', [err.validator_value])]
        members = list(dict.fromkeys(m for pair in pairs for m in pair))
        got = [m for m in members if m in inst]
        return [([], f"oneof '{group}' allows at most one of {', '.join(members)}; got {', '.join(got)}")]
    if kw == 'type':
        want = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        return [([], f'expected {" or ".join(want)}, got {_json_type(inst)} {_short(inst)}')]
    if kw == 'enum':
        return [([], f'{_short(inst)} is not one of {", ".join(map(str, err.validator_value))}')]
    if kw == 'const':
        return [([], f'must be {_short(err.validator_value)}, got {_short(inst)}')]
    if kw == 'required':
        missing = [k for k in err.validator_value if isinstance(inst, dict) and k not in inst]
        return [([], f"missing required field '{m}'") for m in missing] or [([], err.message)]
    if kw == 'minLength' and err.validator_value == 1:
        return [([], 'must not be empty')]
    if kw == 'pattern':
        title = sch.get('title', '')
        if title == 'int64':
            return [([], f'{_short(inst)} is not an int64 (a JSON integer or a decimal string such as "3")')]
        if title == 'google.protobuf.Duration':
            return [([], f'{_short(inst)} is not a google.protobuf.Duration (e.g. "3600s", "1.5s")')]
    if kw in ('minimum', 'maximum') and sch.get('title') in ('int32', 'int64'):
        return [([], f'{inst} is out of range for {sch["title"]}')]
    return [([], err.message)]


def leaf_errors(err):
    """Errors of combinators (anyOf/oneOf) are replaced by their best sub-error."""
    if err.validator in ('anyOf', 'oneOf') and err.context:
        yield from leaf_errors(jsonschema.exceptions.best_match(err.context))
    else:
        yield err


# ------------------------------------------------------------------- main --
def check_file(path, validators):
    """-> (error lines, unreadable?)"""
    try:
        docs = load_documents(path)
    except Unreadable as e:
        return [f'{path}: /: unreadable: {e}'], True
    if not docs:
        return [f'{path}: /: no document (expected a PipelineSpec)'], False
    lines = []
    for i, doc in enumerate(docs):
        found = []
        data = to_json_data(doc, [], found)
        for top in validators[i].iter_errors(data):
            for err in leaf_errors(top):
                for extra, msg in describe(err):
                    found.append((list(err.absolute_path) + extra, msg))
        seen = set()
        for parts, msg in sorted(found, key=lambda t: ([str(p) for p in t[0]], t[1])):
            line = f'{path}: {pointer(parts)}: {DOC_LABELS[i]}{msg}'
            if line not in seen:
                seen.add(line)
                lines.append(line)
    return lines, False


def load_validators(schema_dir):
    validators = []
    for name in SCHEMA_FILES:
        path = os.path.join(schema_dir, name)
        with open(path, encoding='utf-8') as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validators.append(jsonschema.Draft202012Validator(schema))
    return validators


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('files', nargs='+', metavar='FILE')
    ap.add_argument('--schema-dir', default=DEFAULT_SCHEMA_DIR,
                    help='folder holding %s (default: %%(default)s)' % ' and '.join(SCHEMA_FILES))
    ap.add_argument('-q', '--quiet', action='store_true', help='no "FILE: OK" lines on stderr')
    opts = ap.parse_args(argv)
    try:
        validators = load_validators(opts.schema_dir)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print(f'{opts.schema_dir}: cannot load schemas: {e}', file=sys.stderr)
        return 2
    status = 0
    for path in opts.files:
        lines, unreadable = check_file(path, validators)
        for line in lines:
            print(line)
        if unreadable:
            status = 2
        elif lines:
            status = max(status, 1)
        elif not opts.quiet:
            print(f'{path}: OK', file=sys.stderr)
    return status


if __name__ == '__main__':
    sys.exit(main())
