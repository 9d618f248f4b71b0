/* Unit tests of the layout registry and the layout text format. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "crtk/layouts.h"
#include "layouts_internal.h"

static crtk_layouts *ls;

static void setup(void)
{
    crtk_error err = CRTK_ERROR_INIT;
    ck_assert_int_eq(crtk_layouts_new(&ls, &err), CRTK_OK);
}

static void teardown(void)
{
    crtk_layouts_free(ls);
}

START_TEST(test_builtin_dictionaries_have_the_standard_item_counts)
{
    /* naaccr-formats.md 2.6: ItemDefs and Root/Patient/Tumor per version. */
    static const int v[][5] = {{140, 527, 5, 48, 474},
                               {180, 772, 5, 51, 716},
                               {210, 798, 5, 55, 738},
                               {250, 780, 5, 49, 726},
                               {260, 771, 5, 49, 717}};
    size_t i;
    for (i = 0; i < sizeof v / sizeof v[0]; i++) {
        const crtk_layout *l = crtk_layouts_dictionary(ls, v[i][0]);
        ck_assert_ptr_nonnull(l);
        ck_assert_int_eq(crtk_layout_count(l), v[i][1]);
        ck_assert_int_eq(crtk_layout_level_count(l, CRTK_LEVEL_ROOT), v[i][2]);
        ck_assert_int_eq(crtk_layout_level_count(l, CRTK_LEVEL_PATIENT), v[i][3]);
        ck_assert_int_eq(crtk_layout_level_count(l, CRTK_LEVEL_TUMOR), v[i][4]);
        ck_assert_int_eq(crtk_layout_version(l), v[i][0]);
    }
}
END_TEST

START_TEST(test_flat_18_columns_match_the_standard)
{
    const crtk_layout *l = crtk_layouts_flat(ls, 18);
    const crtk_item *it;
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(crtk_layout_record_length(l, 'A'), 24194);
    ck_assert_int_eq(crtk_layout_record_length(l, 'C'), 6154);
    ck_assert_int_eq(crtk_layout_record_length(l, 'I'), 4048);
    it = crtk_layout_find(l, "patientIdNumber");
    ck_assert_int_eq(it->start, 42);
    ck_assert_int_eq(it->length, 8);
    ck_assert_int_eq(it->level, CRTK_LEVEL_PATIENT);
    it = crtk_layout_find(l, "primarySite");
    ck_assert_int_eq(it->start, 554);
    ck_assert_int_eq(it->length, 4);
    it = crtk_layout_find(l, "dateOfDiagnosisFlag");
    ck_assert_int_eq(it->start, 552);
    it = crtk_layout_find(l, "behaviorCodeIcdO3");
    ck_assert_int_eq(it->start, 568);
    ck_assert_int_eq(it->type, CRTK_TYPE_DIGITS);
    it = crtk_layout_find(l, "textRemarks");
    ck_assert_uint_eq(it->rectypes, CRTK_RT_A | CRTK_RT_M);
    it = crtk_layout_find(l, "stateRequestorItems");
    ck_assert_int_eq(it->start, 3049);
    ck_assert(!it->trim);
}
END_TEST

START_TEST(test_flat_versions_resolve)
{
    ck_assert_int_eq(crtk_layout_version(crtk_layouts_flat(ls, 12)), 122);
    ck_assert_int_eq(crtk_layout_version(crtk_layouts_flat(ls, 120)), 122);
    ck_assert_int_eq(crtk_layout_version(crtk_layouts_flat(ls, 130)), 130);
    ck_assert_int_eq(crtk_layout_version(crtk_layouts_flat(ls, 16)), 160);
    ck_assert_ptr_null(crtk_layouts_flat(ls, 210));
    ck_assert_ptr_null(crtk_layouts_flat(ls, 250));
    ck_assert_int_eq(crtk_layout_record_length(crtk_layouts_flat(ls, 12), 'I'), 3339);
}
END_TEST

