/* edits_builtins.c - the string, lookup and message built-ins, and the built-in table the
 * resolver checks calls against. Semantics follow docs/edits-language.md section 9 exactly,
 * quirks included (TRIM RIGHT of blanks is " ", SUBSTR past the end returns the string).
 * Results that are slices of an argument point into it; only UPPER/LOWER copy (to the
 * per-statement arena). Strings are (pointer, length) pairs and are never NUL-scanned.
 * Dates live in edits_date.c, MATCH/INLIST in edits_mask.c. */
#include "edits_internal.h"

#include <stdio.h>
#include <string.h>

const builtin_info crtk__edits_builtins[B__COUNT] = {
#define X(name, fn, mn, mx, kinds, ret) {#name, mn, mx, kinds, TY_##ret},
    CRTK_BUILTINS(X)
#undef X
};

const builtin_fn crtk__edits_builtin_fns[B__COUNT] = {
#define X(name, fn, mn, mx, kinds, ret) crtk__edits_bi_##fn,
    CRTK_BUILTINS(X)
#undef X
};

#define BI(fn) \
    int crtk__edits_bi_##fn(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)

enum { SIDE_RIGHT = 0, SIDE_LEFT = 1, SIDE_BOTH = 2 };

static void set_slice(val *out, const char *s, size_t n)
{
    out->s = s;
    out->n = (int32_t)n;
}

/* ---- simple string functions ---------------------------------------------------------- */

BI(empty)
{
    out->i = is_blank_all(a[0].s, (size_t)a[0].n);
    return 0;
}

BI(val)
{
    const char *s = a[0].s;
    size_t n = (size_t)a[0].n, i = 0;
    bool neg = false;
    int64_t v = 0;

    while (i < n && (unsigned char)s[i] <= ' ')
        i++;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        if (v < INT64_MAX / 10 - 10)
            v = v * 10 + (s[i] - '0');
    out->i = neg ? -v : v;
    return 0;
}

BI(strlen)
{
    out->i = a[0].n;
    return 0;
}

BI(trim)
{
    const char *s = a[0].s;
    size_t n = (size_t)a[0].n, b = 0, e = n;
    int64_t side = a[1].i;

    if (side != SIDE_RIGHT && side != SIDE_LEFT)
        side = SIDE_BOTH; /* unknown side constants trim both [guess] */
    if (side != SIDE_RIGHT)
        while (b < e && s[b] == ' ')
            b++;
    if (side != SIDE_LEFT)
        while (e > b && s[e - 1] == ' ')
            e--;
    /* GenEDITS quirk: RIGHT-trimming a non-empty all-blank value leaves one blank */
    if (side == SIDE_RIGHT && n > 0 && e == 0)
        e = 1;
    set_slice(out, s + b, e - b);
    return 0;
}

BI(left)
{
    int64_t k = a[1].i;
    size_t n = (size_t)a[0].n;

    set_slice(out, a[0].s, k <= 0 ? 0 : ((uint64_t)k < n ? (size_t)k : n));
    return 0;
}

BI(right)
{
    int64_t k = a[1].i;
    size_t n = (size_t)a[0].n, m = k <= 0 ? 0 : ((uint64_t)k < n ? (size_t)k : n);

    set_slice(out, a[0].s + n - m, m);
    return 0;
}

static int change_case(crtk_edit_state *st, val *a, val *out, bool upper)
{
    size_t n = (size_t)a[0].n;
    char *d = crtk__edits_arena(st, n);

    if (!d)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = a[0].s[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        d[i] = c;
    }
    set_slice(out, d, n);
    return 0;
}

BI(upper)
{
    return change_case(st, a, out, true);
}

BI(lower)
{
    return change_case(st, a, out, false);
}

BI(substr)
{
    const char *s = a[0].s;
    size_t n = (size_t)a[0].n, b, e;
    int64_t start = a[1].i;

    if (start > (int64_t)n) { /* IMS quirk: start past the end returns the string */
        set_slice(out, s, n);
        return 0;
    }
    if (start < 1)
        start = 1; /* [guess] */
    b = (size_t)start - 1;
    if (argc >= 3) {
        int64_t len = a[2].i;
        e = len <= 0 ? b : ((uint64_t)len >= n - b ? n : b + (size_t)len);
    } else {
        e = b + rtrim_len(s + b, n - b);
    }
    set_slice(out, s + b, e - b);
    return 0;
}

