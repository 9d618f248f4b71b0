/* check_xml_reader.c - the NAACCR XML reader: root attributes, per-item findings, hostile
 * input, limits, gzip, extensions, user dictionaries (docs: naaccr-formats.md sections 1, 4
 * and the checklist of section 7). */
#include <check.h>
#include <crtk/crtk.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NS      "http://naaccr.org/naaccrxml"
#define BASE250 "http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml"
#define HDR_RT(rt)                                                                            \
    "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"" rt \
    "\" specificationVersion=\"1.8\" xmlns=\"" NS "\">\n"
#define HDR HDR_RT("A")
#define END "</NaaccrData>\n"

static const char user_dict[] =
    "<?xml version=\"1.0\"?>\n"
    "<NaaccrDictionary dictionaryUri=\"http://example.org/naaccrxml/my-naaccr-dictionary-250.xml\""
    " naaccrVersion=\"250\" specificationVersion=\"1.8\" xmlns=\"" NS "\">\n"
    "  <ItemDefs>\n"
    "    <ItemDef naaccrId=\"myTumorCode\" naaccrNum=\"9501\" naaccrName=\"My Tumor Code\""
    " length=\"4\" recordTypes=\"A,M,C,I\" parentXmlElement=\"Tumor\" dataType=\"digits\"/>\n"
    "  </ItemDefs>\n"
    "</NaaccrDictionary>\n";

static crtk_layouts *ls;

/* Findings collected from a run. */
#define MAXF 64
typedef struct fcoll {
    int n;
    char code[MAXF][40];
    char item[MAXF][40];
    char msg[MAXF][200];
    long line[MAXF];
    int tumor[MAXF];
    crtk_severity sev[MAXF];
} fcoll;

static void collect(void *ctx, const crtk_finding *f)
{
    fcoll *c = ctx;

    if (c->n >= MAXF)
        return;
    snprintf(c->code[c->n], sizeof c->code[0], "%s", f->code);
    snprintf(c->item[c->n], sizeof c->item[0], "%s", f->item);
    snprintf(c->msg[c->n], sizeof c->msg[0], "%s", f->message);
    c->line[c->n] = f->line;
    c->tumor[c->n] = f->tumor;
    c->sev[c->n] = f->severity;
    c->n++;
}

static int find(const fcoll *c, const char *code)
{
    int i;

    for (i = 0; i < c->n; i++)
        if (!strcmp(c->code[i], code))
            return i;
    return -1;
}

static fcoll fc;
static crtk_record *rec;
static crtk_reader *rd;
static crtk_error last_err; /* error of the last read_all: from open or from next */

static void setup(void)
{
    crtk_error err = CRTK_ERROR_INIT;

    memset(&fc, 0, sizeof fc);
    ck_assert_int_eq(crtk_layouts_new(&ls, &err), CRTK_OK);
    ck_assert_int_eq(crtk_record_new(&rec), CRTK_OK);
    rd = NULL;
}

static void teardown(void)
{
    crtk_reader_free(rd);
    crtk_record_free(rec);
    crtk_layouts_free(ls);
}

static crtk_reader_opts opts(void)
{
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;

    o.format = CRTK_FORMAT_XML;
    o.on_finding = collect;
    o.finding_ctx = &fc;
    return o;
}

/* Open s; CRTK_OK or the open error code. */
static int open_str(const char *s, crtk_error *err)
{
    crtk_reader_opts o = opts();

    crtk_reader_free(rd);
    rd = NULL;
    return crtk_reader_open_mem(&rd, s, strlen(s), ls, &o, err);
}

/* Open and read to the end; returns the last next() result (0 or an error). *np = patients. */
static int read_all(const char *s, size_t len, const crtk_reader_opts *o, long *np)
{
    crtk_error err = CRTK_ERROR_INIT;
    int rc;

    *np = 0;
    crtk_reader_free(rd);
    rd = NULL;
    rc = crtk_reader_open_mem(&rd, s, len, ls, o, &err);
    last_err = err;
    if (rc < 0)
        return rc;
    while ((rc = crtk_reader_next(rd, rec)) > 0)
        (*np)++;
    last_err = *crtk_reader_error(rd);
    return rc;
}

static int read_str(const char *s, long *np)
{
    crtk_reader_opts o = opts();
    return read_all(s, strlen(s), &o, np);
}

static const char *get(const char *id, int tumor)
{
    const crtk_item *it = crtk_layout_find(crtk_record_layout(rec), id);
    ck_assert_msg(it != NULL, "item %s not in layout", id);
    return crtk_record_get(rec, it, tumor, NULL);
}

/* ---- root attributes (checklist 1, 2) ---------------------------------------------------- */

static const struct {
    const char *xml;
    int code;
} bad_roots[] = {
    {"<NaaccrData recordType=\"A\" xmlns=\"" NS "\"/>", CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"https://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\" "
     "recordType=\"A\" xmlns=\"" NS "\"/>",
     CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-190.xml\" "
     "recordType=\"A\" xmlns=\"" NS "\"/>",
     CRTK_EUNSUPPORTED},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" xmlns=\"" NS "\"/>", CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"X\" xmlns=\"" NS "\"/>",
     CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"AB\" xmlns=\"" NS "\"/>",
     CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
     "specificationVersion=\"1.9\" xmlns=\"" NS "\"/>",
     CRTK_EUNSUPPORTED},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" xmlns=\"urn:other\"/>",
     CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\"/>", CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" color=\"red\" "
     "xmlns=\"" NS "\"/>",
     CRTK_EINVALID},
    {"<Naaccr baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" xmlns=\"" NS "\"/>",
     CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
     "specificationVersion=\"1.1\" userDictionaryUri=\"urn:a urn:b\" xmlns=\"" NS "\"/>",
     CRTK_EINVALID},
    {"<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
     "userDictionaryUri=\"urn:a urn:b\" xmlns=\"" NS "\"/>",
     CRTK_EINVALID}, /* absent specificationVersion = 1.0 */
};

START_TEST(test_root_attribute_errors_are_fatal)
{
    crtk_error err = CRTK_ERROR_INIT;
    char buf[1024];

    snprintf(buf, sizeof buf, "<?xml version=\"1.0\"?>\n%s\n", bad_roots[_i].xml);
    ck_assert_int_eq(open_str(buf, &err), bad_roots[_i].code);
    ck_assert_ptr_null(rd);
    ck_assert_int_eq(err.line, 2);
    ck_assert_str_ne(err.message, "");
}
END_TEST