START_TEST(test_version_normalize)
{
    ck_assert_int_eq(crtk_version_normalize("18"), 180);
    ck_assert_int_eq(crtk_version_normalize("180"), 180);
    ck_assert_int_eq(crtk_version_normalize("25"), 250);
    ck_assert_int_eq(crtk_version_normalize("121"), 122);
    ck_assert_int_eq(crtk_version_normalize("12"), 122);
    ck_assert_int_eq(crtk_version_normalize("x"), 0);
    ck_assert_int_eq(crtk_version_normalize(""), 0);
    ck_assert_int_eq(crtk_version_normalize("2500"), 0);
}
END_TEST

START_TEST(test_find_by_number_and_name)
{
    const crtk_layout *l = crtk_layouts_dictionary(ls, 250);
    const crtk_item *a = crtk_layout_find_num(l, 390);
    const crtk_item *b = crtk_layout_find_name(l, "date of diagnosis");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(a, b);
    ck_assert_str_eq(a->id, "dateOfDiagnosis");
    ck_assert_ptr_null(crtk_layout_find(l, "dateofdiagnosis"));
    ck_assert_ptr_null(crtk_layout_find(l, "sexAssignedAtBirth"));
    ck_assert_ptr_nonnull(crtk_layout_find(crtk_layouts_dictionary(ls, 260), "sexAssignedAtBirth"));
    ck_assert_ptr_null(crtk_layout_find(crtk_layouts_dictionary(ls, 260), "sex"));
}
END_TEST

