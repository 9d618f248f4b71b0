/* Unit tests of the export transform: record-type stripping checked item by item against
 * the NAACCR dictionaries, the de-identified tier, pseudonyms and stamps. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "error_internal.h"
#include "export/export_internal.h"

static crtk_layouts *ls;
static const crtk_layout *l25;
static crtk_record *rec, *out;
static crtk_profile *profs[8];
static int nprofs;

static void setup(void)
{
    ck_assert_int_eq(crtk_layouts_new(&ls, NULL), CRTK_OK);
    l25 = crtk_layouts_dictionary(ls, 250);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&out), CRTK_OK);
}

static void teardown(void)
{
    crtk_record_free(rec);
    crtk_record_free(out);
    crtk_layouts_free(ls);
    while (nprofs > 0)
        crtk_profile_free(profs[--nprofs]);
}

/* A patient with two tumors where every item of the layout holds a value. */
static void fill_all(const crtk_layout *l)
{
    int i, t, n = crtk_layout_count(l);
    ck_assert_int_eq(crtk_record_reset(rec, l), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 1);
    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        const char *v = it->type == CRTK_TYPE_DATE ? "20190417" : "123456789";
        size_t len = strlen(v) < (size_t)it->length ? strlen(v) : (size_t)it->length;
        for (t = 0; t < (it->level == CRTK_LEVEL_TUMOR ? 2 : 1); t++)
            ck_assert_int_eq(crtk_record_set(rec, it, t, v, len), CRTK_OK);
    }
}

static crtk__xform *xform(const char *profile, crtk__xcfg *cfg, const char *key)
{
    crtk_error err = CRTK_ERROR_INIT;
    crtk_profile *p = NULL;
    crtk__xform *x = NULL;

    ck_assert_msg(crtk_profile_parse(&p, "t", profile, strlen(profile), &err) == CRTK_OK, "%s",
                  err.message);
    ck_assert_int_eq(crtk__profile_config(p, cfg, &err), CRTK_OK);
    /* cfg's strings point into p: keep the profile alive for the test's length. */
    ck_assert_int_lt(nprofs, 8);
    profs[nprofs++] = p;
    ck_assert_int_eq(
        crtk__xform_new(&x, cfg, l25, (const unsigned char *)key, strlen(key), "20261201", &err),
        CRTK_OK);
    return x;
}

static const struct {
    const char *profile;
    char rt;
    int stripped; /* v25 items outside the record type (docs: submissions.md section 2) */
} rts[] = {
    {"record_type = A\nstamp =\n", 'A', 0},
    {"record_type = M\nstamp =\n", 'M', 0},
    {"record_type = C\ntier = confidential\nstamp =\n", 'C', 48},
    {"record_type = I\ntier = incidence\nstamp =\n", 'I', 87},
};

START_TEST(test_record_type_stripping_item_by_item)
{
    crtk__xcfg cfg;
    crtk__xform *x;
    int i, n = crtk_layout_count(l25), missing = 0, tumors[2] = {0, 1};
    unsigned bit = crtk_rectype_bit(rts[_i].rt);
    crtk_error err = CRTK_ERROR_INIT;

    fill_all(l25);
    x = xform(rts[_i].profile, &cfg, "k");
    ck_assert_int_eq(crtk__xform_apply(x, rec, tumors, 2, out, &err), CRTK_OK);
    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l25, i);
        const crtk__xform_item *c = crtk__xform_item_at(x, i);
        int t, nt = it->level == CRTK_LEVEL_TUMOR ? 2 : 1;
        ck_assert_str_eq(c->id, it->id);
        for (t = 0; t < nt; t++) {
            bool present = crtk_record_get(out, it, t, NULL) != NULL;
            ck_assert_msg(present == ((it->rectypes & bit) != 0), "%s in %c", it->id, rts[_i].rt);
        }
        if (!(it->rectypes & bit)) {
            missing++;
            ck_assert_int_eq(c->removed_rt, nt);
        } else {
            ck_assert_int_eq(c->removed_rt, 0);
        }
    }
    ck_assert_int_eq(missing, rts[_i].stripped);
    ck_assert_int_eq(crtk_record_tumor_count(out), 2);
    crtk__xform_free(x);
}
END_TEST