START_TEST(test_root_spec_absent_means_1_0)
{
    crtk_error err = CRTK_ERROR_INIT;
    const crtk_file_info *fi;

    ck_assert_int_eq(open_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"I\" "
                              "xmlns=\"" NS "\"/>",
                              &err),
                     CRTK_OK);
    fi = crtk_reader_info(rd);
    ck_assert_str_eq(fi->spec_version, "");
    ck_assert_int_eq(fi->naaccr_version, 250);
    ck_assert_int_eq(fi->record_type, 'I');
    ck_assert_str_eq(fi->base_uri, BASE250);
    ck_assert_int_eq(fi->format, CRTK_FORMAT_XML);
    ck_assert_int_eq(crtk_reader_next(rd, rec), 0);
}
END_TEST

START_TEST(test_root_two_user_dictionaries_with_spec_1_2)
{
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(open_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "specificationVersion=\"1.2\" userDictionaryUri=\"urn:a  urn:b\" "
                              "xmlns=\"" NS "\"/>",
                              &err),
                     CRTK_OK);
    ck_assert_str_eq(crtk_reader_info(rd)->user_uris, "urn:a urn:b");
    ck_assert_int_eq(fc.n, 2);
    ck_assert_str_eq(fc.code[0], "user-dictionary-missing");
    ck_assert_int_eq(fc.sev[0], CRTK_SEV_WARNING);
    ck_assert_ptr_nonnull(strstr(fc.msg[0], "urn:a not supplied"));
    ck_assert_int_eq(crtk_reader_warning_count(rd), 2);
}
END_TEST

START_TEST(test_root_bad_time_generated_is_a_finding)
{
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(open_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "timeGenerated=\"yesterday\" xmlns=\"" NS "\"/>",
                              &err),
                     CRTK_OK);
    ck_assert_int_eq(fc.n, 1);
    ck_assert_str_eq(fc.code[0], "invalid-time-generated");
    ck_assert_str_eq(crtk_reader_info(rd)->time_generated, "yesterday");
    memset(&fc, 0, sizeof fc);
    ck_assert_int_eq(open_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "timeGenerated=\"2024-08-23T09:11:35.414-04:00\" xmlns=\"" NS "\"/>",
                              &err),
                     CRTK_OK);
    ck_assert_int_eq(open_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "timeGenerated=\"2024-08-23T09:11:35\" xmlns=\"" NS "\"/>",
                              &err),
                     CRTK_OK);
    ck_assert_int_eq(fc.n, 0);
}
END_TEST

START_TEST(test_root_foreign_attributes_kept)
{
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(open_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "xmlns=\"" NS "\" xmlns:x=\"urn:x\" x:source=\"a&amp;b\"/>",
                              &err),
                     CRTK_OK);
    ck_assert_str_eq(crtk_reader_info(rd)->extra_root, " xmlns:x=\"urn:x\" x:source=\"a&amp;b\"");
    ck_assert_int_eq(fc.n, 0);
}
END_TEST

START_TEST(test_root_naaccr_prefix_accepted)
{
    long np;

    ck_assert_int_eq(read_str("<n:NaaccrData xmlns:n=\"" NS "\" baseDictionaryUri=\"" BASE250
                              "\" recordType=\"A\"><n:Patient><n:Item naaccrId=\"sex\">1</n:Item>"
                              "</n:Patient></n:NaaccrData>",
                              &np),
                     0);
    ck_assert_int_eq(np, 1);
    ck_assert_str_eq(get("sex", 0), "1");
    ck_assert_str_eq(crtk_reader_info(rd)->extra_root, "");
}
END_TEST

/* ---- items (checklist 3-6) --------------------------------------------------------------- */

START_TEST(test_duplicate_item_in_tumor)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Tumor>\n"
                                  "<Item naaccrId=\"primarySite\">C509</Item>\n"
                                  "<Item naaccrId=\"primarySite\">C189</Item>\n"
                                  "</Tumor></Patient>\n<Patient/>\n" END,
                              &np),
                     0);
    ck_assert_int_eq(np, 2); /* reading went on */
    ck_assert_int_eq(fc.n, 1);
    ck_assert_int_eq(find(&fc, "duplicate-item"), 0);
    ck_assert_str_eq(fc.item[0], "primarySite");
    ck_assert_int_eq(fc.line[0], 5);
    ck_assert_int_eq(fc.tumor[0], 1);
    ck_assert_int_eq(crtk_reader_error_count(rd), 1);
}
END_TEST

START_TEST(test_item_after_tumor)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient>\n<Tumor/>\n<Item naaccrId=\"sex\">2</Item>\n"
                                  "</Patient>\n" END,
                              &np),
                     0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 1);
    ck_assert_str_eq(fc.code[0], "item-out-of-order");
    ck_assert_int_eq(fc.line[0], 5);
    ck_assert_str_eq(get("sex", 0), "2");
}
END_TEST

START_TEST(test_attribute_on_patient)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient id=\"1\"><Tumor x=\"y\"/></Patient>\n" END, &np), 0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 2);
    ck_assert_str_eq(fc.code[0], "unexpected-attribute");
    ck_assert_str_eq(fc.code[1], "unexpected-attribute");
    ck_assert_int_eq(fc.tumor[1], 1);
}
END_TEST

START_TEST(test_empty_item_ignored)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Item naaccrId=\"sex\"/>"
                                  "<Item naaccrId=\"noSuchItem\"></Item>"
                                  "<Item naaccrId=\"sex\">1</Item></Patient>\n" END,
                              &np),
                     0);
    ck_assert_int_eq(fc.n, 0);
    ck_assert_str_eq(get("sex", 0), "1");
}
END_TEST

START_TEST(test_leading_space_kept_and_reported)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Item naaccrId=\"sex\"> 1</Item></Patient>\n" END, &np),
                     0);
    ck_assert_int_eq(fc.n, 1);
    ck_assert_str_eq(fc.code[0], "value-too-long");
    memset(&fc, 0, sizeof fc);
    ck_assert_int_eq(read_str(HDR "<Patient><Tumor><Item naaccrId=\"primarySite\"> 1</Item>"
                                  "</Tumor></Patient>\n" END,
                              &np),
                     0);
    ck_assert_int_eq(fc.n, 1);
    ck_assert_str_eq(fc.code[0], "value-starts-with-space");
    ck_assert_str_eq(get("primarySite", 0), " 1"); /* not trimmed */
}
END_TEST

static const struct {
    const char *item, *value, *code; /* code NULL: no finding */
} type_cases[] = {
    {"countyAtDx", "12", "value-too-short"}, /* digits, length 3: no type error */
    {"countyAtDx", "1A3", "invalid-data-type"},
    {"countyAtDx", "123", NULL},
    {"dateOfDiagnosis", "19991301", "invalid-data-type"},
    {"dateOfDiagnosis", "2023", NULL},
    {"dateOfDiagnosis", "20230231", NULL},
    {"pediatricIdVersionCurrent", "1.", "invalid-data-type"},
    {"pediatricIdVersionCurrent", "1.5", NULL},
    {"pathDateSpecCollect1", "2024-02-30T10:00:00Z", NULL},
    {"pathDateSpecCollect1", "2024-13", "invalid-data-type"},
    {"addrAtDxState", "ny", "invalid-data-type"},
    {"primarySite", "C50901", "value-too-long"},
    {"primarySite", "C50 ", "value-ends-with-space"},
    {"primarySite", "a &amp; &lt;b&gt; &#x43;", "value-too-long"},
    {"primarySite", "<![CDATA[C&<9]]>", NULL},
};

