/* Unit tests of the selection filters: each filter alone on tumors built in memory, the
 * order in which they are counted, and `where` expressions. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "export/export_internal.h"

static crtk_layouts *ls;
static const crtk_layout *l25;
static crtk_record *rec;

static void setup(void)
{
    ck_assert_int_eq(crtk_layouts_new(&ls, NULL), CRTK_OK);
    l25 = crtk_layouts_dictionary(ls, 250);
    ck_assert_ptr_nonnull(l25);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
}

static void teardown(void)
{
    crtk_record_free(rec);
    crtk_layouts_free(ls);
}

static void set(const char *id, int t, const char *v)
{
    const crtk_item *it = crtk_layout_find(l25, id);
    ck_assert_ptr_nonnull(it);
    ck_assert_int_eq(crtk_record_set(rec, it, t, v, strlen(v)), CRTK_OK);
}

/* One patient, one tumor: site, histology, behavior, dx date, state, class. */
static void tumor(const char *site,
                  const char *hist,
                  const char *beh,
                  const char *dx,
                  const char *st,
                  const char *cls)
{
    ck_assert_int_eq(crtk_record_reset(rec, l25), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    set("patientIdNumber", 0, "00000001");
    set("primarySite", 0, site);
    set("histologicTypeIcdO3", 0, hist);
    set("behaviorCodeIcdO3", 0, beh);
    if (*dx)
        set("dateOfDiagnosis", 0, dx);
    set("addrAtDxState", 0, st);
    set("classOfCase", 0, cls);
}

/* Filter index for the current tumor under a profile text (-1 = selected). */
static int run(const char *profile, const char *where, const char **rule)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = NULL;
    crtk__xcfg cfg;
    crtk__filter *f = NULL;
    int which = -99;

    ck_assert_msg(crtk_profile_parse(&p, "t", profile, strlen(profile), &err) == CRTK_OK, "%s",
                  err.message);
    ck_assert_int_eq(crtk__profile_config(p, &cfg, &err), CRTK_OK);
    ck_assert_int_eq(crtk__filter_new(&f, &cfg, where, 2026, NULL, &err), CRTK_OK);
    ck_assert_msg(crtk__filter_tumor(f, rec, 0, &which, rule, &err) == CRTK_OK, "%s", err.message);
    if (rule && *rule) { /* the name lives in cfg: keep a copy */
        static char name[64];
        snprintf(name, sizeof name, "%s", *rule);
        *rule = name;
    }
    crtk__filter_free(f);
    crtk_profile_free(p);
    return which;
}

static const char reportable[] = "reportable = yes\n"
                                 "not_reportable = cervix: site C530-C539 behavior 2\n"
                                 "not_reportable = skin: site C440-C449 histology 8000-8110\n";

START_TEST(test_reportable_behaviors_cns_and_exclusions)
{
    const char *rule = NULL;

    tumor("C509", "8500", "3", "20200101", "TX", "10");
    ck_assert_int_eq(run(reportable, NULL, NULL), -1);
    tumor("C509", "8500", "2", "20200101", "TX", "10");
    ck_assert_int_eq(run(reportable, NULL, NULL), -1);
    tumor("C509", "8010", "0", "20200101", "TX", "10"); /* benign breast */
    ck_assert_int_eq(run(reportable, NULL, NULL), FILT_REPORTABLE);
    tumor("C710", "9530", "0", "20040101", "TX", "10"); /* benign brain from 2004 */
    ck_assert_int_eq(run(reportable, NULL, NULL), -1);
    tumor("C751", "8272", "1", "20031231", "TX", "10"); /* pituitary, before 2004 */
    ck_assert_int_eq(run(reportable, NULL, NULL), FILT_REPORTABLE);
    tumor("C539", "8077", "2", "20200101", "TX", "10"); /* cervix in situ */
    ck_assert_int_eq(run(reportable, NULL, &rule), FILT_REPORTABLE);
    ck_assert_str_eq(rule, "cervix");
    tumor("C443", "8090", "3", "20200101", "TX", "10"); /* basal cell of skin */
    ck_assert_int_eq(run(reportable, NULL, &rule), FILT_REPORTABLE);
    ck_assert_str_eq(rule, "skin");
    tumor("C443", "8720", "3", "20200101", "TX", "10"); /* melanoma of skin */
    ck_assert_int_eq(run(reportable, NULL, NULL), -1);
}
END_TEST