/* Destination char variable of STRCPY/STRCAT/FMTSTR. */
static char *dest(crtk_edit_state *st, const val *ref, size_t *cap, int32_t **len)
{
    const crtk_edit *e = st->edit;
    int idx = (int)ref->i;

    *cap = e->scap[idx];
    *len = &st->slen[idx];
    return st->smem + e->soff[idx];
}

BI(strcpy)
{
    size_t cap, n = (size_t)a[1].n, pad = 0;
    int32_t *len;
    char *d = dest(st, &a[0], &cap, &len);

    if (argc >= 3) {
        int64_t k = a[2].i;
        if (k >= 0) {
            if ((uint64_t)k < n)
                n = (size_t)k;
        } else {
            /* negative n: exactly |n| characters, blank-padded */
            uint64_t m = k == INT64_MIN ? (uint64_t)INT64_MAX : (uint64_t)-k;
            if (m < n)
                n = (size_t)m;
            else
                pad = m - n > cap ? cap : (size_t)(m - n);
        }
    }
    if (n > cap)
        n = cap;
    memmove(d, a[1].s, n);
    if (n + pad > cap)
        pad = cap - n;
    memset(d + n, ' ', pad);
    *len = (int32_t)(n + pad);
    d[*len] = '\0';
    out->i = 1;
    return 0;
}

BI(strcat)
{
    size_t cap, n = (size_t)a[1].n, have;
    int32_t *len;
    char *d = dest(st, &a[0], &cap, &len);

    if (argc >= 3) {
        int64_t k = a[2].i;
        if (k <= 0)
            n = 0;
        else if ((uint64_t)k < n)
            n = (size_t)k;
    }
    have = (size_t)*len;
    if (have + n > cap)
        n = cap - have;
    memmove(d + have, a[1].s, n);
    *len = (int32_t)(have + n);
    d[*len] = '\0';
    out->i = 1;
    return 0;
}

BI(strcmp)
{
    size_t n1 = (size_t)a[0].n, n2 = (size_t)a[1].n, m;
    int c;

    if (argc >= 3) {
        int64_t k = a[2].i;
        if (k <= 0) {
            out->i = 0;
            return 0;
        }
        if ((uint64_t)k < n1)
            n1 = (size_t)k;
        if ((uint64_t)k < n2)
            n2 = (size_t)k;
    }
    m = n1 < n2 ? n1 : n2;
    c = m ? memcmp(a[0].s, a[1].s, m) : 0;
    if (c == 0)
        c = n1 < n2 ? -1 : (n1 > n2 ? 1 : 0);
    out->i = c < 0 ? -1 : (c > 0 ? 1 : 0);
    return 0;
}

/* FMTSTR: printf with one integer. Conversions d i u x X o c (any h/l/ll length) take the
 * value (the first conversion; later ones get 0), %% is a percent, anything else is copied. */
