/* Unit tests of NAACCR user-defined dictionaries (naaccr-formats.md 2.2, 2.5, 2.7). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "crtk/layouts.h"

static crtk_layouts *ls;

static void setup(void)
{
    ck_assert_int_eq(crtk_layouts_new(&ls, NULL), CRTK_OK);
}

static void teardown(void)
{
    crtk_layouts_free(ls);
}

static char doc[8192];

static const char *dict(const char *spec, const char *version, const char *items)
{
    snprintf(doc, sizeof doc,
             "<?xml version=\"1.0\"?>\n"
             "<NaaccrDictionary dictionaryUri=\"http://example.org/state-dict.xml\"%s%s%s "
             "specificationVersion=\"%s\" xmlns=\"http://naaccr.org/naaccrxml\">\n"
             "<ItemDefs>\n%s</ItemDefs>\n</NaaccrDictionary>\n",
             version ? " naaccrVersion=\"" : "", version ? version : "", version ? "\"" : "", spec,
             items);
    return doc;
}

static int load(const char *xml, const crtk_layout **out, crtk_error *err)
{
    return crtk_layouts_add_dictionary_mem(ls, "state.xml", xml, strlen(xml), out, err);
}

START_TEST(test_valid_user_dictionary_combines_with_base)
{
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_layout *u, *c, *base = crtk_layouts_dictionary(ls, 250);
    const crtk_item *it;
    ck_assert_int_eq(load(dict("1.8", "250",
                               "<ItemDef naaccrId=\"stateRiskScore\" naaccrNum=\"9601\" "
                               "length=\"3\" parentXmlElement=\"Tumor\" dataType=\"digits\" "
                               "recordTypes=\"A,M\"/>\n"),
                          &u, &err),
                     CRTK_OK);
    ck_assert_int_eq(crtk_layout_kind_of(u), CRTK_LAYOUT_USER_DICTIONARY);
    ck_assert_str_eq(crtk_layout_uri(u), "http://example.org/state-dict.xml");
    ck_assert_ptr_eq(crtk_layouts_by_uri(ls, "http://example.org/state-dict.xml"), u);
    ck_assert_int_eq(crtk_layouts_combine(ls, base, &u, 1, &c, &err), CRTK_OK);
    ck_assert_int_eq(crtk_layout_count(c), crtk_layout_count(base) + 1);
    it = crtk_layout_find(c, "stateRiskScore");
    ck_assert_ptr_nonnull(it);
    ck_assert_int_eq(it->type, CRTK_TYPE_DIGITS);
    ck_assert_uint_eq(it->rectypes, CRTK_RT_A | CRTK_RT_M);
    ck_assert_ptr_nonnull(crtk_layout_find(c, "primarySite"));
    /* Same inputs, same combined layout. */
    {
        const crtk_layout *c2;
        ck_assert_int_eq(crtk_layouts_combine(ls, base, &u, 1, &c2, &err), CRTK_OK);
        ck_assert_ptr_eq(c, c2);
    }
}
END_TEST

static const struct bad {
    const char *spec, *version, *items, *msg;
} bad_dicts[] = {
    /* base item id may not be redefined */
    {"1.8", "250",
     "<ItemDef naaccrId=\"primarySite\" naaccrNum=\"9601\" length=\"4\" "
     "parentXmlElement=\"Tumor\"/>",
     "base dictionary item"},
    /* base number may not be reused */
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"400\" length=\"4\" parentXmlElement=\"Tumor\"/>",
     "item number of the base item primarySite"},
    /* spec < 1.3: numbers 9500-99999 */
    {"1.2", "210",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9000\" length=\"4\" parentXmlElement=\"Tumor\"/>",
     "9500-99999"},
    /* startColumn forbidden from 210 */
    {"1.5", "210",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" startColumn=\"2400\" "
     "parentXmlElement=\"Tumor\"/>",
     "startColumn"},
    /* user items of <= 180 only in reserved / state requestor / NPCR fields */
    {"1.5", "180",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" startColumn=\"554\" "
     "parentXmlElement=\"Tumor\"/>",
     "State/Requestor"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"MyItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\"/>",
     "naaccrId"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Body\"/>",
     "parentXmlElement"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\" "
     "padding=\"rightBlank\"/>",
     "padding"},
    {"1.7", "240",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\" "
     "dataType=\"dateTime\"/>",
     "dataType"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\" "
     "trim=\"all\"/>",
     "trim"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\"/>"
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9602\" length=\"4\" parentXmlElement=\"Tumor\"/>",
     "defined twice"},
    {"1.9", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\"/>",
     "specificationVersion"},
    {"1.8", "250", "", "at least one ItemDef"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\" "
     "recordTypes=\"A,X\"/>",
     "recordTypes"},
    {"1.8", "250",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"x\" parentXmlElement=\"Tumor\"/>",
     "length"},
    {"1.8", "999",
     "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" parentXmlElement=\"Tumor\"/>",
     "not a supported"},
};

