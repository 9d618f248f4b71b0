/* check_xml_scan.c - the byte pre-scanner ahead of libxml2 (xml_scan.h): the boundaries it
 * finds, the lines it counts and the lines of its refusals do not depend on how the input
 * is cut into calls (the reader hands it whatever it has read so far). */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml_scan.h"

#define NS "http://naaccr.org/naaccrxml"

/* A document with every construct the scanner follows, LFs and CRLFs inside tags, values,
 * comments, CDATA sections and PIs, and the <Item naaccrId="..."> / </Item> forms it takes
 * whole as well as forms it does not (a blank before '>', attributes after naaccrId). */
static const char doc[] =
    "<?xml version=\"1.0\"?>\r\n<!-- a <comment> with\n\"quotes\" -- and dashes --->\n"
    "<NaaccrData baseDictionaryUri=\"http://naaccr.org/naaccrxml/naaccr-dictionary-250.xml\"\n"
    "   recordType='A'\r\n   xmlns=\"" NS "\">\n"
    "  <Item naaccrId=\"registryId\">0000001234</Item>\n"
    "  <Patient>\n"
    "    <Item naaccrId=\"patientIdNumber\">00000001</Item>\n"
    "    <Item naaccrId=\"sex\" >1</Item >\n"
    "    <Item naaccrId=\"nameLast\" naaccrNum=\"2230\">A&amp;B</Item>\n"
    "    <x:ext xmlns:x=\"urn:x\" a=\"multi\nline > value\"><x:e/><?pi data\n?></x:ext>\n"
    "    <Tumor>\n"
    "      <Item naaccrId=\"primarySite\">C509</Item>\n"
    "      <Item naaccrId=\"textRemarks\"><![CDATA[<not a tag>\n]] ]]></Item>\n"
    "      <Item\nnaaccrId=\"laterality\">1</Item>\n"
    "    </Tumor>\n"
    "  </Patient>\n"
    "  <Patient><Item naaccrId=\"sex\">2</Item></Patient>\n"
    "  <Patient/>\n"
    "</NaaccrData>\n";

