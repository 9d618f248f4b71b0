/* Unit tests of export profiles: the text format, its errors (with lines), overrides, the
 * shipped profiles, and the typed view every export works from. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "export/export_internal.h"

static crtk_profile *parse(const char *text, crtk_error *err)
{
    crtk_profile *p = NULL;
    int rc = crtk_profile_parse(&p, "test.profile", text, strlen(text), err);
    return rc == CRTK_OK ? p : NULL;
}

START_TEST(test_profile_keys_comments_crlf_and_last_value)
{
    static const char text[] = "# a comment line\r\n"
                               "description = Monthly to the state\r\n"
                               "   \r\n"
                               "record_type = C\n"
                               "tier = confidential\n"
                               "record_type = I\n"
                               "tier = incidence\n"
                               "where = #S\"Primary Site\" == \"C509\"\n"
                               "not_reportable = a: site C530-C539 behavior 2\n"
                               "not_reportable = b: site C440-C449 histology 8000-8110\n";
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = parse(text, &err);
    crtk__xcfg cfg;

    ck_assert_msg(p != NULL, "%s", err.message);
    ck_assert_str_eq(crtk_profile_get(p, "description"), "Monthly to the state");
    ck_assert_str_eq(crtk_profile_get(p, "record_type"), "I");
    /* a non-repeatable key keeps its last value only; a '#' inside a value is no comment */
    ck_assert_str_eq(crtk_profile_get(p, "where"), "#S\"Primary Site\" == \"C509\"");
    ck_assert_int_eq(crtk__profile_config(p, &cfg, &err), CRTK_OK);
    ck_assert_int_eq(cfg.record_type, 'I');
    ck_assert_int_eq(cfg.tier, TIER_INCIDENCE);
    ck_assert_int_eq(cfg.n_not_rep, 2);
    ck_assert_str_eq(cfg.not_rep[1].name, "b");
    ck_assert(crtk__ranges_match(&cfg.not_rep[1].hist, "8090"));
    ck_assert(!crtk__ranges_match(&cfg.not_rep[1].hist, "8720"));
    ck_assert(crtk__ranges_match(&cfg.not_rep[0].site, "C539"));
    ck_assert(!crtk__ranges_match(&cfg.not_rep[0].site, "C54"));
    crtk_profile_free(p);
}
END_TEST

static const struct {
    const char *text;
    long line;
    const char *needle;
} bad[] = {
    {"record_type = A\nfeilds = x\n", 2, "unknown key"},
    {"record_type = Q\n", 1, "A, M, C or I"},
    {"\n\ntier = secret\n", 3, "tier is"},
    {"gate = maybe\n", 1, "block, exclude or warn"},
    {"dx_years = 1995-2020\n", 1, "FROM..TO"},
    {"dx_years = 1995..year-x\n", 1, "year"},
    {"class_of_case = 00-2\n", 1, "one length"},
    {"not_reportable = cervix site C53\n", 1, "NAME:"},
    {"not_reportable = x: color red\n", 1, "rule part"},
    {"resident_of = Texas\n", 1, "state code"},
    {"registry_type = 7\n", 1, "1, 2 or 3"},
    {"just words\n", 1, "key = value"},
    {"format = xml\nnaaccr_version = 18\n", 0, "21 to 26"},
    {"tier = deidentified\nrecord_type = A\n", 0, "record_type I"},
    {"tier = incidence\nrecord_type = A\n", 0, "record_type I"},
    {"file_name = a/b.xml\n", 1, "without '/'"},
    {"changed_record_type = C\n", 1, "M or empty"},
    {"record_type = I\ntier = incidence\nchanged_record_type = M\n", 0, "needs record_type A"},
    {"class_of_case = 0000000000000000000000000000000000000000000000000000000000000000000-1\n", 1,
     "too long"},
    {"stamp = aVeryLongItemIdThatGoesOnAndOnAndOnAndOnAndOnAndOnAndOnAndOnAndOnAndOnAndOn\n", 1,
     "too long"},
};

START_TEST(test_profile_errors_name_line_and_value)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = parse(bad[_i].text, &err);

    ck_assert_ptr_null(p);
    ck_assert_int_eq(err.code, CRTK_EPARSE);
    ck_assert_str_eq(err.source, "test.profile");
    ck_assert_int_eq(err.line, bad[_i].line);
    ck_assert_msg(strstr(err.message, bad[_i].needle), "%s", err.message);
}
END_TEST