BI(fmtstr)
{
    size_t cap, fl = (size_t)a[1].n, o = 0;
    int32_t *len;
    char *d = dest(st, &a[0], &cap, &len);
    const char *f = a[1].s;
    char buf[CRTK_EDIT_MAX_STRING + 1];
    int64_t v = a[2].i;
    bool used = false;

    for (size_t i = 0; i < fl && o < cap;) {
        if (f[i] != '%') {
            buf[o++] = f[i++];
            continue;
        }
        size_t j = i + 1;
        char spec[40];
        size_t sl = 0;
        int width = 0, prec = -1;
        spec[sl++] = '%';
        while (j < fl && strchr("-+ 0#", f[j]) && sl < 8)
            spec[sl++] = f[j++];
        while (j < fl && f[j] >= '0' && f[j] <= '9') {
            if (width < 10000)
                width = width * 10 + (f[j] - '0');
            j++;
        }
        if (j < fl && f[j] == '.') {
            prec = 0;
            j++;
            while (j < fl && f[j] >= '0' && f[j] <= '9') {
                if (prec < 10000)
                    prec = prec * 10 + (f[j] - '0');
                j++;
            }
        }
        while (j < fl && (f[j] == 'l' || f[j] == 'h'))
            j++;
        if (j < fl && f[j] == '%' && j == i + 1) {
            buf[o++] = '%';
            i = j + 1;
            continue;
        }
        if (j >= fl || !strchr("diuxXoc", f[j])) {
            buf[o++] = f[i++]; /* not a conversion: copy the '%' literally */
            continue;
        }
        if (width > CRTK_EDIT_MAX_STRING)
            width = CRTK_EDIT_MAX_STRING;
        if (prec > CRTK_EDIT_MAX_STRING)
            prec = CRTK_EDIT_MAX_STRING;
        char conv = f[j];
        int w;
        long long x = used ? 0 : (long long)v;
        used = true;
        if (conv == 'c') {
            sl = (size_t)snprintf(spec + sl, sizeof spec - sl, "%dc", width) + sl;
            w = snprintf(buf + o, cap + 1 - o, spec, (int)(unsigned char)x);
        } else if (prec >= 0) {
            snprintf(spec + sl, sizeof spec - sl, "%d.%dll%c", width, prec,
                     conv == 'i' ? 'd' : conv);
            w = snprintf(buf + o, cap + 1 - o, spec, x);
        } else {
            snprintf(spec + sl, sizeof spec - sl, "%dll%c", width, conv == 'i' ? 'd' : conv);
            w = snprintf(buf + o, cap + 1 - o, spec, x);
        }
        if (w > 0)
            o += (size_t)w;
        if (o > cap)
            o = cap;
        i = j + 1;
    }
    memcpy(d, buf, o);
    *len = (int32_t)o;
    d[o] = '\0';
    out->i = 1;
    return 0;
}

static const char *find(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (nn > hn)
        return NULL;
    return memmem(h, hn, nd, nn);
}

BI(at)
{
    const char *nd = a[0].s, *h = a[1].s, *p;
    size_t nn = (size_t)a[0].n, hn = (size_t)a[1].n;
    int64_t w = argc >= 3 ? a[2].i : 1;

    out->i = 0;
    if (nn == 0 || hn == 0)
        return 0;
    if (w <= 1) {
        p = find(h, hn, nd, nn);
        out->i = p ? (int64_t)(p - h) + 1 : 0;
        return 0;
    }
    /* width w: index of the first w-char block containing the needle (last may be shorter) */
    for (size_t b = 0, k = 1; b < hn; b += (size_t)w, k++) {
        size_t bl = hn - b < (uint64_t)w ? hn - b : (size_t)w;
        if (find(h + b, bl, nd, nn)) {
            out->i = (int64_t)k;
            return 0;
        }
        if ((uint64_t)w > hn)
            break;
    }
    return 0;
}

BI(justified)
{
    const char *s = a[0].s;
    size_t n = (size_t)a[0].n;
    int64_t side = a[1].i;
    bool l = n > 0 && s[0] != ' ', r = n > 0 && s[n - 1] != ' ';

    out->i = side == SIDE_LEFT ? l : (side == SIDE_RIGHT ? r : (l && r)); /* BOTH [guess] */
    return 0;
}

/* ---- lookups -------------------------------------------------------------------------- */

static void fill_tablevars(crtk_edit_state *st, const site *s, long row)
{
    const crtk_edit *e = st->edit;

    for (int i = 0; i < s->nbind; i++) {
        int v = s->binds[i].str;
        char *d = st->smem + e->soff[v];
        size_t n = 0;
        if (row >= 0) {
            const char *c = table_cell(s->table, (size_t)row, (size_t)s->binds[i].col);
            n = rtrim_len(c, strlen(c));
            if (n > e->scap[v])
                n = e->scap[v];
            memcpy(d, c, n);
        }
        d[n] = '\0';
        st->slen[v] = (int32_t)n;
    }
}

static int
do_lookup(crtk_edit_state *st, const insn *in, const val *v, val *out, bool trim, bool floor)
{
    const site *s = &st->edit->sites[in->k];
    size_t n = trim ? rtrim_len(v->s, (size_t)v->n) : (size_t)v->n;
    long row =
        floor ? crtk__edits_index_floor(s->ix, v->s, n) : crtk__edits_index_find(s->ix, v->s, n);

    fill_tablevars(st, s, row);
    out->i = row >= 0;
    return 0;
}

BI(lookup)
{
    return do_lookup(st, in, &a[0], out, true, false);
}

