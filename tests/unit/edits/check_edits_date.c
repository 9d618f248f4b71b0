/* check_edits_date.c - the date _IOP built-ins, with "today" fixed at 2024-06-15. */
#include "edits_test.h"

#define EMPTY_       1073741823LL
#define ERROR_       1879048191LL
#define UNKNOWN_     2147483647LL
#define MONTH_EMPTY_ 536870911LL
#define DAY_EMPTY_   805306367LL

static const int_case date_cases[] = {
    /* VALID_DATE_IOP */
    {"VALID_DATE_IOP(\"20120229\")", 1},
    {"VALID_DATE_IOP(\"20100229\")", 0},
    {"VALID_DATE_IOP(\"20000229\")", 1},
    {"VALID_DATE_IOP(\"19000229\")", 0},
    {"VALID_DATE_IOP(\"201202  \")", 1},
    {"VALID_DATE_IOP(\"2012    \")", 1},
    {"VALID_DATE_IOP(\"        \")", 0},
    {"VALID_DATE_IOP(\"\")", 0},
    {"VALID_DATE_IOP(\"2012\")", 0},
    {"VALID_DATE_IOP(\"2012 1  \")", 0},
    {"VALID_DATE_IOP(\"2012  01\")", 0},
    {"VALID_DATE_IOP(\"18491231\")", 0},
    {"VALID_DATE_IOP(\"18500101\")", 1},
    {"VALID_DATE_IOP(\"20121301\")", 0},
    {"VALID_DATE_IOP(\"20120431\")", 0},
    {"VALID_DATE_IOP(\"20120000\")", 1},
    {"VALID_DATE_IOP(\"20120100\")", 1},
    {"VALID_DATE_IOP(\"20120001\")", 0},
    {"VALID_DATE_IOP(\"20240615\")", 1},
    {"VALID_DATE_IOP(\"20240616\")", 0},
    {"VALID_DATE_IOP(\"202406  \")", 1},
    {"VALID_DATE_IOP(\"202407  \")", 0},
    {"VALID_DATE_IOP(\"2024    \")", 1},
    {"VALID_DATE_IOP(\"2025    \")", 0},
    {"ALLOW_FUTURE_DATE_IOP(1); VALID_DATE_IOP(\"20250101\")", 1},
    {"ALLOW_FUTURE_DATE_IOP(1); VALID_DATE_IOP(\"20250616\")", 0},
    {"VALID_DATE_IOP(DT_TODAY)", 1},
    /* DATE_YEAR/MONTH/DAY_IOP */
    {"DATE_YEAR_IOP(\"20120315\")", 2012},
    {"DATE_YEAR_IOP(\"2012    \")", 2012},
    {"DATE_YEAR_IOP(\"        \")", EMPTY_},
    {"DATE_YEAR_IOP(\"\")", EMPTY_},
    {"DATE_YEAR_IOP(\"2012AB  \")", ERROR_},
    {"DATE_MONTH_IOP(\"20120315\")", 3},
    {"DATE_MONTH_IOP(\"2011  01\")", MONTH_EMPTY_},
    {"DATE_MONTH_IOP(\"2011 \")", ERROR_},
    {"DATE_MONTH_IOP(\"2011\")", MONTH_EMPTY_},
    {"DATE_MONTH_IOP(\"201113  \")", ERROR_},
    {"DATE_MONTH_IOP(\"2011    \")", MONTH_EMPTY_},
    {"DATE_DAY_IOP(\"20120315\")", 15},
    {"DATE_DAY_IOP(\"201203  \")", DAY_EMPTY_},
    {"DATE_DAY_IOP(\"2012    \")", DAY_EMPTY_},
    {"DATE_DAY_IOP(\"201108 \")", DAY_EMPTY_}, /* 7 characters: no day */
    {"DATE_DAY_IOP(\"20120332\")", ERROR_},
    /* DATECMP_IOP */
    {"DATECMP_IOP(\"20120101\", \"20120102\", DT_EXACT)", -1},
    {"DATECMP_IOP(\"20120102\", \"20120102\", DT_EXACT)", 0},
    {"DATECMP_IOP(\"20120103\", \"20120102\", DT_EXACT)", 1},
    {"DATECMP_IOP(\"2012    \", \"20120501\", DT_EXACT)", UNKNOWN_},
    {"DATECMP_IOP(\"2012    \", \"20120501\", DT_MIN)", 0},
    {"DATECMP_IOP(\"20120501\", \"2012    \", DT_MIN)", 0},
    {"DATECMP_IOP(\"201205  \", \"20120515\", DT_MIN)", 0},
    {"DATECMP_IOP(\"201205  \", \"201206  \", DT_MIN)", -1},
    {"DATECMP_IOP(\"2012    \", \"2011    \", DT_MIN)", 1},
    {"DATECMP_IOP(\"2012    \", \"20120501\", DT_MAX)", -1},
    {"DATECMP_IOP(\"20120501\", \"2012    \", DT_MAX)", -1},
    {"DATECMP_IOP(\"20121231\", \"2012    \", DT_MAX)", 0},
    {"DATECMP_IOP(\"        \", \"20120101\", DT_MIN)", EMPTY_},
    {"DATECMP_IOP(\"20120101\", \"\", DT_MAX)", EMPTY_},
    {"DATECMP_IOP(\"20121301\", \"20120101\", DT_MIN)", ERROR_},
    {"DATECMP_IOP(\"20121301\", \"        \", DT_MIN)", EMPTY_},
    /* DAYDIFF / MONTHDIFF / YEARDIFF */
    {"DAYDIFF_IOP(\"20080101\", \"20080201\", DT_EXACT)", 31},
    {"DAYDIFF_IOP(\"20080201\", \"20080101\", DT_EXACT)", -31},
    {"DAYDIFF_IOP(\"2008    \", \"2009    \", DT_MIN)", 1},
    {"DAYDIFF_IOP(\"2008    \", \"2009    \", DT_MAX)", 730},
    {"DAYDIFF_IOP(\"2008    \", \"2009    \", DT_EXACT)", UNKNOWN_},
    {"DAYDIFF_IOP(\"2008    \", \"200805  \", DT_MIN)", 0},
    {"DAYDIFF_IOP(\"20080301\", \"20080201\", DT_MIN)", -29},
    {"DAYDIFF_IOP(\"        \", \"20080201\", DT_MIN)", EMPTY_},
    {"DAYDIFF_IOP(\"2008AB  \", \"20080201\", DT_MIN)", ERROR_},
    {"MONTHDIFF_IOP(\"20080101\", \"20080401\", DT_EXACT)", 3},
    {"MONTHDIFF_IOP(\"20080401\", \"20080101\", DT_EXACT)", -3},
    {"MONTHDIFF_IOP(\"        \", \"20080101\", DT_EXACT)", EMPTY_},
    {"YEARDIFF_IOP(\"20000101\", \"20100101\", DT_EXACT)", 10},
    {"YEARDIFF_IOP(\"20100101\", \"20000101\", DT_EXACT)", -11},
    {"YEARDIFF_IOP(\"19500615\", \"20000614\", DT_EXACT)", 50},
    {"YEARDIFF_IOP(\"1950    \", \"2000    \", DT_MIN)", 49},
    {"YEARDIFF_IOP(\"1950    \", \"2000    \", DT_MAX)", 51},
    {"YEARDIFF_IOP(\"2000    \", \"2000AB  \", DT_MAX)", ERROR_},
    {"DAYINTERVAL_IOP(\"20080101\", \"20080201\", 0, 31, DT_EXACT)", 1},
    {"DAYINTERVAL_IOP(\"20080101\", \"20080201\", 0, 30, DT_EXACT)", 0},
    {"DAYINTERVAL_IOP(\"\", \"20080201\", 0, 30, DT_EXACT)", EMPTY_},
    {"MONTHINTERVAL_IOP(\"20080101\", \"20080401\", 3, 3, DT_EXACT)", 1},
    {"YEARINTERVAL_IOP(\"20000101\", \"20100101\", 0, 9, DT_EXACT)", 0},
    {"YEARINTERVAL_IOP(\"2000    \", \"2010    \", 0, 9, DT_MIN)", 1},
};

START_TEST(test_dates)
{
    const int_case *c = &date_cases[_i];
    long long got = eval_int(c->src);

    ck_assert_msg(got == c->want, "%s: got %lld, want %lld", c->src, got, c->want);
}
END_TEST

START_TEST(test_today_option_moves_the_future_limit)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    o.today = "20300101";
    ck_assert_int_eq(eval_opt("VALID_DATE_IOP(\"20291231\")", &o, &v, &err), CRTK_OK);
    ck_assert_int_eq(v.i, 1);
    o.today = "2030-01-01";
    ck_assert_int_eq(eval_opt("1", &o, &v, &err), CRTK_EARG);
}
END_TEST

static Suite *edits_date_suite(void)
{
    Suite *s = suite_create("edits_date");
    TCase *tc = tcase_create("date");

    tcase_add_loop_test(tc, test_dates, 0, NELEM(date_cases));
    tcase_add_test(tc, test_today_option_moves_the_future_limit);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_date_suite)
