"""robfig/cron v1.2.0's `cron.Parse`, the check KFP's API server applies to a recurring run's cron.

KFP 2.17.0 calls `cron.Parse(*trigger.CronSchedule.Cron)` in toModelJob
(kubeflow/pipelines backend/src/apiserver/server/api_converter.go at tag 2.17.0; go.mod pins
github.com/robfig/cron v1.2.0), and the ScheduledWorkflow controller parses it again the same way
(backend/src/crd/controller/scheduledworkflow/util/cron_schedule.go). This module follows
robfig/cron parser.go, spec.go and constantdelay.go at tag v1.2.0 line by line, so the stand-in
accepts exactly what that parser accepts, including its quirks (`*-5` is `*`, empty list items
are dropped, `+5` is 5, a 5-field spec is read as seconds..month). `@every` uses Go's
time.ParseDuration and the numbers strconv.Atoi (src/time/format.go and src/strconv/atoi.go, read
at Go 1.19; KFP 2.17.0 builds with Go 1.26, backend/Dockerfile). Messages match robfig's too.

    parse("0 0 21 * * *")  # None: accepted
    parse("TZ=Asia/Tokyo 0 0 6 * * *")  # "Expected 5 to 6 fields, found 7: TZ=Asia/Tokyo 0 0 6 * * *"
"""
import re

# spec.go: the bounds of each field, and the names of months and days (matched after ToLower).
SECONDS, MINUTES, HOURS = (0, 59, None), (0, 59, None), (0, 23, None)
DOM = (1, 31, None)
MONTHS = (1, 12, {n: i + 1 for i, n in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())})
DOW = (0, 6, {n: i for i, n in enumerate("sun mon tue wed thu fri sat".split())})
FIELDS = (SECONDS, MINUTES, HOURS, DOM, MONTHS, DOW)