static long lines_before(const char *s, size_t n)
{
    long k = 1;
    size_t i;

    for (i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

typedef struct run {
    size_t bounds[32];
    int nb;
    long err_line;
    char err[160];
    bool failed, lost;
    long tag_line;
} run;

/* Scan s[0..n) as the reader does: pieces of `piece` bytes become available one after
 * another; the scanner is run on what it has not seen until it has seen all of it. After
 * every call its line is that of the byte it stopped at. */
static run scan_in_pieces(const char *s, size_t n, size_t piece)
{
    crtk__xscan sc;
    run r;
    size_t avail = 0, lexed = 0;

    memset(&r, 0, sizeof r);
    crtk__xscan_init(&sc);
    while (lexed < n) {
        avail = avail + piece < n ? avail + piece : n;
        while (lexed < avail) {
            bool boundary;
            size_t open_at;
            long k = crtk__xscan_run(&sc, s + lexed, avail - lexed, &boundary, &open_at);
            if (k < 0) {
                r.failed = true;
                r.err_line = sc.err_line;
                snprintf(r.err, sizeof r.err, "%s", sc.err);
                return r;
            }
            (void)open_at;
            lexed += (size_t)k;
            if (boundary && r.nb < 32)
                r.bounds[r.nb++] = lexed;
            if (!sc.lost)
                ck_assert_int_eq(sc.line, lines_before(s, lexed));
        }
    }
    r.lost = sc.lost;
    r.tag_line = sc.tag_line;
    return r;
}

static const size_t pieces[] = {1, 2, 3, 5, 7, 8, 13, 16, 17, 31, 64, 100, 333, 4096, 1u << 20};

START_TEST(test_boundaries_and_lines_do_not_depend_on_pieces)
{
    size_t n = strlen(doc), i;
    run whole = scan_in_pieces(doc, n, n);
    const char *p;

    ck_assert(!whole.failed && !whole.lost);
    /* after <NaaccrData ...>, the root Item, each </Patient> and <Patient/>, </NaaccrData> */
    ck_assert_int_eq(whole.nb, 6);
    p = strstr(doc, NS "\">");
    ck_assert_uint_eq(whole.bounds[0], (size_t)(p - doc) + strlen(NS) + 2);
    p = strstr(doc, "0000001234</Item>");
    ck_assert_uint_eq(whole.bounds[1], (size_t)(p - doc) + 17);
    p = strstr(doc, "</Patient>");
    ck_assert_uint_eq(whole.bounds[2], (size_t)(p - doc) + 10);
    p = strstr(doc, "<Patient/>");
    ck_assert_uint_eq(whole.bounds[4], (size_t)(p - doc) + 10);
    ck_assert_uint_eq(whole.bounds[5], n - 1);
    for (i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        run r = scan_in_pieces(doc, n, pieces[i]);
        int b;
        ck_assert(!r.failed && !r.lost);
        ck_assert_int_eq(r.nb, whole.nb);
        for (b = 0; b < r.nb; b++)
            ck_assert_uint_eq(r.bounds[b], whole.bounds[b]);
    }
}
END_TEST

/* count_nl's word and 16-byte steps: long runs of text with LFs at every offset. */
START_TEST(test_lines_in_long_text)
{
    size_t cap = 300000, n = 0, i;
    char *s = malloc(cap);

    ck_assert_ptr_nonnull(s);
    n += (size_t)snprintf(s, cap, "<NaaccrData xmlns=\"" NS "\"><Patient><Item naaccrId=\"x\">");
    for (i = 0; n < cap - 1000; i++)
        s[n++] = i % 7 == 0 || i % 131 == 0 ? '\n' : (i % 3 ? 'a' : '\r');
    n += (size_t)snprintf(s + n, cap - n, "</Item></Patient></NaaccrData>\n");
    for (i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        run r = scan_in_pieces(s, n, pieces[i] * 37);
        ck_assert(!r.failed);
        ck_assert_int_eq(r.nb, 3);
    }
    free(s);
}
END_TEST

/* A refusal names the line where the construct began, however the input was cut. */
static void refused_at(const char *s, size_t n, long line, const char *what)
{
    size_t i;

    for (i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        run r = scan_in_pieces(s, n, pieces[i]);
        ck_assert_msg(r.failed, "piece %zu: not refused", pieces[i]);
        ck_assert_int_eq(r.err_line, line);
        ck_assert_msg(strstr(r.err, what), "%s", r.err);
    }
}

START_TEST(test_refusal_lines)
{
    size_t cap = 200000, n, i;
    char *s = malloc(cap);

    ck_assert_ptr_nonnull(s);
    /* attributes: the tag begins on line 4 and spans lines */
    n = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?>\n<NaaccrData xmlns=\"" NS "\">\n\n<x:e");
    for (i = 0; i < 300; i++)
        n += (size_t)snprintf(s + n, cap - n, "\n a%zu=\"x\"", i);
    n += (size_t)snprintf(s + n, cap - n, "/></NaaccrData>\n");
    refused_at(s, n, 4, "more than 256 attributes");
    /* a name */
    n = (size_t)snprintf(s, cap, "<NaaccrData xmlns=\"" NS "\">\n<Patient>\n\r\n<x:");
    memset(s + n, 'n', 300);
    n += 300;
    n += (size_t)snprintf(s + n, cap - n, "/></Patient></NaaccrData>\n");
    refused_at(s, n, 4, "element name");
    /* an attribute value with LFs in it, after Items taken whole */
    n = (size_t)snprintf(s, cap,
                         "<NaaccrData xmlns=\"" NS
                         "\">\n<Patient>\n<Item naaccrId=\"sex\">1</Item>\n"
                         "<Item naaccrId=\"x\"\n v=\"");
    for (i = 0; i < 70000; i++)
        s[n++] = i % 1000 ? 'v' : '\n';
    n += (size_t)snprintf(s + n, cap - n, "\">1</Item></Patient></NaaccrData>\n");
    refused_at(s, n, 4, "attribute value");
    free(s);
}
END_TEST

/* A DOCTYPE is not followed: the scanner stops there and keeps its line for the reader. */
START_TEST(test_doctype_line)
{
    static const char s[] = "<?xml version=\"1.0\"?>\n<!-- x\n-->\n<!DOCTYPE NaaccrData [\n"
                            "<!ENTITY a \"b\">]>\n<NaaccrData/>\n";
    size_t i;

    for (i = 0; i < sizeof pieces / sizeof *pieces; i++) {
        run r = scan_in_pieces(s, strlen(s), pieces[i]);
        ck_assert(!r.failed);
        ck_assert(r.lost);
        ck_assert_int_eq(r.tag_line, 4);
        ck_assert_int_eq(r.nb, 0);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xml_scan");
    TCase *tc = tcase_create("scan");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_boundaries_and_lines_do_not_depend_on_pieces);
    tcase_add_test(tc, test_lines_in_long_text);
    tcase_add_test(tc, test_refusal_lines);
    tcase_add_test(tc, test_doctype_line);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
