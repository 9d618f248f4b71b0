/* edits_date.c - the date _IOP built-ins (docs/edits-language.md section 9). Dates are
 * YYYYMMDD text, partial dates blank-filled on the right (YYYYMM__, YYYY____); month or day
 * 00 counts as unknown. A partial date stands for the interval of days it may denote, so
 * DT_MIN/DT_MAX imputation is "nearest/farthest points of two intervals": DT_MIN gives 0
 * when the intervals overlap (the dates agree on every known common part), DT_MAX imputes
 * the first date early and the second late. "Today" comes from the edit options or the
 * state (computed once); ALLOW_FUTURE_DATE_IOP widens it for the rest of the run. */
#include "edits_internal.h"

#include <string.h>
#include <time.h>

#define MIN_YEAR 1850

enum { DT_MIN = 1, DT_MAX = 2, DT_EXACT = 3 };
enum pstat { P_OK, P_BLANK, P_INVALID };

typedef struct ymd {
    int y, m, d; /* m, d: 0 = unknown */
} ymd;

void crtk__edits_real_today(int *y, int *m, int *d)
{
    time_t now = time(NULL);
    struct tm tm;

    if (localtime_r(&now, &tm)) {
        *y = tm.tm_year + 1900;
        *m = tm.tm_mon + 1;
        *d = tm.tm_mday;
    } else {
        *y = 2000;
        *m = 1;
        *d = 1;
    }
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int dim(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days(int y, int m, int d)
{
    int64_t yy = y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static enum pstat bad(crtk_edit_state *st, const char *dc)
{
    size_t n = strlen(dc);

    memcpy(st->dc, dc, n + 1);
    return P_INVALID;
}

/* Validate like VALID_DATE_IOP, setting %DC; fills *out on P_OK. */
static enum pstat parse(crtk_edit_state *st, const char *s, size_t n, ymd *out)
{
    int ly = st->today_y + st->future_years, lm = st->today_m, ld = st->today_d;
    ymd v = {0, 0, 0};

    if (is_blank_all(s, n)) {
        bad(st, "invalid");
        return P_BLANK;
    }
    if (n != 8 || !digits(s, 4))
        return bad(st, "invalid");
    if (digits(s + 4, 4)) {
        v.m = num(s + 4, 2);
        v.d = num(s + 6, 2);
    } else if (digits(s + 4, 2) && s[6] == ' ' && s[7] == ' ') {
        v.m = num(s + 4, 2);
    } else if (!is_blank_all(s + 4, 4)) {
        return bad(st, "invalid");
    }
    v.y = num(s, 4);
    if (v.y < MIN_YEAR || v.y > ly)
        return bad(st, "invalid as to year");
    if (v.m > 12)
        return bad(st, "invalid as to month");
    /* a day with an unknown (00) month cannot be checked: invalid as to day [guess] */
    if ((v.m == 0 && v.d != 0) || (v.m && v.d > dim(v.y, v.m)))
        return bad(st, "invalid as to day");
    if (v.y == ly && v.m && (v.m > lm || (v.m == lm && v.d > ld)))
        return bad(st, "future date");
    st->dc[0] = '\0';
    *out = v;
    return P_OK;
}

int crtk__edits_bi_valid_date(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    ymd v;

    (void)in;
    (void)argc;
    out->i = parse(st, a[0].s, (size_t)a[0].n, &v) == P_OK;
    return 0;
}

int crtk__edits_bi_allow_future(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    int64_t y = a[0].i;

    (void)in;
    (void)argc;
    st->future_years = y < 0 ? 0 : (y > 1000 ? 1000 : (int)y);
    out->i = 1;
    return 0;
}

int crtk__edits_bi_date_year(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    ymd v;
    enum pstat p = parse(st, a[0].s, (size_t)a[0].n, &v);

    (void)in;
    (void)argc;
    out->i = p == P_BLANK ? CRTK_EDIT_DT_EMPTY : (p == P_INVALID ? CRTK_EDIT_DT_ERROR : v.y);
    return 0;
}

/* Month/day: an absent or blank part is reported before validity ("2011  01" has an empty
 * month); a part that is present but invalid makes the date DT_ERROR ("2011 "). */
static int part(crtk_edit_state *st, const val *a, size_t at, int64_t empty, bool month)
{
    const char *s = a->s;
    size_t n = (size_t)a->n;
    ymd v;

    /* A day cut short to one blank is empty too ("201108 " has no day); a month cut short
     * is not ("2011 " is DT_ERROR), as the reference engine decides. */
    if (n < at + 1 || (n >= at + 2 && s[at] == ' ' && s[at + 1] == ' ') ||
        (!month && n == at + 1 && s[at] == ' '))
        return (int)(empty == CRTK_EDIT_DT_MONTH_EMPTY ? 1 : 2);
    if (parse(st, s, n, &v) != P_OK)
        return 0;
    if ((month ? v.m : v.d) == 0)
        return month ? 1 : 2;
    return 3 + (month ? v.m : v.d);
}

int crtk__edits_bi_date_month(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    int r = part(st, &a[0], 4, CRTK_EDIT_DT_MONTH_EMPTY, true);

    (void)in;
    (void)argc;
    out->i = r == 0 ? CRTK_EDIT_DT_ERROR : (r < 3 ? CRTK_EDIT_DT_MONTH_EMPTY : r - 3);
    return 0;
}

int crtk__edits_bi_date_day(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    int r = part(st, &a[0], 6, CRTK_EDIT_DT_DAY_EMPTY, false);

    (void)in;
    (void)argc;
    out->i = r == 0 ? CRTK_EDIT_DT_ERROR : (r < 3 ? CRTK_EDIT_DT_DAY_EMPTY : r - 3);
    return 0;
}

/* First and last day a (possibly partial) date may denote, as day numbers. */
static void span(const ymd *v, int64_t *first, int64_t *last)
{
    int m1 = v->m ? v->m : 1, m2 = v->m ? v->m : 12;

    *first = days(v->y, m1, v->d ? v->d : 1);
    *last = days(v->y, m2, v->d ? v->d : dim(v->y, m2));
}

/* Two dates: sentinel (> 0) or 0 with the spans filled. */
static int64_t two(crtk_edit_state *st, const val *a, int64_t flag, int64_t f[2], int64_t l[2])
{
    ymd v1, v2;
    enum pstat p1 = parse(st, a[0].s, (size_t)a[0].n, &v1);
    enum pstat p2 = parse(st, a[1].s, (size_t)a[1].n, &v2);

    if (p1 == P_BLANK || p2 == P_BLANK)
        return CRTK_EDIT_DT_EMPTY;
    if (p1 == P_INVALID || p2 == P_INVALID)
        return CRTK_EDIT_DT_ERROR;
    if (flag != DT_MIN && flag != DT_MAX && (!v1.m || !v1.d || !v2.m || !v2.d))
        return CRTK_EDIT_DT_UNKNOWN; /* DT_EXACT (and unknown flags [guess]) need full dates */
    span(&v1, &f[0], &l[0]);
    span(&v2, &f[1], &l[1]);
    return 0;
}

/* d2 - d1 in days under the imputation flag, or a sentinel. */
static int64_t daydiff(crtk_edit_state *st, const val *a, int64_t flag)
{
    int64_t f[2], l[2], s = two(st, a, flag, f, l);

    if (s)
        return s;
    if (flag == DT_MAX)
        return l[1] - f[0];
    if (flag == DT_MIN) {
        if (f[1] <= l[0] && f[0] <= l[1])
            return 0; /* the spans overlap */
        return l[0] < f[1] ? f[1] - l[0] : l[1] - f[0];
    }
    return f[1] - f[0];
}

int crtk__edits_bi_datecmp(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    int64_t f[2], l[2], s = two(st, a, a[2].i, f, l), x, y;

    (void)in;
    (void)argc;
    if (s) {
        out->i = s;
        return 0;
    }
    if (a[2].i == DT_MAX) {
        x = f[0];
        y = l[1];
    } else if (a[2].i == DT_MIN) {
        if (f[1] <= l[0] && f[0] <= l[1]) {
            out->i = 0;
            return 0;
        }
        x = l[0];
        y = f[1];
    } else {
        x = f[0];
        y = f[1];
    }
    out->i = x < y ? -1 : (x > y ? 1 : 0);
    return 0;
}

static bool sentinel(int64_t v)
{
    return v >= CRTK_EDIT_DT_MONTH_EMPTY;
}

static int64_t diff(crtk_edit_state *st, const val *a, int64_t flag, int unit)
{
    int64_t d = daydiff(st, a, flag);

    if (sentinel(d))
        return d;
    if (unit == 30)
        return d / 30; /* toward zero */
    if (unit == 365)
        return d >= 0 ? d / 365 : -((-d + 364) / 365); /* floor */
    return d;
}

int crtk__edits_bi_daydiff(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)in;
    (void)argc;
    out->i = diff(st, a, a[2].i, 1);
    return 0;
}

int crtk__edits_bi_monthdiff(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)in;
    (void)argc;
    out->i = diff(st, a, a[2].i, 30);
    return 0;
}

int crtk__edits_bi_yeardiff(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)in;
    (void)argc;
    out->i = diff(st, a, a[2].i, 365);
    return 0;
}

static int interval(crtk_edit_state *st, val *a, val *out, int unit)
{
    int64_t d = diff(st, a, a[4].i, unit);

    out->i = sentinel(d) ? d : (d >= a[2].i && d <= a[3].i);
    return 0;
}

int crtk__edits_bi_dayinterval(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)in;
    (void)argc;
    return interval(st, a, out, 1);
}

int crtk__edits_bi_monthinterval(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)in;
    (void)argc;
    return interval(st, a, out, 30);
}

int crtk__edits_bi_yearinterval(crtk_edit_state *st, const insn *in, val *a, int argc, val *out)
{
    (void)in;
    (void)argc;
    return interval(st, a, out, 365);
}