START_TEST(test_data_types)
{
    char buf[1024];
    long np;

    snprintf(buf, sizeof buf,
             HDR "<Patient><Tumor><Item naaccrId=\"%s\">%s</Item></Tumor>"
                 "</Patient>" END,
             type_cases[_i].item, type_cases[_i].value);
    ck_assert_int_eq(read_str(buf, &np), 0);
    ck_assert_int_eq(np, 1);
    if (type_cases[_i].code) {
        ck_assert_int_eq(fc.n, 1);
        ck_assert_str_eq(fc.code[0], type_cases[_i].code);
        ck_assert_str_eq(fc.item[0], type_cases[_i].item);
    } else {
        ck_assert_msg(fc.n == 0, "unexpected finding %s: %s", fc.code[0], fc.msg[0]);
    }
    ck_assert_ptr_nonnull(get(type_cases[_i].item, 0));
}
END_TEST

/* The value checks look at eight bytes at a time where they can: a DEL or a multi-byte
 * character at any position of a value is found and counted as before. nameLast is text
 * of at most 40 characters. */
START_TEST(test_value_bytes_at_every_position)
{
    char buf[1024], v[200], want[80];
    long np;
    int k, i, n;

    for (k = 0; k < 40; k++) {
        /* DEL at position k + 1 */
        for (i = 0; i < 40; i++)
            v[i] = i == k ? '\x7F' : (char)('A' + i % 26);
        v[40] = '\0';
        snprintf(buf, sizeof buf,
                 HDR "<Patient><Item naaccrId=\"nameLast\">%s</Item></Patient>" END, v);
        memset(&fc, 0, sizeof fc);
        ck_assert_int_eq(read_str(buf, &np), 0);
        ck_assert_int_eq(fc.n, 1);
        ck_assert_str_eq(fc.code[0], "invalid-character");
        snprintf(want, sizeof want, "0x7F at position %d", k + 1);
        ck_assert_msg(strstr(fc.msg[0], want), "%s", fc.msg[0]);
        /* a tab at position k + 1 is a character of XML text: no finding */
        v[k] = '\t';
        snprintf(buf, sizeof buf,
                 HDR "<Patient><Item naaccrId=\"nameLast\">%s</Item></Patient>" END, v);
        memset(&fc, 0, sizeof fc);
        ck_assert_int_eq(read_str(buf, &np), 0);
        ck_assert_msg(fc.n == 0, "tab at %d: %s", k + 1, fc.msg[0]);
        /* 40 or 41 characters, one of them two bytes (U+00E9) at position k + 1 */
        for (n = 40; n <= 41; n++) {
            size_t len = 0;
            for (i = 0; i < n; i++) {
                if (i == k) {
                    v[len++] = '\xC3';
                    v[len++] = '\xA9';
                } else {
                    v[len++] = (char)('a' + i % 26);
                }
            }
            v[len] = '\0';
            snprintf(buf, sizeof buf,
                     HDR "<Patient><Item naaccrId=\"nameLast\">%s</Item></Patient>" END, v);
            memset(&fc, 0, sizeof fc);
            ck_assert_int_eq(read_str(buf, &np), 0);
            if (n == 40) {
                ck_assert_msg(fc.n == 0, "%d characters: %s", n, fc.msg[0]);
            } else {
                ck_assert_int_eq(fc.n, 1);
                ck_assert_str_eq(fc.code[0], "value-too-long");
                ck_assert_msg(strstr(fc.msg[0], "is 41 characters"), "%s", fc.msg[0]);
            }
        }
    }
}
END_TEST

START_TEST(test_entities_and_cdata_decoded)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Tumor><Item naaccrId=\"primarySite\">"
                                  "<![CDATA[C&<]]>&#x39;</Item></Tumor></Patient>" END,
                              &np),
                     0);
    ck_assert_str_eq(get("primarySite", 0), "C&<9");
}
END_TEST

START_TEST(test_abstract_item_in_incidence_file_unknown)
{
    long np;

    ck_assert_int_eq(read_str(HDR_RT("I") "<Patient><Tumor>\n"
                                          "<Item naaccrId=\"textRemarks\">hello</Item>\n"
                                          "<Item naaccrId=\"bogusItem\">1</Item>\n"
                                          "</Tumor></Patient>" END,
                              &np),
                     0);
    ck_assert_int_eq(fc.n, 2);
    ck_assert_str_eq(fc.code[0], "unknown-item");
    ck_assert_ptr_nonnull(strstr(fc.msg[0], "not part of record type I"));
    ck_assert_int_eq(fc.line[0], 4);
    ck_assert_str_eq(fc.code[1], "unknown-item");
    ck_assert_ptr_nonnull(strstr(fc.msg[1], "bogusItem"));
    ck_assert_str_eq(fc.item[1], "bogusItem");
    ck_assert_ptr_null(get("textRemarks", 0));
}
END_TEST

START_TEST(test_item_numbers_checked)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Item naaccrId=\"sex\" naaccrNum=\"221\">1</Item>"
                                  "<Item naaccrId=\"race1\" naaccrNum=\"x\">01</Item>"
                                  "<Item naaccrId=\"race2\" naaccrNum=\" 161\">01</Item>"
                                  "</Patient>" END,
                              &np),
                     0);
    ck_assert_int_eq(fc.n, 2);
    ck_assert_str_eq(fc.code[0], "wrong-item-number");
    ck_assert_str_eq(fc.code[1], "invalid-item-number");
    ck_assert_str_eq(get("sex", 0), "1");
}
END_TEST

START_TEST(test_invalid_data_level)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient>\n<Item naaccrId=\"primarySite\">C509</Item>\n"
                                  "<Tumor><Item naaccrId=\"sex\">2</Item></Tumor></Patient>" END,
                              &np),
                     0);
    ck_assert_int_eq(fc.n, 2);
    ck_assert_str_eq(fc.code[0], "invalid-data-level");
    ck_assert_int_eq(fc.line[0], 4);
    ck_assert_ptr_nonnull(strstr(fc.msg[0], "dropped"));
    ck_assert_str_eq(fc.code[1], "invalid-data-level");
    ck_assert_str_eq(get("sex", 0), "2"); /* a patient item inside a Tumor is kept */
    ck_assert_ptr_null(get("primarySite", 0));
}
END_TEST