START_TEST(test_only_chosen_tumors_and_stamps)
{
    crtk__xcfg cfg;
    crtk__xform *x;
    int one[1] = {1};
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_item *exp = crtk_layout_find(l25, "dateCaseReportExported");
    const crtk_item *rt = crtk_layout_find(l25, "recordType");
    const crtk_item *regtype = crtk_layout_find(l25, "registryType");

    fill_all(l25);
    ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l25, "primarySite"), 1, "C349", 4),
                     CRTK_OK);
    x = xform("record_type = C\ntier = confidential\nregistry_type = 3\n", &cfg, "k");
    ck_assert_int_eq(crtk__xform_apply(x, rec, one, 1, out, &err), CRTK_OK);
    /* Not stamped yet (the input's value stays) until the record is to be sent. */
    ck_assert_str_eq(crtk_record_get(out, exp, 0, NULL), "20190417");
    ck_assert_int_eq(crtk__xform_stamp(x, out, &err), CRTK_OK);
    ck_assert_int_eq(crtk_record_tumor_count(out), 1);
    ck_assert_str_eq(crtk_record_get(out, crtk_layout_find(l25, "primarySite"), 0, NULL), "C349");
    ck_assert_str_eq(crtk_record_get(out, exp, 0, NULL), "20261201");
    ck_assert_str_eq(crtk_record_get(out, rt, 0, NULL), "C");
    ck_assert_str_eq(crtk_record_get(out, regtype, 0, NULL), "3");
    crtk__xform_free(x);
}
END_TEST

static const char deid[] = "record_type = I\ntier = deidentified\ndeid_dates = year\n"
                           "deid_zip = 3\ndeid_remove = addrAtDxCity,census*\nstamp =\n";

START_TEST(test_deidentified_tier)
{
    crtk__xcfg cfg;
    crtk__xform *x, *y;
    int tumors[2] = {0, 1}, i, n = crtk_layout_count(l25);
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_item *pid = crtk_layout_find(l25, "patientIdNumber");
    char first[16];

    fill_all(l25);
    ck_assert_int_eq(
        crtk_record_set(rec, crtk_layout_find(l25, "addrAtDxPostalCode"), 0, "778451234", 9),
        CRTK_OK);
    x = xform(deid, &cfg, "secret key");
    ck_assert_int_eq(crtk__xform_apply(x, rec, tumors, 2, out, &err), CRTK_OK);
    for (i = 0; i < n; i++) {
        const crtk_item *it = crtk_layout_item(l25, i);
        const char *v = crtk_record_get(out, it, 0, NULL);
        if (!strncmp(it->id, "census", 6) || !strcmp(it->id, "addrAtDxCity"))
            ck_assert_msg(!v, "%s survived", it->id);
        if (v && it->level != CRTK_LEVEL_ROOT &&
            (it->type == CRTK_TYPE_DATE || it->type == CRTK_TYPE_DATETIME))
            ck_assert_msg(strlen(v) == 4, "%s = %s", it->id, v);
    }
    ck_assert_str_eq(crtk_record_get(out, crtk_layout_find(l25, "addrAtDxPostalCode"), 0, NULL),
                     "778");
    ck_assert_str_eq(crtk_record_get(out, crtk_layout_find(l25, "dateOfBirth"), 0, NULL), "2019");
    /* The pseudonym: 8 digits, not the id, the same for the same key, not for another key. */
    crtk__copy(first, sizeof first, crtk_record_get(out, pid, 0, NULL));
    ck_assert_int_eq(strlen(first), 8);
    ck_assert_int_eq(strspn(first, "0123456789"), 8);
    ck_assert_str_ne(first, "12345678");
    ck_assert_int_eq(crtk__xform_apply(x, rec, tumors, 2, out, &err), CRTK_OK);
    ck_assert_str_eq(crtk_record_get(out, pid, 0, NULL), first);
    y = xform(deid, &cfg, "another key");
    ck_assert_int_eq(crtk__xform_apply(y, rec, tumors, 2, out, &err), CRTK_OK);
    ck_assert_str_ne(crtk_record_get(out, pid, 0, NULL), first);
    crtk__xform_free(x);
    crtk__xform_free(y);
}
END_TEST