START_TEST(test_invalid_user_dictionaries_are_rejected)
{
    crtk_error err = CRTK_ERROR_INIT;
    const struct bad *b = &bad_dicts[_i];
    const crtk_layout *u = (const crtk_layout *)1;
    int rc = load(dict(b->spec, b->version, b->items), &u, &err);
    ck_assert_int_eq(rc, CRTK_EINVALID);
    ck_assert_ptr_null(u);
    ck_assert_msg(strstr(err.message, b->msg), "case %d: message \"%s\" lacks \"%s\"", _i,
                  err.message, b->msg);
    ck_assert_ptr_null(crtk_layouts_by_uri(ls, "http://example.org/state-dict.xml"));
}
END_TEST

START_TEST(test_malformed_and_hostile_dictionary_xml)
{
    crtk_error err = CRTK_ERROR_INIT;
    static const char lol[] =
        "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"aaaaaaaaaa\">"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
        "<NaaccrDictionary dictionaryUri=\"u\" xmlns=\"http://naaccr.org/naaccrxml\">"
        "<ItemDefs/></NaaccrDictionary>";
    static const char trunc[] = "<?xml version=\"1.0\"?><NaaccrDictionary dictionaryUri=\"u\"";
    ck_assert_int_eq(load(lol, NULL, &err), CRTK_EINVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "DOCTYPE"));
    ck_assert_int_eq(load(trunc, NULL, &err), CRTK_EPARSE);
    ck_assert_int_eq(err.line, 1);
}
END_TEST

/* libxml2 compares each attribute with all before it: 100,000 attributes took 35 s. The
 * tag is refused from its bytes first. */
START_TEST(test_attribute_flood_refused)
{
    crtk_error err = CRTK_ERROR_INIT;
    size_t cap = 100000 * 16 + 400, n, i;
    char *s = malloc(cap);

    ck_assert_ptr_nonnull(s);
    n = (size_t)snprintf(s, cap,
                         "<?xml version=\"1.0\"?>\n<NaaccrDictionary "
                         "xmlns=\"http://naaccr.org/naaccrxml\" dictionaryUri=\"urn:x\"");
    for (i = 0; i < 100000; i++)
        n += (size_t)snprintf(s + n, cap - n, " a%zu=\"x\"", i);
    n += (size_t)snprintf(s + n, cap - n, "><ItemDefs/></NaaccrDictionary>\n");
    ck_assert_int_eq(crtk_layouts_add_dictionary_mem(ls, "flood.xml", s, n, NULL, &err),
                     CRTK_ELIMIT);
    ck_assert_int_eq(err.line, 2);
    ck_assert_str_eq(err.source, "flood.xml");
    ck_assert_ptr_nonnull(strstr(err.message, "more than 256 attributes"));
    free(s);
}
END_TEST

START_TEST(test_default_user_item_may_be_redeclared_identically)
{
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_layout *u;
    /* stateRequestorItems of the 210 default user dictionary, same attributes. */
    ck_assert_int_eq(load(dict("1.5", "210",
                               "<ItemDef naaccrId=\"stateRequestorItems\" naaccrNum=\"2220\" "
                               "naaccrName=\"State/Requestor Items\" length=\"1000\" "
                               "recordTypes=\"A,M,C,I\" parentXmlElement=\"Tumor\" "
                               "trim=\"none\"/>"
                               "<ItemDef naaccrId=\"myItem\" naaccrNum=\"9601\" length=\"4\" "
                               "parentXmlElement=\"Patient\"/>"),
                          &u, &err),
                     CRTK_OK);
}
END_TEST

static Suite *dictionary_suite(void)
{
    Suite *s = suite_create("dictionary");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_valid_user_dictionary_combines_with_base);
    tcase_add_loop_test(tc, test_invalid_user_dictionaries_are_rejected, 0,
                        (int)(sizeof bad_dicts / sizeof bad_dicts[0]));
    tcase_add_test(tc, test_malformed_and_hostile_dictionary_xml);
    tcase_add_test(tc, test_attribute_flood_refused);
    tcase_add_test(tc, test_default_user_item_may_be_redeclared_identically);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(dictionary_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