START_TEST(test_unknown_elements_reported)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Thing>1</Thing><Item naaccrId=\"sex\">2</Item>"
                                  "<foo xmlns=\"\"/></Patient><Tumor/>" END,
                              &np),
                     0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 3);
    ck_assert_str_eq(fc.code[0], "unknown-element");
    ck_assert_str_eq(fc.code[1], "unknown-element");
    ck_assert_str_eq(fc.code[2], "unexpected-element");
    ck_assert_str_eq(get("sex", 0), "2");
}
END_TEST

START_TEST(test_control_character_is_fatal)
{
    long np;
    static const char raw[] = HDR "<Patient><Item naaccrId=\"nameLast\">a\x01</Item></Patient>" END;

    ck_assert_int_eq(read_str(HDR "<Patient>\n<Item naaccrId=\"nameLast\">a&#1;</Item></Patient>"
                                  "\n" END,
                              &np),
                     CRTK_EPARSE);
    ck_assert_int_eq(last_err.line, 4);
    ck_assert_int_gt(last_err.column, 0);
    ck_assert_int_eq(read_str(raw, &np), CRTK_EPARSE);
}
END_TEST

START_TEST(test_root_items_copied_to_each_patient)
{
    long np = 0;
    int rc;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(open_str(HDR "<Item naaccrId=\"registryId\">0000001234</Item>\n"
                                  "<Patient><Item naaccrId=\"sex\">1</Item></Patient>\n"
                                  "<Patient>\n<Tumor>\n</Tumor>\n<Tumor/></Patient>\n" END,
                              &err),
                     CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        np++;
        ck_assert_str_eq(get("registryId", 0), "0000001234");
        ck_assert_int_eq(crtk_record_ordinal(rec), np);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(np, 2);
    ck_assert_ptr_null(get("sex", 0)); /* second patient starts empty */
    ck_assert_int_eq(crtk_record_tumor_count(rec), 2);
    ck_assert_int_eq(crtk_record_line(rec, -1), 5);
    ck_assert_int_eq(crtk_record_line(rec, 0), 6);
    ck_assert_int_eq(crtk_record_line(rec, 1), 8);
    ck_assert_int_eq(fc.n, 0);
}
END_TEST

START_TEST(test_root_items_checked_against_attributes)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Item naaccrId=\"recordType\">I</Item>\n"
                                  "<Item naaccrId=\"naaccrRecordVersion\">240</Item>\n"
                                  "<Patient><Item naaccrId=\"registryId\">0000000001</Item>"
                                  "<Item naaccrId=\"recordType\">A</Item></Patient>\n" END,
                              &np),
                     0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 5);
    ck_assert_str_eq(fc.code[0], "record-type-mismatch");
    ck_assert_int_eq(fc.sev[0], CRTK_SEV_WARNING);
    ck_assert_int_eq(fc.line[0], 3);
    ck_assert_str_eq(fc.code[1], "version-mismatch");
    ck_assert_str_eq(fc.code[2], "invalid-data-level");
    ck_assert_str_eq(fc.code[3], "invalid-data-level");
    ck_assert_str_eq(fc.code[4], "duplicate-item");
    ck_assert_str_eq(get("registryId", 0), "0000000001"); /* kept at its own level */
    ck_assert_str_eq(get("recordType", 0), "I");
}
END_TEST

START_TEST(test_zero_tumors_and_zero_patients)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><Item naaccrId=\"sex\">1</Item></Patient>" END, &np),
                     0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(crtk_record_tumor_count(rec), 0);
    ck_assert_int_eq(read_str(HDR END, &np), 0);
    ck_assert_int_eq(np, 0);
    ck_assert_int_eq(read_str("<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "xmlns=\"" NS "\"/><!-- done -->\n",
                              &np),
                     0);
    ck_assert_int_eq(np, 0);
    ck_assert_int_eq(fc.n, 0);
}
END_TEST

START_TEST(test_max_tumors_limit)
{
    crtk_reader_opts o = opts();
    static const char s[] = HDR "<Patient><Tumor/><Tumor/><Tumor/></Patient>" END;
    long np;

    o.max_tumors = 2;
    ck_assert_int_eq(read_all(s, sizeof s - 1, &o, &np), CRTK_ELIMIT);
    o.max_tumors = 3;
    ck_assert_int_eq(read_all(s, sizeof s - 1, &o, &np), 0);
}
END_TEST

/* ---- extensions -------------------------------------------------------------------------- */

static const char ext_doc[] =
    "<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" xmlns=\"" NS "\" "
    "xmlns:x=\"urn:x\">\n"
    "<x:root a=\"1\"/>\n"
    "<Patient>\n"
    "<Item naaccrId=\"sex\">1</Item>\n"
    "<x:pat><x:deep>v &amp; w</x:deep></x:pat>\n"
    "<Tumor><Item naaccrId=\"primarySite\">C509</Item><y:t xmlns:y=\"urn:y\">t</y:t></Tumor>\n"
    "</Patient>\n"
    "</NaaccrData>\n";

START_TEST(test_extensions_kept)
{
    crtk_reader_opts o = opts();
    long np;
    size_t len;
    const char *x;

    o.keep_extensions = true;
    ck_assert_int_eq(read_all(ext_doc, sizeof ext_doc - 1, &o, &np), 0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 0);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_ROOT, 0), 1);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_PATIENT, 0), 1);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_TUMOR, 0), 1);
    x = crtk_record_extension(rec, CRTK_LEVEL_PATIENT, 0, 0, &len);
    ck_assert_str_eq(x, "<x:pat xmlns:x=\"urn:x\"><x:deep>v &amp; w</x:deep></x:pat>");
    ck_assert_uint_eq(len, strlen(x));
    x = crtk_record_extension(rec, CRTK_LEVEL_TUMOR, 0, 0, NULL);
    ck_assert_str_eq(x, "<y:t xmlns:y=\"urn:y\">t</y:t>");
    ck_assert_str_eq(get("primarySite", 0), "C509");
    ck_assert_str_eq(crtk_reader_info(rd)->extra_root, " xmlns:x=\"urn:x\"");
}
END_TEST

START_TEST(test_extensions_skipped)
{
    crtk_reader_opts o = opts();
    long np;

    o.keep_extensions = false;
    ck_assert_int_eq(read_all(ext_doc, sizeof ext_doc - 1, &o, &np), 0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 0);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_ROOT, 0), 0);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_PATIENT, 0), 0);
    ck_assert_int_eq(crtk_record_extension_count(rec, CRTK_LEVEL_TUMOR, 0), 0);
    ck_assert_str_eq(get("sex", 0), "1");
    ck_assert_str_eq(get("primarySite", 0), "C509");
}
END_TEST