START_TEST(test_version_conversion_counts_unmappable)
{
    const crtk_layout *l18 = crtk_layouts_dictionary(ls, 180);
    const crtk_item *flag = crtk_layout_find(l18, "dateOfDiagnosisFlag");
    crtk__xcfg cfg;
    crtk__xform *x;
    int tumors[1] = {0}, i, n;
    crtk_error err = CRTK_ERROR_INIT;
    long lost = 0;

    ck_assert_ptr_nonnull(flag);
    ck_assert_ptr_null(crtk_layout_find(l25, "dateOfDiagnosisFlag"));
    ck_assert_int_eq(crtk_record_reset(rec, l18), CRTK_OK);
    ck_assert_int_eq(crtk_record_add_tumor(rec), 0);
    ck_assert_int_eq(crtk_record_set(rec, flag, 0, "12", 2), CRTK_OK);
    ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l18, "primarySite"), 0, "C509", 4),
                     CRTK_OK);
    x = xform("record_type = A\n", &cfg, "k");
    ck_assert_int_eq(crtk__xform_apply(x, rec, tumors, 1, out, &err), CRTK_OK);
    ck_assert_int_eq(crtk__xform_unmappable(x), 1);
    n = crtk__xform_item_count(x);
    for (i = 0; i < n; i++)
        if (!strcmp(crtk__xform_item_at(x, i)->id, "dateOfDiagnosisFlag"))
            lost = crtk__xform_item_at(x, i)->unmappable;
    ck_assert_int_eq(lost, 1);
    ck_assert_str_eq(crtk_record_get(out, crtk_layout_find(l25, "primarySite"), 0, NULL), "C509");
    crtk__xform_free(x);
}
END_TEST

START_TEST(test_content_hash_ignores_stamps)
{
    crtk__xcfg cfg;
    crtk__xform *x;
    char h1[65], h2[65], h3[65];
    const crtk_item *exp = crtk_layout_find(l25, "dateCaseReportExported");

    fill_all(l25);
    x = xform("record_type = A\n", &cfg, "k");
    ck_assert_int_eq(crtk__xform_hash(x, rec, 0, h1), CRTK_OK);
    ck_assert_int_eq(crtk_record_set(rec, exp, 0, "20200101", 8), CRTK_OK);
    ck_assert_int_eq(crtk__xform_hash(x, rec, 0, h2), CRTK_OK);
    ck_assert_str_eq(h1, h2);
    ck_assert_int_eq(crtk_record_set(rec, crtk_layout_find(l25, "primarySite"), 0, "C180", 4),
                     CRTK_OK);
    ck_assert_int_eq(crtk__xform_hash(x, rec, 0, h3), CRTK_OK);
    ck_assert_str_ne(h1, h3);
    crtk__xform_free(x);
}
END_TEST

static Suite *transform_suite(void)
{
    Suite *s = suite_create("export_transform");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_record_type_stripping_item_by_item, 0,
                        (int)(sizeof rts / sizeof rts[0]));
    tcase_add_test(tc, test_only_chosen_tumors_and_stamps);
    tcase_add_test(tc, test_deidentified_tier);
    tcase_add_test(tc, test_version_conversion_counts_unmappable);
    tcase_add_test(tc, test_content_hash_ignores_stamps);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(transform_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