# Go's unicode.IsSpace, which strings.Fields splits on (Python's str.split also splits on
# U+001C..U+001F, which Go does not).
GO_SPACE = set("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}

DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")


class ParseError(Exception):
    pass


def go_fields(s):
    """strings.Fields: the runs of non-space characters."""
    out, cur = [], ""
    for c in s:
        if c in GO_SPACE:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += c
    if cur:
        out.append(cur)
    return out


def go_lower(s):
    # strings.ToLower maps rune by rune (simple case mapping): U+0130 becomes "i", where Python's
    # full mapping gives "i" plus a combining dot. So "FRİ" is Friday in Go.
    return "".join("i" if c == "\u0130" else c.lower() for c in s)


def strconv_quote(s):
    """strconv.Quote, as NumError prints the text it could not parse."""
    out = ""
    for c in s:
        if c in '"\\':
            out += "\\" + c
        elif c.isprintable():
            out += c
        elif c in "\a\b\f\n\r\t\v":
            out += "\\" + "abfnrtv"["\a\b\f\n\r\t\v".index(c)]
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out += "\\x%02x" % ord(c)
        else:
            out += ("\\u%04x" if ord(c) < 0x10000 else "\\U%08x") % ord(c)
    return '"' + out + '"'


def atoi(expr):
    """strconv.Atoi on a 64-bit platform: an optional sign and ASCII digits, within int64. Whether
    an overflow or a bad character comes first decides only the wording, as in ParseUint."""
    def fail(why):
        return ParseError("Failed to parse int from %s: strconv.Atoi: parsing %s: %s" % (expr, strconv_quote(expr), why))
    digits = expr[1:] if expr[:1] in ("+", "-") else expr
    n = 0
    for c in digits:
        if not "0" <= c <= "9":
            raise fail("invalid syntax")
        n = n * 10 + int(c)
        if n > (1 << 64) - 1:
            raise fail("value out of range")
    if not digits:
        raise fail("invalid syntax")
    n = -n if expr[0] == "-" else n
    if not -(1 << 63) <= n < (1 << 63):
        raise fail("value out of range")
    return n


def must_parse_int(expr):
    num = atoi(expr)
    if num < 0:
        raise ParseError("Negative number (%d) not allowed: %s" % (num, expr))
    return num


def parse_int_or_name(expr, names):
    if names is not None and go_lower(expr) in names:
        return names[go_lower(expr)]
    return must_parse_int(expr)


def get_range(expr, bounds):
    """getRange: number | number "-" number [ "/" number ], or * and ? for the whole range."""
    lo, hi, names = bounds
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single_digit = len(low_and_high) == 1
    if low_and_high[0] in ("*", "?"):
        # Whatever follows a hyphen here is never read: "*-5" and "*-x" are the whole range.
        start, end = lo, hi
    else:
        start = parse_int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = parse_int_or_name(low_and_high[1], names)
        else:
            raise ParseError("Too many hyphens: %s" % expr)
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = must_parse_int(range_and_step[1])
        if single_digit:  # "N/step" means "N-max/step"
            end = hi
    else:
        raise ParseError("Too many slashes: %s" % expr)
    if start < lo:
        raise ParseError("Beginning of range (%d) below minimum (%d): %s" % (start, lo, expr))
    if end > hi:
        raise ParseError("End of range (%d) above maximum (%d): %s" % (end, hi, expr))
    if start > end:
        raise ParseError("Beginning of range (%d) beyond end of range (%d): %s" % (start, end, expr))
    if step == 0:
        raise ParseError("Step of range should be a positive number: %s" % expr)


def get_field(field, bounds):
    # strings.FieldsFunc on ',' drops empty items: "1,,2" and even "," are accepted.
    for expr in (e for e in field.split(",") if e):
        get_range(expr, bounds)


def time_quote(s):
    """The time package's quote(): bytes of non-ASCII and control characters as \\xNN."""
    out = ""
    for c in s:
        if ord(c) >= 0x80 or c < " ":
            out += "".join("\\x%02x" % b for b in c.encode())
        else:
            out += "\\" + c if c in '"\\' else c
    return '"' + out + '"'


UNITS = {"ns": 1, "us": 10**3, "\u00b5s": 10**3, "\u03bcs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
         "h": 3600 * 10**9}


def parse_duration(s):
    """time.ParseDuration's acceptance: [-+]?([0-9]*(\\.[0-9]*)?[a-z]+)+, units ns us µs μs ms s m h,
    within int64 nanoseconds. The value itself does not matter: Every() takes any duration."""
    orig, d = s, 0
    invalid = ParseError("time: invalid duration " + time_quote(orig))
    if s and s[0] in "+-":
        neg, s = s[0] == "-", s[1:]
    else:
        neg = False
    if s == "0":
        return
    if s == "":
        raise invalid
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid
        m = re.match(r"[0-9]*", s)
        v, pre = 0, bool(m.group())
        for c in m.group():  # leadingInt's overflow checks
            if v > (1 << 63) // 10:
                raise invalid
            v = v * 10 + int(c)
            if v > 1 << 63:
                raise invalid
        s = s[m.end():]
        f, scale, post = 0, 1.0, False
        if s and s[0] == ".":
            m = re.match(r"[0-9]*", s[1:])
            post, s = bool(m.group()), s[1 + m.end():]
            overflow = False
            for c in m.group():  # leadingFraction stops gaining precision instead of failing
                if overflow:
                    continue
                if f > ((1 << 63) - 1) // 10 or f * 10 + int(c) > 1 << 63:
                    overflow = True
                    continue
                f, scale = f * 10 + int(c), scale * 10
        if not pre and not post:
            raise invalid
        unit = re.match(r"[^.0-9]*", s).group()
        if not unit:
            raise ParseError("time: missing unit in duration " + time_quote(orig))
        s = s[len(unit):]
        if unit not in UNITS:
            raise ParseError("time: unknown unit " + time_quote(unit) + " in duration " + time_quote(orig))
        if v > (1 << 63) // UNITS[unit]:
            raise invalid
        v *= UNITS[unit]
        if f > 0:
            v += int(float(f) * (float(UNITS[unit]) / scale))
            if v > 1 << 63:
                raise invalid
        d += v
        if d > 1 << 63:
            raise invalid
    if not neg and d > (1 << 63) - 1:
        raise invalid


def parse_descriptor(spec):
    if spec in DESCRIPTORS:
        return
    if spec.startswith("@every "):
        try:
            parse_duration(spec[len("@every "):])
        except ParseError as e:
            raise ParseError("Failed to parse duration %s: %s" % (spec, e))
        return
    raise ParseError("Unrecognized descriptor: %s" % spec)


def parse(spec):
    """None if robfig/cron v1.2.0's cron.Parse accepts `spec`, else its error text."""
    try:
        if not spec:
            raise ParseError("Empty spec string")
        if spec[0] == "@":  # the first byte, before any whitespace is skipped
            parse_descriptor(spec)
            return None
        # defaultParser: Second | Minute | Hour | Dom | Month | DowOptional | Descriptor.
        fields = go_fields(spec)
        if not 5 <= len(fields) <= 6:
            raise ParseError("Expected 5 to 6 fields, found %d: %s" % (len(fields), spec))
        fields = fields + ["*"] * (6 - len(fields))  # expandFields: day of week defaults to *
        for field, bounds in zip(fields, FIELDS):
            get_field(field, bounds)
        return None
    except ParseError as e:
        return str(e)