START_TEST(test_item_after_extension)
{
    long np;

    ck_assert_int_eq(read_str(HDR "<Patient><x:e xmlns:x=\"urn:x\"/><Item naaccrId=\"sex\">1</Item>"
                                  "</Patient>" END,
                              &np),
                     0);
    ck_assert_int_eq(fc.n, 1);
    ck_assert_str_eq(fc.code[0], "item-out-of-order");
}
END_TEST

/* ---- hostile and broken input ------------------------------------------------------------ */

START_TEST(test_doctype_and_entities_rejected)
{
    static const char laughs[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" xmlns=\"" NS "\">"
        "<Patient><Item naaccrId=\"nameLast\">&lol9;</Item></Patient></NaaccrData>\n";
    static const char external[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE NaaccrData [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
        "<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" xmlns=\"" NS "\">"
        "<Patient><Item naaccrId=\"nameLast\">&xxe;</Item></Patient></NaaccrData>\n";
    crtk_error err = CRTK_ERROR_INIT;
    int rc;

    rc = open_str(laughs, &err);
    ck_assert_int_lt(rc, 0);
    ck_assert_ptr_null(rd);
    rc = open_str(external, &err);
    ck_assert_int_eq(rc, CRTK_EINVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "DOCTYPE"));
    ck_assert_ptr_null(strstr(err.message, "root:")); /* nothing of /etc/passwd */
    /* The line where the DOCTYPE is (an xmlDtd node has no line of its own). */
    ck_assert_int_eq(err.line, 2);
}
END_TEST

START_TEST(test_undeclared_entity_is_fatal)
{
    long np;

    ck_assert_int_eq(
        read_str(HDR "<Patient><Item naaccrId=\"nameLast\">&foo;</Item></Patient>" END, &np),
        CRTK_EPARSE);
}
END_TEST

START_TEST(test_deep_nesting_limited)
{
    char *s = malloc(20000);
    size_t n = 0;
    int i;
    long np;

    n += (size_t)snprintf(s + n, 20000 - n, HDR "<Patient>");
    for (i = 0; i < 100; i++)
        n += (size_t)snprintf(s + n, 20000 - n, "<x:e xmlns:x=\"urn:x\">");
    for (i = 0; i < 100; i++)
        n += (size_t)snprintf(s + n, 20000 - n, "</x:e>");
    n += (size_t)snprintf(s + n, 20000 - n, "</Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_int_gt(last_err.line, 0);
    free(s);
}
END_TEST

/* "<NAME a0="x" a1="x" ...>" with n attributes, inside a document (at the root when
 * patient is false, on an extension element inside a Patient otherwise). */
static char *attr_flood(size_t n, bool patient, size_t *len)
{
    size_t cap = 100000 + n * 16, k = 0, i;
    char *s = malloc(cap);

    ck_assert_ptr_nonnull(s);
    if (patient) {
        /* 500 patients first, so that opening the reader does not read as far. */
        k += (size_t)snprintf(s, cap, HDR);
        for (i = 0; i < 500; i++)
            k += (size_t)snprintf(s + k, cap - k,
                                  "<Patient><Item naaccrId=\"sex\">1</Item></Patient>\n");
        k += (size_t)snprintf(s + k, cap - k, "<Patient>\n<x:e xmlns:x=\"urn:x\"");
    } else {
        k += (size_t)snprintf(s, cap,
                              "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"" BASE250
                              "\" recordType=\"A\" xmlns=\"" NS "\"");
    }
    for (i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, cap - k, " a%zu=\"x\"", i);
    k += (size_t)snprintf(s + k, cap - k, patient ? "/></Patient>" END : ">" END);
    *len = k;
    return s;
}

/* libxml2 2.9 compares each attribute with all before it: 200,000 attributes on NaaccrData
 * (2 MB) took minutes. The tag is refused from its bytes, before libxml2 parses it. */
START_TEST(test_attribute_flood_refused)
{
    crtk_reader_opts o = opts();
    size_t len;
    char *s = attr_flood(200000, false, &len);
    long np;

    ck_assert_int_eq(read_all(s, len, &o, &np), CRTK_ELIMIT);
    ck_assert_int_eq(last_err.line, 2);
    ck_assert_msg(strstr(last_err.message, "<NaaccrData> has more than 256 attributes"), "%s",
                  last_err.message);
    free(s);
}
END_TEST

/* Timing-free linearity: the refusal comes after the same number of bytes read (well under
 * 1 MiB: input is read in 256 KiB chunks) whether the tag has 200,000 or 2,000,000
 * attributes (2 or 22 MB), so the work done does not grow with the tag. */
START_TEST(test_attribute_flood_work_is_bounded)
{
    crtk_reader_opts o = opts();
    long long used[2];
    size_t sizes[2] = {200000, 2000000};
    int i;

    for (i = 0; i < 2; i++) {
        crtk_error err = CRTK_ERROR_INIT;
        size_t len;
        char *s = attr_flood(sizes[i], true, &len);
        crtk_reader_free(rd);
        rd = NULL;
        long np = 0;
        int rc;
        ck_assert_int_eq(crtk_reader_open_mem(&rd, s, len, ls, &o, &err), CRTK_OK);
        while ((rc = crtk_reader_next(rd, rec)) > 0)
            np++;
        ck_assert_int_eq(rc, CRTK_ELIMIT);
        ck_assert_int_le(np, 500);
        ck_assert_int_eq(crtk_reader_error(rd)->line, 504);
        used[i] = crtk_reader_offset(rd);
        ck_assert_int_lt(used[i], 1024 * 1024);
        free(s);
    }
    ck_assert_int_eq(used[0], used[1]);
}
END_TEST

START_TEST(test_long_names_and_attribute_values_limited)
{
    size_t big = (1u << 20) + 10, n;
    char *s = malloc(big + 1000);
    long np;

    /* An element name of 2,000 bytes. */
    n = (size_t)snprintf(s, 1000, HDR "<Patient><x:");
    memset(s + n, 'n', 2000);
    n += 2000;
    snprintf(s + n, 1000, " xmlns:x=\"urn:x\"/></Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_msg(strstr(last_err.message, "element name"), "%s", last_err.message);
    /* An attribute value of 1 MiB and more. */
    n = (size_t)snprintf(s, 1000, HDR "<Patient><x:e xmlns:x=\"urn:x\" v=\"");
    memset(s + n, 'v', big);
    n += big;
    snprintf(s + n, 1000, "\"/></Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_msg(strstr(last_err.message, "attribute value"), "%s", last_err.message);
    free(s);
}
END_TEST

/* '=' and '<' in comments, CDATA and processing instructions are not attributes or tags. */
/* An element name of 238 to 256 bytes (under the limit) cut by the reader's 64 KiB reads:
 * the pre-scanner once wrote past the start of the name it keeps for messages (and past
 * its own state), which crashed. */
START_TEST(test_long_name_across_reads)
{
    static const size_t lens[] = {236, 248, 254}; /* and "x:" */
    size_t cap = 70000, i, shift;
    char *s = malloc(cap);
    long np;

    ck_assert_ptr_nonnull(s);
    for (i = 0; i < sizeof lens / sizeof *lens; i++) {
        for (shift = lens[i] - 20; shift < lens[i]; shift++) {
            /* `shift` bytes of the name before byte 65536, the rest after */
            size_t n = (size_t)snprintf(s, cap, HDR "<Patient>\n<!--");
            size_t pad = 65536 - n - 3 - 3 - shift;
            memset(s + n, 'p', pad);
            n += pad;
            n += (size_t)snprintf(s + n, cap - n, "--><x:");
            memset(s + n, 'n', lens[i]);
            n += lens[i];
            snprintf(s + n, cap - n, " xmlns:x=\"urn:x\"/></Patient>" END);
            memset(&fc, 0, sizeof fc);
            ck_assert_msg(read_str(s, &np) == 0, "name %zu, %zu before: %s", lens[i], shift,
                          last_err.message);
            ck_assert_int_eq(np, 1);
        }
    }
    free(s);
}
END_TEST

START_TEST(test_markup_scan_skips_comments_and_cdata)
{
    size_t cap = 20000, n;
    char *s = malloc(cap);
    long np;
    int i;

    n = (size_t)snprintf(s, cap, HDR "<!-- ");
    for (i = 0; i < 600; i++)
        n += (size_t)snprintf(s + n, cap - n, "a%d=\"x\" ", i);
    n += (size_t)snprintf(s + n, cap - n, "--><?pi ");
    for (i = 0; i < 600; i++)
        n += (size_t)snprintf(s + n, cap - n, "b=1 ");
    n += (size_t)snprintf(s + n, cap - n, "?><Patient><Item naaccrId=\"nameLast\"><![CDATA[<a ");
    for (i = 0; i < 600; i++)
        n += (size_t)snprintf(s + n, cap - n, "c=1 ");
    snprintf(s + n, cap - n, "]]></Item></Patient>" END);
    ck_assert_int_eq(read_str(s, &np), 0);
    ck_assert_int_eq(np, 1);
    free(s);
}
END_TEST

START_TEST(test_huge_value_limited)
{
    size_t big = (1u << 20) + 10, n;
    char *s = malloc(big + 1000);
    long np;

    n = (size_t)snprintf(s, 1000, HDR "<Patient><Tumor>\n<Item naaccrId=\"textRemarks\">");
    memset(s + n, 'a', big);
    n += big;
    n += (size_t)snprintf(s + n, 1000, "</Item></Tumor></Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_str_eq(last_err.item, "textRemarks");
    ck_assert_int_eq(last_err.line, 4);
    free(s);
}
END_TEST

START_TEST(test_truncated_file_fatal_with_line)
{
    static const char s[] = HDR "<Patient>\n<Item naaccrId=\"sex\">1</Item>\n<Tumor>\n"
                                "<Item naaccrId=\"primarySite\">C5";
    long np;

    ck_assert_int_eq(read_str(s, &np), CRTK_EPARSE);
    ck_assert_int_eq(np, 0);
    ck_assert_int_ge(last_err.line, 6);
    ck_assert_str_ne(last_err.message, "");
    /* the reader stays failed */
    if (rd)
        ck_assert_int_eq(crtk_reader_next(rd, rec), CRTK_EPARSE);
}
END_TEST

START_TEST(test_truncated_after_many_patients)
{
    char *s = malloc(1 << 20);
    size_t n = 0;
    long np;
    int i;

    n += (size_t)snprintf(s + n, 1000, HDR);
    for (i = 0; i < 1000; i++)
        n += (size_t)snprintf(s + n, 1000,
                              "<Patient>\n<Item naaccrId=\"sex\">1</Item>\n</Patient>\n");
    n += (size_t)snprintf(s + n, 1000, "<Patient>\n<Item naaccrId=\"sex\">1</It");
    ck_assert_int_eq(read_str(s, &np), CRTK_EPARSE);
    ck_assert_int_eq(np, 1000);
    ck_assert_int_eq(last_err.line, 3004);
    ck_assert_int_eq(last_err.record, 1001);
    free(s);
}
END_TEST

/* Limits checked before libxml2 works on the markup: a flood of attributes, over-long names
 * and values, too many Items in a Patient. Each input is refused with its line. */
static char *attribute_flood(const char *where, int n)
{
    size_t cap = (size_t)n * 16 + 1000, len = 0;
    char *s = malloc(cap);
    int i;

    ck_assert_ptr_nonnull(s);
    len += (size_t)snprintf(s, cap,
                            "<?xml version=\"1.0\"?>\n<NaaccrData baseDictionaryUri=\"" BASE250
                            "\" recordType=\"A\" xmlns=\"" NS "\"%s",
                            strcmp(where, "root") ? ">\n<Patient\n" : "\n");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, " a%d=\"x\"", i);
    snprintf(s + len, cap - len, "%s", strcmp(where, "root") ? "/>" END : "/>\n");
    return s;
}

START_TEST(test_attribute_flood_refused_at_once)
{
    char *s = attribute_flood("root", 200000);
    long np;

    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_int_eq(last_err.line, 2);
    ck_assert_ptr_nonnull(strstr(last_err.message, "more than 256 attributes"));
    free(s);
    s = attribute_flood("patient", 200000);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_int_eq(last_err.line, 3);
    ck_assert_ptr_nonnull(strstr(last_err.message, "<Patient>"));
    free(s);
    s = attribute_flood("patient", 200); /* under the limit: only findings */
    memset(&fc, 0, sizeof fc);
    ck_assert_int_eq(read_str(s, &np), 0);
    ck_assert_int_eq(np, 1);
    free(s);
}
END_TEST

START_TEST(test_long_names_and_values_refused)
{
    size_t big = 70000, n;
    char *s = malloc(big + 1000);
    long np;

    n = (size_t)snprintf(s, 1000, HDR "<Patient>\n<x:");
    memset(s + n, 'e', 300);
    n += 300;
    n += (size_t)snprintf(s + n, 1000, " xmlns:x=\"urn:x\"/></Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(last_err.message, "name"));
    ck_assert_int_eq(last_err.line, 4);

    n = (size_t)snprintf(s, 1000, HDR "<Patient>\n\n<Item naaccrId=\"");
    memset(s + n, 'v', big);
    n += big;
    n += (size_t)snprintf(s + n, 1000, "\">1</Item></Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(last_err.message, "attribute value"));
    ck_assert_int_eq(last_err.line, 5);
    free(s);
}
END_TEST

START_TEST(test_items_per_patient_limited)
{
    size_t count = (1u << 20) + 1, n = 0, cap = count * 8 + 1000;
    char *s = malloc(cap);
    size_t i;
    long np;

    n += (size_t)snprintf(s, 1000, HDR "<Patient>\n");
    for (i = 0; i < count; i++) {
        memcpy(s + n, "<Item/>", 7);
        n += 7;
    }
    n += (size_t)snprintf(s + n, 1000, "</Patient>" END);
    ck_assert_int_eq(read_str(s, &np), CRTK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(last_err.message, "Items"));
    ck_assert_int_eq(last_err.line, 4);
    free(s);
}
END_TEST

/* Patients, comments, CDATA sections and values across the reader's 64 KiB reads: every
 * Patient comes out whole, one per call, with the lines of its elements. */
START_TEST(test_markup_across_reads)
{
    size_t cap = 4u << 20, n = 0;
    char *s = malloc(cap);
    long np = 0;
    int i, rc;
    crtk_reader_opts o = opts();

    n += (size_t)snprintf(s, cap, HDR);
    for (i = 0; i < 20000; i++)
        n += (size_t)snprintf(s + n, cap - n,
                              "<Patient><!-- %d > - > --><Item naaccrId=\"patientIdNumber\">"
                              "%08d</Item>\n<Tumor><Item naaccrId=\"primarySite\"><![CDATA[C]]>"
                              "<!-- ]]> -->50<?pi ? > ?>9</Item></Tumor></Patient >\n",
                              i, i);
    n += (size_t)snprintf(s + n, cap - n, END);
    crtk_reader_free(rd);
    rd = NULL;
    ck_assert_int_eq(crtk_reader_open_mem(&rd, s, n, ls, &o, NULL), CRTK_OK);
    while ((rc = crtk_reader_next(rd, rec)) > 0) {
        char want[32];
        snprintf(want, sizeof want, "%08ld", np);
        ck_assert_str_eq(get("patientIdNumber", 0), want);
        ck_assert_str_eq(get("primarySite", 0), "C509");
        ck_assert_int_eq(crtk_record_line(rec, -1), 3 + 2 * np);
        ck_assert_int_eq(crtk_record_line(rec, 0), 4 + 2 * np);
        np++;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(np, 20000);
    ck_assert_int_eq(fc.n, 0);
    free(s);
}
END_TEST

START_TEST(test_not_xml_at_all)
{
    long np;
    crtk_reader_opts o = opts();

    ck_assert_int_eq(read_all("", 0, &o, &np), CRTK_EPARSE);
    ck_assert_int_eq(read_str("hello", &np), CRTK_EPARSE);
    ck_assert_int_eq(read_str("<a><b></a>", &np), CRTK_EPARSE);
}
END_TEST

START_TEST(test_invalid_utf8_is_encoding_error)
{
    long np;

    ck_assert_int_lt(
        read_str(HDR "<Patient><Item naaccrId=\"nameLast\">\xC3\x28</Item></Patient>" END, &np), 0);
    ck_assert_int_eq(last_err.code, CRTK_EENCODING);
}
END_TEST

START_TEST(test_utf8_length_in_characters)
{
    char buf[1024];
    size_t n;
    int i;
    long np;

    for (i = 40; i <= 41; i++) {
        memset(&fc, 0, sizeof fc);
        n = (size_t)snprintf(buf, sizeof buf, HDR "<Patient><Item naaccrId=\"nameLast\">");
        for (int k = 0; k < i; k++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "\xC3\xA9"); /* e acute */
        snprintf(buf + n, sizeof buf - n, "</Item></Patient>" END);
        ck_assert_int_eq(read_str(buf, &np), 0);
        ck_assert_int_eq(fc.n, i == 40 ? 0 : 1);
        ck_assert_uint_eq(strlen(get("nameLast", 0)), (size_t)i * 2);
    }
    ck_assert_str_eq(fc.code[0], "value-too-long");
}
END_TEST

START_TEST(test_latin1_declared_encoding)
{
    long np;

    ck_assert_int_eq(read_str("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
                              "<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" "
                              "xmlns=\"" NS "\"><Patient><Item naaccrId=\"nameLast\">Jos\xE9</Item>"
                              "</Patient></NaaccrData>",
                              &np),
                     0);
    ck_assert_str_eq(get("nameLast", 0), "Jos\xC3\xA9");
}
END_TEST

/* ---- gzip -------------------------------------------------------------------------------- */

START_TEST(test_gzip_memory_input)
{
    static const char s[] = HDR "<Patient><Item naaccrId=\"sex\">2</Item><Tumor/></Patient>" END;
    unsigned char out[4096];
    z_stream z;
    crtk_reader_opts o = CRTK_READER_OPTS_INIT; /* format sniffed through gzip */
    long np;

    memset(&z, 0, sizeof z);
    ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (unsigned char *)s;
    z.avail_in = sizeof s - 1;
    z.next_out = out;
    z.avail_out = sizeof out;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    deflateEnd(&z);
    ck_assert_int_eq(out[0], 0x1f);
    ck_assert_int_eq(read_all((const char *)out, z.total_out, &o, &np), 0);
    ck_assert_int_eq(np, 1);
    ck_assert_str_eq(get("sex", 0), "2");
    ck_assert_int_eq(crtk_record_tumor_count(rec), 1);
    /* truncated gzip: fatal */
    ck_assert_int_lt(read_all((const char *)out, z.total_out / 2, &o, &np), 0);
}
END_TEST

/* ---- user dictionaries ------------------------------------------------------------------- */

static const char with_user[] =
    "<NaaccrData baseDictionaryUri=\"" BASE250 "\" recordType=\"A\" specificationVersion=\"1.8\" "
    "userDictionaryUri=\"http://example.org/naaccrxml/my-naaccr-dictionary-250.xml\" "
    "xmlns=\"" NS "\">\n"
    "<Patient><Tumor>\n<Item naaccrId=\"myTumorCode\">0042</Item>\n</Tumor></Patient>\n"
    "</NaaccrData>\n";

START_TEST(test_user_dictionary_loaded)
{
    crtk_error err = CRTK_ERROR_INIT;
    long np;

    ck_assert_int_eq(
        crtk_layouts_add_dictionary_mem(ls, "my", user_dict, sizeof user_dict - 1, NULL, &err),
        CRTK_OK);
    ck_assert_int_eq(read_str(with_user, &np), 0);
    ck_assert_msg(fc.n == 0, "finding %s", fc.msg[0]);
    ck_assert_str_eq(get("myTumorCode", 0), "0042");
    ck_assert_str_eq(get("primarySite", 0) ? "x" : "absent", "absent");
    ck_assert_ptr_nonnull(strstr(crtk_layout_name(crtk_reader_info(rd)->layout), "+"));
}
END_TEST

START_TEST(test_user_dictionary_from_file)
{
    crtk_error err = CRTK_ERROR_INIT;
    long np;

    ck_assert_int_eq(crtk_layouts_add_dictionary(
                         ls, CRTK_TEST_DATA "/xml/my-naaccr-dictionary-250.xml", NULL, &err),
                     CRTK_OK);
    ck_assert_int_eq(read_str(with_user, &np), 0);
    ck_assert_int_eq(fc.n, 0);
    ck_assert_str_eq(get("myTumorCode", 0), "0042");
}
END_TEST

START_TEST(test_user_dictionary_missing)
{
    long np;

    ck_assert_int_eq(read_str(with_user, &np), 0);
    ck_assert_int_eq(np, 1);
    ck_assert_int_eq(fc.n, 2);
    ck_assert_str_eq(fc.code[0], "user-dictionary-missing");
    ck_assert_int_eq(fc.sev[0], CRTK_SEV_WARNING);
    ck_assert_str_eq(fc.code[1], "unknown-item");
    ck_assert_int_eq(fc.line[1], 3);
}
END_TEST

START_TEST(test_default_user_dictionary_applies)
{
    long np;

    ck_assert_int_eq(read_str("<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/"
                              "naaccr-dictionary-210.xml\" recordType=\"A\" xmlns=\"" NS "\">"
                              "<Patient><Tumor><Item naaccrId=\"npcrSpecificField\"> x </Item>"
                              "</Tumor></Patient></NaaccrData>",
                              &np),
                     0);
    ck_assert_str_eq(get("npcrSpecificField", 0), " x ");
}
END_TEST

/* ---- conformance: the reference samples, when the shared folder is there -------------------- */

START_TEST(test_reference_samples_read_clean)
{
#ifdef CRTK_SHARED_SAMPLES
    DIR *d = opendir(CRTK_SHARED_SAMPLES);
    struct dirent *e;
    int files = 0;

    if (!d)
        return; /* not available here: nothing to compare against */
    while ((e = readdir(d))) {
        char path[1024];
        crtk_error err = CRTK_ERROR_INIT;
        crtk_reader_opts o = opts();
        long np = 0;
        int rc;
        size_t n = strlen(e->d_name);
        if (!(n > 7 && !strcmp(e->d_name + n - 7, ".xml.gz")) &&
            !(n > 4 && !strcmp(e->d_name + n - 4, ".xml")))
            continue;
        snprintf(path, sizeof path, "%s/%s", CRTK_SHARED_SAMPLES, e->d_name);
        crtk_reader_free(rd);
        rd = NULL;
        rc = crtk_reader_open(&rd, path, ls, &o, &err);
        ck_assert_msg(rc == 0, "%s: %s", path, err.message);
        while ((rc = crtk_reader_next(rd, rec)) > 0)
            np++;
        ck_assert_msg(rc == 0, "%s: %s", path, crtk_reader_error(rd)->message);
        ck_assert_msg(np > 0, "%s: no patients", path);
        ck_assert_msg(fc.n == 0, "%s: %s", path, fc.msg[0]);
        files++;
    }
    closedir(d);
    ck_assert_int_gt(files, 0);
#endif
}
END_TEST

static Suite *xml_reader_suite(void)
{
    Suite *s = suite_create("xml_reader");
    TCase *tc = tcase_create("root");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_root_attribute_errors_are_fatal, 0,
                        (int)(sizeof bad_roots / sizeof *bad_roots));
    tcase_add_test(tc, test_root_spec_absent_means_1_0);
    tcase_add_test(tc, test_root_two_user_dictionaries_with_spec_1_2);
    tcase_add_test(tc, test_root_bad_time_generated_is_a_finding);
    tcase_add_test(tc, test_root_foreign_attributes_kept);
    tcase_add_test(tc, test_root_naaccr_prefix_accepted);
    suite_add_tcase(s, tc);

    tc = tcase_create("items");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_duplicate_item_in_tumor);
    tcase_add_test(tc, test_item_after_tumor);
    tcase_add_test(tc, test_attribute_on_patient);
    tcase_add_test(tc, test_empty_item_ignored);
    tcase_add_test(tc, test_leading_space_kept_and_reported);
    tcase_add_loop_test(tc, test_data_types, 0, (int)(sizeof type_cases / sizeof *type_cases));
    tcase_add_test(tc, test_value_bytes_at_every_position);
    tcase_add_test(tc, test_long_name_across_reads);
    tcase_add_test(tc, test_entities_and_cdata_decoded);
    tcase_add_test(tc, test_abstract_item_in_incidence_file_unknown);
    tcase_add_test(tc, test_item_numbers_checked);
    tcase_add_test(tc, test_invalid_data_level);
    tcase_add_test(tc, test_unknown_elements_reported);
    tcase_add_test(tc, test_control_character_is_fatal);
    tcase_add_test(tc, test_root_items_copied_to_each_patient);
    tcase_add_test(tc, test_root_items_checked_against_attributes);
    tcase_add_test(tc, test_zero_tumors_and_zero_patients);
    tcase_add_test(tc, test_max_tumors_limit);
    tcase_add_test(tc, test_utf8_length_in_characters);
    tcase_add_test(tc, test_latin1_declared_encoding);
    suite_add_tcase(s, tc);

    tc = tcase_create("extensions");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_extensions_kept);
    tcase_add_test(tc, test_extensions_skipped);
    tcase_add_test(tc, test_item_after_extension);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_doctype_and_entities_rejected);
    tcase_add_test(tc, test_undeclared_entity_is_fatal);
    tcase_add_test(tc, test_deep_nesting_limited);
    tcase_add_test(tc, test_huge_value_limited);
    tcase_add_test(tc, test_attribute_flood_refused);
    tcase_add_test(tc, test_attribute_flood_work_is_bounded);
    tcase_add_test(tc, test_long_names_and_attribute_values_limited);
    tcase_add_test(tc, test_markup_scan_skips_comments_and_cdata);
    tcase_add_test(tc, test_truncated_file_fatal_with_line);
    tcase_add_test(tc, test_truncated_after_many_patients);
    tcase_add_test(tc, test_not_xml_at_all);
    tcase_add_test(tc, test_attribute_flood_refused_at_once);
    tcase_add_test(tc, test_long_names_and_values_refused);
    tcase_add_test(tc, test_items_per_patient_limited);
    tcase_add_test(tc, test_markup_across_reads);
    tcase_add_test(tc, test_invalid_utf8_is_encoding_error);
    tcase_add_test(tc, test_gzip_memory_input);
    suite_add_tcase(s, tc);

    tc = tcase_create("dictionaries");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_user_dictionary_loaded);
    tcase_add_test(tc, test_user_dictionary_from_file);
    tcase_add_test(tc, test_user_dictionary_missing);
    tcase_add_test(tc, test_default_user_dictionary_applies);
    tcase_add_test(tc, test_reference_samples_read_clean);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xml_reader_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