/* crtk__layout_find_after: right on any order, a memo hit on the order seen before. */
START_TEST(test_find_after_any_order)
{
    const crtk_layout *l = crtk_layouts_dictionary(ls, 250);
    int n = crtk_layout_count(l), i, round, prev;
    int *memo = calloc((size_t)n + 1, sizeof *memo);
    int *order = malloc((size_t)n * sizeof *order);
    unsigned seed = 11;

    ck_assert_ptr_nonnull(memo);
    for (i = 0; i < n; i++)
        order[i] = i;
    for (round = 0; round < 6; round++) {
        if (round >= 2 && round % 2 == 0) { /* a new shuffled order, then the same again */
            for (i = n - 1; i > 0; i--) {
                int j, t;
                seed = seed * 1103515245u + 12345u;
                j = (int)((seed >> 8) % (unsigned)(i + 1));
                t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        prev = -1;
        for (i = 0; i < n; i++) {
            const crtk_item *want = crtk_layout_item(l, order[i]);
            char id[80];
            size_t len = strlen(want->id);
            const crtk_item *got;
            int *m = &memo[prev + 1];
            bool hit_expected = round % 2 == 1 && *m == want->index + 1;
            /* an id that is not NUL-terminated where it ends, as parsers give them */
            memcpy(id, want->id, len);
            memcpy(id + len, "Zz", 3);
            got = crtk__layout_find_after(l, memo, prev, id, len);
            ck_assert_ptr_eq(got, want);
            if (round % 2 == 1) /* the order seen in the round before: every lookup hits */
                ck_assert(hit_expected);
            /* a prefix of the remembered id, or a longer id, must not match */
            ck_assert_ptr_null(crtk__layout_find_after(l, memo, prev, id, len + 2));
            if (len > 1)
                ck_assert_ptr_ne(crtk__layout_find_after(l, memo, prev, id, len - 1), want);
            got = crtk__layout_find_after(l, memo, prev, id, len);
            ck_assert_ptr_eq(got, want);
            prev = got->index;
        }
    }
    ck_assert_ptr_null(crtk__layout_find_after(l, memo, -1, "noSuchItem", 10));
    free(order);
    free(memo);
}
END_TEST

START_TEST(test_slots_are_dense_per_level)
{
    const crtk_layout *l = crtk_layouts_dictionary(ls, 250);
    int i, seen[3] = {0, 0, 0};
    for (i = 0; i < crtk_layout_count(l); i++) {
        const crtk_item *it = crtk_layout_item(l, i);
        ck_assert_int_eq(it->index, i);
        ck_assert_int_eq(it->slot, seen[it->level]);
        seen[it->level]++;
    }
}
END_TEST

static const char good_layout[] =
    "# a state layout\n"
    "@layout state-x\n@kind flat\n@version 180\n"
    "@record-length A 30\n@record-length I 20\n"
    "10 recordType 1 1 text none all NaaccrData A,M,C,I - Record Type\n"
    "20 patientIdNumber 2 8 digits leftZero all Patient A,M,C,I - "
    "Patient ID Number\n"
    "9999 stateThing 21 10 text none none Tumor A,M - State Thing\n";

START_TEST(test_user_layout_text_loads)
{
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_layout *l;
    ck_assert_int_eq(
        crtk_layouts_add_text(ls, "x.layout", good_layout, sizeof good_layout - 1, &l, &err),
        CRTK_OK);
    ck_assert_str_eq(crtk_layout_name(l), "state-x");
    ck_assert_int_eq(crtk_layout_count(l), 3);
    ck_assert_int_eq(crtk_layout_find(l, "stateThing")->start, 21);
    ck_assert_str_eq(crtk_layout_find(l, "stateThing")->name, "State Thing");
    /* A user flat layout of version 180 takes over from the built-in one. */
    ck_assert_ptr_eq(crtk_layouts_flat(ls, 180), l);
}
END_TEST

static const struct bad {
    const char *text, *msg;
    long line;
} bad_layouts[] = {
    {"@layout a\n@kind flat\n@version 180\n@record-length A 10\n"
     "10 recordType 1 1 text none all NaaccrData A - R\n"
     "20 other 1 2 text none all Tumor A - O\n",
     "overlaps", 0},
    {"@layout a\n@kind dictionary\n@version 250\n10 recordType - 1 txt none all NaaccrData A - "
     "R\n",
     "unknown data type", 4},
    {"@layout a\n@kind dictionary\n@version 250\n10 RecordType - 1 text none all NaaccrData A - "
     "R\n",
     "naaccrId", 4},
    {"@layout a\n@kind dictionary\n@version 250\n10 a1 - 1 text none all NaaccrData A - R\n"
     "10 a2 - 1 text none all NaaccrData A - R\n",
     "item number 10", 0},
    {"@layout a\n@kind dictionary\n@version 250\n10 a1 - 1 text none all Nowhere A - R\n",
     "level must be", 4},
    {"@layout a\n@kind dictionary\n@version 250\n10 a1 - 1 text\n", "fields", 4},
    {"@layout a\n@kind flat\n@version 180\n@record-length A 5\n"
     "10 a1 4 3 text none all Tumor A - R\n",
     "beyond the record length", 0},
    {"@kind dictionary\n@version 250\n", "missing @layout", 0},
    {"@layout a\n@kind dictionary\n@version 250\n@colour blue\n", "unknown directive", 4},
};

START_TEST(test_bad_layout_text_is_rejected_with_position)
{
    crtk_error err = CRTK_ERROR_INIT;
    const struct bad *b = &bad_layouts[_i];
    const crtk_layout *l = (const crtk_layout *)1;
    int rc = crtk_layouts_add_text(ls, "bad.layout", b->text, strlen(b->text), &l, &err);
    ck_assert_int_eq(rc, CRTK_EINVALID);
    ck_assert_ptr_null(l);
    ck_assert_msg(strstr(err.message, b->msg), "message \"%s\" lacks \"%s\"", err.message, b->msg);
    ck_assert_str_eq(err.source, "bad.layout");
    if (b->line)
        ck_assert_int_eq(err.line, b->line);
}
END_TEST

START_TEST(test_renames)
{
    ck_assert_str_eq(crtk_layouts_renamed(ls, "dateRegionalLymphNodeDissection"),
                     "dateRegionalLNDissection");
    ck_assert_ptr_null(crtk_layouts_renamed(ls, "primarySite"));
}
END_TEST

static Suite *layouts_suite(void)
{
    Suite *s = suite_create("layouts");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_builtin_dictionaries_have_the_standard_item_counts);
    tcase_add_test(tc, test_flat_18_columns_match_the_standard);
    tcase_add_test(tc, test_flat_versions_resolve);
    tcase_add_test(tc, test_version_normalize);
    tcase_add_test(tc, test_find_by_number_and_name);
    tcase_add_test(tc, test_find_after_any_order);
    tcase_add_test(tc, test_slots_are_dense_per_level);
    tcase_add_test(tc, test_user_layout_text_loads);
    tcase_add_loop_test(tc, test_bad_layout_text_is_rejected_with_position, 0,
                        (int)(sizeof bad_layouts / sizeof bad_layouts[0]));
    tcase_add_test(tc, test_renames);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(layouts_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