START_TEST(test_years_resident_class_in_order)
{
    static const char prof[] = "dx_years = 2018..year-2\nresident_of = TX\n"
                               "class_of_case = 00-22\n";

    tumor("C509", "8500", "3", "20240615", "TX", "10");
    ck_assert_int_eq(run(prof, NULL, NULL), -1);
    tumor("C509", "8500", "3", "20250101", "TX", "10"); /* after year-2 of 2026 */
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_DX_YEARS);
    tumor("C509", "8500", "3", "20170101", "TX", "10");
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_DX_YEARS);
    tumor("C509", "8500", "3", "", "TX", "10");
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_DX_KNOWN);
    tumor("C509", "8500", "3", "99999999", "TX", "10");
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_DX_KNOWN);
    tumor("C509", "8500", "3", "20200101", "OK", "10");
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_RESIDENT);
    tumor("C509", "8500", "3", "20200101", "OK", "32"); /* first failing filter counts */
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_RESIDENT);
    tumor("C509", "8500", "3", "20200101", "TX", "32");
    ck_assert_int_eq(run(prof, NULL, NULL), FILT_CLASS);
    tumor("C509", "8500", "3", "20200101", "OK", "10");
    ck_assert_int_eq(run("resident_of = !TX\n", NULL, NULL), -1);
    tumor("C509", "8500", "3", "20200101", "TX", "10");
    ck_assert_int_eq(run("resident_of = !TX\n", NULL, NULL), FILT_RESIDENT);
}
END_TEST

START_TEST(test_changed_since_and_facility_restriction)
{
    tumor("C509", "8500", "3", "20200101", "TX", "10");
    set("dateCaseLastChanged", 0, "20250301");
    ck_assert_int_eq(run("changed_since = 20250301\n", NULL, NULL), -1); /* the day counts */
    ck_assert_int_eq(run("changed_since = 20250302\n", NULL, NULL), FILT_CHANGED);
    set("reportingFacilityRestrictionFlag", 0, "03");
    ck_assert_int_eq(run("facility_restriction = exclude\n", NULL, NULL), FILT_RESTRICTION);
    ck_assert_int_eq(run("facility_restriction = keep\n", NULL, NULL), -1);
    set("reportingFacilityRestrictionFlag", 0, "00");
    ck_assert_int_eq(run("facility_restriction = exclude\n", NULL, NULL), -1);
}
END_TEST

START_TEST(test_where_expression)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = NULL;
    crtk__xcfg cfg;
    crtk__filter *f = NULL;
    int which;

    tumor("C509", "8500", "3", "20200101", "TX", "10");
    ck_assert_int_eq(run("", "STRCMP(#S\"Primary Site\", \"C509\") == 0", NULL), -1);
    ck_assert_int_eq(run("", "INLIST(#S\"primarySite\", \"C340-C349\")", NULL), FILT_WHERE);
    ck_assert_int_eq(run("", "INLIST(#S\"Class of Case\", \"00-22\")", NULL), -1);
    ck_assert_int_eq(run("where = INLIST(#S\"Addr at DX--State\", \"OK\")\n", NULL, NULL),
                     FILT_WHERE);
    /* A malformed expression is a compile error at the first tumor, naming --where. */
    ck_assert_int_eq(crtk_profile_parse(&p, "t", "", 0, &err), CRTK_OK);
    ck_assert_int_eq(crtk__profile_config(p, &cfg, &err), CRTK_OK);
    ck_assert_int_eq(crtk__filter_new(&f, &cfg, "#S\"No Such Field\" == 1", 2026, NULL, &err),
                     CRTK_OK);
    ck_assert_int_lt(crtk__filter_tumor(f, rec, 0, &which, NULL, &err), 0);
    ck_assert_str_eq(err.source, "--where");
    crtk__filter_free(f);
    /* With a layout to check against, the mistake is found when the filter is made. */
    f = NULL;
    ck_assert_int_lt(crtk__filter_new(&f, &cfg, "#S\"No Such Field\" == 1", 2026, l25, &err), 0);
    ck_assert_ptr_null(f);
    ck_assert_int_lt(crtk__filter_new(&f, &cfg, "1 +", 2026, l25, &err), 0);
    ck_assert_str_eq(err.source, "--where");
    crtk_profile_free(p);
}
END_TEST

static Suite *filter_suite(void)
{
    Suite *s = suite_create("export_filter");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_reportable_behaviors_cns_and_exclusions);
    tcase_add_test(tc, test_years_resident_class_in_order);
    tcase_add_test(tc, test_changed_since_and_facility_restriction);
    tcase_add_test(tc, test_where_expression);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(filter_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