START_TEST(test_profile_years_relative_to_export_year)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = parse("dx_years = 1995..year-2\n", &err);
    crtk__xcfg cfg;

    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(crtk__profile_config(p, &cfg, &err), CRTK_OK);
    ck_assert_int_eq(crtk__year_resolve(&cfg.year_from, 2026), 1995);
    ck_assert_int_eq(crtk__year_resolve(&cfg.year_to, 2026), 2024);
    ck_assert_int_eq(crtk__year_resolve(&cfg.year_to, 2030), 2028);
    crtk_profile_free(p);
}
END_TEST

START_TEST(test_profile_set_overrides_and_validates)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = NULL;
    crtk__xcfg cfg;

    ck_assert_int_eq(crtk_profile_builtin(&p, "state-to-npcr", &err), CRTK_OK);
    ck_assert_int_eq(crtk_profile_set(p, "resident_of", "TX", &err), CRTK_OK);
    ck_assert_int_eq(crtk__profile_config(p, &cfg, &err), CRTK_OK);
    ck_assert_str_eq(cfg.resident, "TX");
    ck_assert_int_eq(crtk_profile_set(p, "resident_of", "Texas", &err), CRTK_EPARSE);
    ck_assert_int_eq(crtk_profile_set(p, "no_such_key", "1", &err), CRTK_EPARSE);
    crtk_profile_free(p);
}
END_TEST

START_TEST(test_every_shipped_profile_parses)
{
    static const char *const want[] = {
        "hospital-to-state",     "state-to-npcr",         "state-to-naaccr-cfd",
        "state-to-seer",         "hospital-to-ncdb",      "state-to-state-exchange",
        "research-deidentified", "texas-hospital-to-tcr", "utah-hospital-to-ucr"};
    size_t i, n = crtk_profile_builtin_count();

    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        crtk_error err = CRTK_ERROR_INIT;
        crtk_profile *p = NULL;
        crtk__xcfg cfg;
        size_t len;
        ck_assert_ptr_nonnull(crtk_profile_builtin_text(want[i], &len));
        ck_assert_uint_gt(len, 100);
        ck_assert_msg(crtk_profile_builtin(&p, want[i], &err) == CRTK_OK, "%s: %ld: %s", want[i],
                      err.line, err.message);
        ck_assert_int_eq(crtk__profile_config(p, &cfg, &err), CRTK_OK);
        ck_assert_ptr_nonnull(cfg.description);
        ck_assert_str_eq(crtk_profile_name(p), want[i]);
        crtk_profile_free(p);
    }
    {
        crtk_error err = CRTK_ERROR_INIT;
        crtk_profile *p = NULL;
        ck_assert_int_eq(crtk_profile_builtin(&p, "no-such-profile", &err), CRTK_EARG);
        ck_assert_ptr_null(p);
    }
}
END_TEST

START_TEST(test_profile_file_matches_shipped_text)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = NULL, *q = NULL;
    size_t i;

    ck_assert_int_eq(
        crtk_profile_load(&p, CRTK_SOURCE_ROOT "/layouts/profiles/hospital-to-state.profile", &err),
        CRTK_OK);
    ck_assert_int_eq(crtk_profile_builtin(&q, "hospital-to-state", &err), CRTK_OK);
    ck_assert_str_eq(crtk_profile_name(p), "hospital-to-state");
    ck_assert_uint_eq(crtk_profile_count(p), crtk_profile_count(q));
    for (i = 0; i < crtk_profile_count(p); i++) {
        ck_assert_str_eq(crtk_profile_key_at(p, i), crtk_profile_key_at(q, i));
        ck_assert_str_eq(crtk_profile_value_at(p, i), crtk_profile_value_at(q, i));
    }
    crtk_profile_free(p);
    crtk_profile_free(q);
    ck_assert_int_eq(crtk_profile_load(&p, "/nonexistent/x.profile", &err), CRTK_EIO);
}
END_TEST

static Suite *profile_suite(void)
{
    Suite *s = suite_create("export_profile");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_profile_keys_comments_crlf_and_last_value);
    tcase_add_loop_test(tc, test_profile_errors_name_line_and_value, 0,
                        (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_profile_years_relative_to_export_year);
    tcase_add_test(tc, test_profile_set_overrides_and_validates);
    tcase_add_test(tc, test_every_shipped_profile_parses);
    tcase_add_test(tc, test_profile_file_matches_shipped_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(profile_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