BI(rlookup)
{
    return do_lookup(st, in, &a[0], out, true, true);
}

BI(sqllookup)
{
    return do_lookup(st, in, &a[0], out, false, false);
}

BI(sqlrangelookup)
{
    return do_lookup(st, in, &a[0], out, false, true);
}

/* ---- messages -------------------------------------------------------------------------- */

static const char *msg_text(crtk_edit_state *st, long number, size_t *n)
{
    const char *t = crtk__edits_message_text(st, number);

    if (!t) {
        snprintf(st->errbuf, sizeof st->errbuf, "message %ld", number);
        t = st->errbuf;
    }
    *n = strlen(t);
    return t;
}

static int oom(crtk_edit_state *st)
{
    st->rt_error = "out of memory";
    return -1;
}

BI(error_text)
{
    if (crtk__edits_set_pending(st, 0, a[0].s, (size_t)a[0].n) < 0)
        return oom(st);
    out->i = 0; /* FAIL as a value; no failure flag */
    return 0;
}

BI(error_msg)
{
    size_t n;
    const char *t = msg_text(st, (long)a[0].i, &n);

    if (crtk__edits_set_pending(st, (long)a[0].i, t, n) < 0)
        return oom(st);
    out->i = 0;
    return 0;
}

BI(save_text)
{
    if (crtk__edits_add_message(st, CRTK_EDIT_MSG_INFO, 0, a[0].s, (size_t)a[0].n) < 0)
        return oom(st);
    st->failed = true;
    out->i = 0; /* the reference engine's value: SAVE_TEXT returns 0 */
    return 0;
}

/* SAVE_ERROR_TEXT(msgnum[, text...]): with text, the message is the text (arguments joined)
 * under number msgnum; without, message msgnum's own text [guess: CDC semantics of the extra
 * arguments are undocumented]. A text first argument is taken as free text (number 0).
 * SET_ERROR(msgnum, ...) ignores its extra arguments (CDC flag-array entries) [guess].
 * insn k is 1 when the first argument is a string. */
static int
save_error(crtk_edit_state *st, const insn *in, val *a, int argc, val *out, bool use_extra)
{
    strbuf *b = &st->scratch;
    long number = in->k ? 0 : (long)a[0].i;
    int rc = CRTK_OK;

    sb_clear(b);
    if (in->k) {
        rc = sb_add(b, a[0].s, (size_t)a[0].n);
        for (int i = 1; use_extra && i < argc && rc == CRTK_OK; i++)
            rc = sb_add(b, a[i].s, (size_t)a[i].n);
    } else if (use_extra && argc > 1) {
        for (int i = 1; i < argc && rc == CRTK_OK; i++)
            rc = sb_add(b, a[i].s, (size_t)a[i].n);
    } else {
        size_t n;
        const char *t = msg_text(st, number, &n);
        rc = sb_add(b, t, n);
    }
    if (rc == CRTK_OK)
        rc = crtk__edits_add_message(st, CRTK_EDIT_MSG_ERROR, number, b->s ? b->s : "", b->len);
    if (rc < 0)
        return oom(st);
    st->failed = true;
    out->i = 0; /* as the reference engine: `return SET_ERROR(...)` fails */
    return 0;
}

BI(save_error_text)
{
    return save_error(st, in, a, argc, out, true);
}

BI(set_error)
{
    return save_error(st, in, a, argc, out, false);
}

/* IMS: warnings are no-ops returning TRUE unless "fail warnings" is on. */
BI(save_warning_text)
{
    int rc = st->edit->fail_warnings ? save_error(st, in, a, argc, out, true) : 0;
    out->i = 1;
    return rc;
}

BI(set_warning)
{
    int rc = st->edit->fail_warnings ? save_error(st, in, a, argc, out, false) : 0;
    out->i = 1;
    return rc;
}

/* USR2(...): the user exit that flags a failure; a text or message-number argument gives
 * its message, none the edit's default message. Returns 0, as the reference engine. */
BI(usr2)
{
    int rc = 0;

    if (argc > 0)
        rc = save_error(st, in, a, 1, out, false);
    st->failed = true;
    out->i = 0;
    return rc;
}

/* USR4(...): a user exit without effect in the reference engine; returns TRUE. */
BI(usr4)
{
    out->i = 1;
    return 0;
}
